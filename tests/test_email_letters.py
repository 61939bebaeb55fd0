"""Issue 14: every letter is one an official would sign and a department can act on. No rule codes, run ids or
server paths; signed by the program's contact in Ukrainian; the glossary's one word per status and severity; and
the rejection of the seed's third report says every cell to fix, the line to paste, by when, how and whom to ask.

Every kind is rendered with real data, as a real SMTP server receives it: the rejection and the digest from the
seed as the gate judged it, the refusal, reminder and overdue notice from a quarter where one department's file
could not be read and another sent nothing, and the operators' alert.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.loading import load_report
from tests.smtp_fixtures import SmtpServer, ordinary_spaces
from zvit.glossary import glossary, word
from zvit.model import Report
from zvit.normalize.decisions import decisions_line
from zvit.notify import notify_rejections, send_digest, send_due_reminders, send_operator_alert
from zvit.notify.letters import add_working_days, resend_by, signature
from zvit.registry import Registry
from zvit.registry.schema import DecisionEntry
from zvit.settings import Settings
from zvit.warehouse import current_submissions
from zvit.warehouse.receipts import Fate, Origin, Receipt, record_receipts

PERIOD, PROGRAM = "2022-Q3", "efektyvna-vlada"
#: the morning after the seed arrived, two days before the deadline (10 October 2022)
NOW = dt.datetime(2022, 10, 8, 9, 0, tzinfo=dt.UTC)
RUN_ID = "95ee24f7-8ffe-4b2c-a0b3-70fb13d360e1"
REPORTS = {"html": Path("/srv/zvit/reports/2022-Q3/efektyvna-vlada.html"),
           "pdf": Path("/srv/zvit/reports/2022-Q3/efektyvna-vlada.pdf")}
#: an English rule code such as ROW-PERCENT-MISMATCH
RULE_CODE = re.compile(r"\b[A-Z]+-[A-Z-]+\b")
ZVERNEN, ZVIAZKY = "upravlinnia-zvernen", "upravlinnia-zviazkiv"
BROKEN = "upravlinnia-zvernen-9m.docx"
CONTACT = ("Ірина ШЕВЧУК, головний спеціаліст відділу організаційного забезпечення депутатської діяльності, "
           "тел. (0412) 48-12-00, ел. пошта zvit@deputaty.example.org")
SIGN_OFF = ("З повагою,\nГоловний спеціаліст відділу організаційного забезпечення депутатської діяльності\n"
            "Ірина ШЕВЧУК\nтел. (0412) 48-12-00, ел. пошта zvit@deputaty.example.org\n")
AUTOMATED = "Лист сформовано автоматично під час збирання звітів про виконання міських цільових програм."
SETTINGS = Settings(reminder_days_before=3, overdue_repeat_days=7, overdue_max=3,
                    operator_emails=("ops@example.org",))


@dataclass(frozen=True)
class Letter:
    """One letter as received: its subject, plain text (ordinary spaces) and HTML."""

    subject: str
    text: str
    html: str


def received(server: SmtpServer, start: int = 0) -> list[Letter]:
    return [Letter(str(m.message["Subject"]), ordinary_spaces(m.text),
                   # the operators' alert is plain text only
                   ordinary_spaces(m.html) if m.message.get_body(("html",)) else "")
            for m in server.messages[start:]]


@pytest.fixture
def seed_letters(seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> dict[str, Letter]:
    """The rejection of the seed's third report and the digest of the seed's quarter."""
    ids = [s.id for s in current_submissions(seeded, period=PERIOD)]
    notify_rejections(seeded, ids, registry=registry, transport=smtp_server.transport(), settings=SETTINGS, now=NOW)
    send_digest(seeded, PERIOD, PROGRAM, REPORTS, registry=registry, transport=smtp_server.transport(),
                run_label=RUN_ID, settings=SETTINGS, now=NOW)
    send_operator_alert("collect-quarter/2022-Q3", RUN_ID, "Сховище недоступне: з'єднання обірвано",
                        transport=smtp_server.transport(), settings=SETTINGS, state="Crashed", now=NOW)
    rejection, digest, alert = received(smtp_server)
    return {"rejection": rejection, "digest": digest, "alert": alert}


@pytest.fixture
def quarter_letters(warehouse: Engine, registry: Registry, smtp_server: SmtpServer,
                    seed_reports: list[Report]) -> dict[str, Letter]:
    """The deputies' report stored, the appeals department's only file unreadable, the public relations
    department silent: a refusal and a reminder before the deadline, an overdue notice after it."""
    arrived = dt.datetime(2022, 10, 7, 9, 30, tzinfo=dt.UTC)
    load_report(warehouse, seed_reports[0], sha256="ab" * 32, received_at=arrived)
    record_receipts(warehouse, [Receipt(
        name=BROKEN, size=1234, sha256="0d" * 32, origin=Origin.FOLDER, received_at=arrived, fate=Fate.UNREADABLE,
        reason=f"{BROKEN}: файл пошкоджено, його не вдалося відкрити як документ Word", period=PERIOD,
        department=ZVERNEN)])
    letters = {}
    for day in ("2022-10-07", "2022-10-11"):
        start = len(smtp_server.messages)
        send_due_reminders(warehouse, PERIOD, registry=registry, transport=smtp_server.transport(),
                           today=dt.date.fromisoformat(day), settings=SETTINGS,
                           now=dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=dt.UTC))
        for letter in received(smtp_server, start):
            kind = ("refusal" if BROKEN in letter.subject else
                    "reminder" if letter.subject.startswith("Нагадування") else "overdue")
            letters[kind] = letter
    assert sorted(letters) == ["overdue", "refusal", "reminder"]
    return letters


@pytest.mark.parametrize("backend", ["sqlite"])
def test_no_letter_shows_a_rule_code_a_run_id_a_server_path_or_zvit_in_latin(
        seed_letters: dict[str, Letter], quarter_letters: dict[str, Letter]) -> None:
    letters = {**seed_letters, **quarter_letters}
    assert sorted(letters) == ["alert", "digest", "overdue", "refusal", "rejection", "reminder"]
    for kind, letter in letters.items():
        for part in (letter.subject, letter.text, letter.html):
            assert RULE_CODE.findall(part) == [], kind
            # «zvit» only inside an email address, never as a signature («системою zvit») or a label
            assert "zvit" not in re.sub(r"[\w.+-]+@[\w.-]+", "", part).lower(), kind
            assert "/srv/" not in part and "html:" not in part and "pdf:" not in part, kind
        assert AUTOMATED in letter.text and (AUTOMATED in letter.html or kind == "alert"), kind
    # the run id is for the operators' alert only
    assert [kind for kind, letter in letters.items() if RUN_ID in letter.text + letter.html] == ["alert"]
    assert ("Сформовано у форматах: вебсторінка (HTML), документ PDF для друку."
            in letters["digest"].text)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_every_letter_to_a_department_is_signed_by_the_program_contact(
        seed_letters: dict[str, Letter], quarter_letters: dict[str, Letter]) -> None:
    letters = {"rejection": seed_letters["rejection"], **quarter_letters}
    for kind, letter in letters.items():
        assert SIGN_OFF in letter.text, kind
        assert f"З питань щодо звіту звертайтеся: {CONTACT}." in letter.text, kind
        assert "Ірина ШЕВЧУК<br>" in letter.html and "З повагою,<br>" in letter.html, kind
    # the digest goes to the consolidator: no sign-off to themselves
    assert "З повагою" not in seed_letters["digest"].text


def test_each_status_and_severity_has_the_glossary_s_word_in_the_letters(seed_letters: dict[str, Letter]) -> None:
    digest, rejection = seed_letters["digest"], seed_letters["rejection"]
    statuses = [("відділ організаційного забезпечення депутатської діяльності", "accepted_with_warnings"),
                ("управління по зв'язках з громадськістю", "accepted_with_warnings"),
                ("управління звернень та діловодства", "rejected")]
    # the registry's order, as the consolidated report lists the departments
    assert [f"{n}. {name} — {word(status, 'status')}" for n, (name, status) in enumerate(statuses, start=1)] == \
        re.findall(r"^\d\. .+ — .+$", digest.text, flags=re.M)
    counts = re.findall(r"^   (.+): \d+; (.+): \d+; (.+): \d+$", digest.text, flags=re.M)
    plural = glossary()["severity_plural"]
    assert counts == [(plural["critical"].capitalize(), plural["warning"], plural["notice"])] * 3
    assert all(f">{plural[s].capitalize()}</th>" in digest.html for s in plural)
    for severity in ("critical", "warning", "notice"):
        assert plural[severity].upper() in rejection.text
        assert plural[severity].capitalize() in rejection.html
    assert f"{word('rejected', 'status')}: у ньому є {plural['critical']}" in rejection.text
    # the words the glossary did not pick appear nowhere
    for letter in seed_letters.values():
        for other in ("з попередженнями", "попередження", "увага", "   помилки:"):
            assert other not in letter.text.lower() and other not in letter.html.lower()


def test_the_rejection_of_the_third_seed_report_says_every_fix_the_line_to_paste_a_date_and_whom_to_ask(
        seed_letters: dict[str, Letter]) -> None:
    text = seed_letters["rejection"].text
    # the same wrong decision, cited beside the annual volume of measure 1 (column 6 of its 9-column table)
    assert ("Рядок 102 файлу (захід 1), графа 6 «Річний обсяг фінансування»: поруч із сумою зазначено рішення від "
            "23.09.2022 № 279, але рішення № 279 має іншу дату. Виправте посилання на рішення: правильно — "
            "23.09.2021 № 279.") in text
    # the missing column: a corrected file would still not match the form
    assert ("Таблиця звіту не відповідає формі: у ній 9 граф замість 10, немає графи «Орієнтовний обсяг "
            "фінансування» (графа 6 за формою).") in text
    # the header's decisions, stated plainly and ready to paste
    assert "1. Рішення від 02.12.2020 № 1430 не є серед рішень про цю програму." in text
    assert ("РЯДОК ДЛЯ ЗАГОЛОВКА ЗВІТУ\nУ рядку «Дата і номер рішення міської ради…» заголовка звіту запишіть "
            "(можна скопіювати):\n24.12.2020 № 31 (зі змінами від 23.09.2021 № 279, 24.12.2021 № 381, "
            "02.09.2022 № 558)\n") in text
    assert ("Надішліть виправлений звіт до 10 жовтня 2022 р. — це строк подання звітів за 9 місяців 2022 року "
            "(залишилось 2 дні).") in text
    assert "Файл можна надіслати у відповідь на цей лист (вкладенням) або так само, як надсилали попередні звіти" in text
    assert f"З питань щодо звіту звертайтеся: {CONTACT}." in text
    # the HTML part says the same
    html = seed_letters["rejection"].html
    assert "24.12.2020 № 31 (зі змінами від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558)</p>" in html
    assert "рядок 102 файлу (захід 1), графа 6" in html and "Ірина ШЕВЧУК, головний спеціаліст" in html


def test_the_decisions_line_follows_the_registry_and_leaves_out_later_amendments(registry: Registry) -> None:
    end = dt.date(2022, 9, 30)
    assert decisions_line(registry, PROGRAM, end) == (
        "24.12.2020 № 31 (зі змінами від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558)")
    later = DecisionEntry(number="17", date=dt.date(2022, 11, 3), convocation=registry.decisions[0].convocation,
                          amends=(PROGRAM,))
    earlier = later.model_copy(update={"number": "500", "date": dt.date(2022, 6, 30)})
    amended = registry.model_copy(update={"decisions": (*registry.decisions, later, earlier)})
    assert decisions_line(amended, PROGRAM, end) == (
        "24.12.2020 № 31 (зі змінами від 23.09.2021 № 279, 24.12.2021 № 381, 30.06.2022 № 500, 02.09.2022 № 558)")
    assert decisions_line(amended, PROGRAM, dt.date(2022, 12, 31)).endswith("02.09.2022 № 558, 03.11.2022 № 17)")
    assert decisions_line(registry, "no-such-program") == ""


def test_the_signature_falls_back_from_the_contact_to_the_signer_the_head_and_the_department(
        registry: Registry) -> None:
    program = registry.program(PROGRAM)

    def signed(**update: object) -> list[str]:
        programs = tuple(program.model_copy(update=update) if p.code == PROGRAM else p for p in registry.programs)
        return signature(registry.model_copy(update={"programs": programs}), PROGRAM).lines

    assert signed() == ["Головний спеціаліст відділу організаційного забезпечення депутатської діяльності",
                        "Ірина ШЕВЧУК", "тел. (0412) 48-12-00, ел. пошта zvit@deputaty.example.org"]
    assert signed(contact=None) == ["Начальник відділу організаційного забезпечення депутатської діяльності",
                                    "Ольга КОВАЛЬЧУК"]
    # no contact, no signer: the head of the first responsible department
    assert signed(contact=None, signer=None) == ["Начальник відділу", "Ольга КОВАЛЬЧУК"]
    headless = tuple(d.model_copy(update={"head": None}) for d in registry.departments)
    bare = registry.model_copy(update={"departments": headless, "programs": tuple(
        p.model_copy(update={"contact": None, "signer": None}) for p in registry.programs)})
    assert signature(bare, PROGRAM).lines == ["Відділ організаційного забезпечення депутатської діяльності"]
    assert signature(bare, PROGRAM).contact == "Відділ організаційного забезпечення депутатської діяльності"
    assert signature(bare, "no-such-program").lines == []


def test_the_resend_date_is_the_deadline_then_five_working_days_on() -> None:
    deadline = dt.date(2022, 10, 10)  # a Monday
    assert ordinary_spaces(str(resend_by(deadline, dt.date(2022, 10, 8)).context()["resend_by"])) == "10 жовтня 2022 р."
    late = resend_by(deadline, dt.date(2022, 10, 14))  # a Friday: Monday to Friday of the next week
    assert (late.by, late.deadline_passed, late.context()["working_days"]) == (
        dt.date(2022, 10, 21), True, "5 робочих днів")
    assert add_working_days(dt.date(2022, 10, 15), 1) == dt.date(2022, 10, 17)  # Saturday -> Monday
