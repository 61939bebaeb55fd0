"""The rejection notice, as a real SMTP server receives it for the seed's third report."""

from __future__ import annotations

import datetime as dt
import email
import re
from email import policy
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.smtp_fixtures import SmtpServer, body, ordinary_spaces
from zvit.notify import OutboxTransport, notifications, notify_rejections
from zvit.registry import Registry
from zvit.settings import Settings
from zvit.warehouse import current_submissions

#: the morning after the seed arrived, city time 12:00
NOW = dt.datetime(2022, 10, 8, 9, 0, tzinfo=dt.UTC)
THIRD = "управління звернень та діловодства"


def submission_ids(engine: Engine) -> list[int]:
    """Every current submission, accepted or not: the flow passes the whole batch."""
    return [s.id for s in current_submissions(engine, period="2022-Q3")]


def test_only_the_rejected_third_report_gets_a_notice_addressed_to_its_department(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    outcomes = notify_rejections(seeded, submission_ids(seeded), registry=registry, transport=smtp_server.transport(),
                                 settings=Settings(), now=NOW)
    assert [(o.kind, o.status, o.recipients) for o in outcomes] == [
        ("rejection", "sent", ("zvit@zvernennia.example.org",))]
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("zvit@zvernennia.example.org",)
    assert received.mail_from == "zvit@example.org"
    message = received.message
    assert message["To"] == "zvit@zvernennia.example.org"
    assert message["Subject"] == ("Звіт відхилено: «Ефективна влада. Конкурентне місто», 9 місяців 2022 року — "
                                  f"{THIRD}")


def test_the_notice_lists_each_critical_finding_with_its_cell_value_and_what_was_expected(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    notify_rejections(seeded, submission_ids(seeded), registry=registry, transport=smtp_server.transport(),
                      settings=Settings(), now=NOW)
    [received] = smtp_server.messages
    assert received.message.get_content_type() == "multipart/alternative"
    assert received.message.get_body(("plain",))["Content-Type"].params["charset"] == "utf-8"
    text = received.text
    critical, rest = text.split("ЗАУВАЖЕННЯ", 1)
    assert "КРИТИЧНІ ПОМИЛКИ, ЯКІ ТРЕБА ВИПРАВИТИ (2)" in critical
    assert ("1. Рішення від 02.12.2020 № 1430 не є серед рішень про цю програму. Рішення про програму: 24.12.2020 "
            "№ 31 (зі змінами від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558).\n") in critical
    assert ("2. Рішення від 23.09.2022 № 279 має іншу дату: правильно — 23.09.2021 № 279.\n"
            "   Місце: рядок «Дата і номер рішення міської ради…» заголовка звіту (рядок 90 файлу)\n"
            "   Знайдено: 23.09.2022 № 279\n"
            "   Очікувалось: 23.09.2021 № 279\n") in critical
    # warnings come after, marked as not blocking, each opening with its cell
    assert rest.startswith(" — не перешкоджають прийняттю звіту")
    assert ("Рядок 102 файлу (захід 1), графа 8 «Відсоток виконання»: відсоток виконання 64,00% не відповідає "
            "співвідношенню профінансованого до річного обсягу — 37,82% (різниця 26,18 в. п.).\n"
            "   Знайдено: 64,00%\n   Очікувалось: 37,82%") in rest
    assert "не є серед рішень про цю програму" not in rest


def test_the_notice_names_the_file_when_it_came_the_deadline_and_how_to_resubmit(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    notify_rejections(seeded, submission_ids(seeded), registry=registry, transport=smtp_server.transport(),
                      settings=Settings(), now=NOW)
    text = ordinary_spaces(smtp_server.messages[0].text)
    assert "Файл: zhytomyr-efficient-government-2022-9m.txt (звіт №3 у файлі)" in text
    assert "Отримано: 7 жовтня 2022 р., 12:30 (версія 1)" in text
    assert ("Надішліть виправлений звіт до 10 жовтня 2022 р. — це строк подання звітів за 9 місяців 2022 року "
            "(залишилось 2 дні).") in text
    assert "ЯК ПОДАТИ ЗВІТ ПОВТОРНО" in text and "Новий файл замінить відхилений" in text
    assert "Файл можна надіслати у відповідь на цей лист (вкладенням) або так само, як надсилали попередні звіти" in text


def test_after_the_deadline_the_notice_says_a_corrected_file_counts_as_late(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    notify_rejections(seeded, submission_ids(seeded), registry=registry, transport=smtp_server.transport(),
                      settings=Settings(), now=dt.datetime(2022, 10, 11, 9, 0, tzinfo=dt.UTC))
    # Tuesday 11 October: five working days on is Tuesday 18 October
    assert ("Строк подання звітів за 9 місяців 2022 року минув 10 жовтня 2022 р., тож надішліть виправлений звіт "
            "до 18 жовтня 2022 р. (5 робочих днів від дати цього листа); його буде зараховано як поданий із "
            "запізненням.") in ordinary_spaces(smtp_server.messages[0].text)


def test_the_html_part_carries_the_same_findings_in_a_table(seeded: Engine, registry: Registry,
                                                            smtp_server: SmtpServer) -> None:
    notify_rejections(seeded, submission_ids(seeded), registry=registry, transport=smtp_server.transport(),
                      settings=Settings(), now=NOW)
    html = smtp_server.messages[0].html
    assert '<html lang="uk">' in html
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
    assert "рядок «Дата і номер рішення міської ради…» заголовка звіту (рядок 90 файлу)" in cells
    assert "23.09.2022 № 279" in cells and "23.09.2021 № 279" in cells
    assert "REPORT-DECISION-WRONG-DATE" not in html and "<code" not in html


def test_a_rejected_submission_is_notified_once_however_often_the_flow_reruns(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    for _ in range(3):
        outcomes = notify_rejections(seeded, submission_ids(seeded), registry=registry,
                                     transport=smtp_server.transport(), settings=Settings(), now=NOW)
    assert [o.status for o in outcomes] == ["skipped"]
    assert len(smtp_server.messages) == 1
    [row] = notifications(seeded)
    assert (row.kind, row.status, row.attempts, row.channel) == ("rejection", "sent", 1, "smtp")
    assert row.key == f"rejection/submission/{row.submission_id}"
    assert row.sent_at == NOW.replace(tzinfo=None)


def test_a_department_missing_from_the_registry_has_its_notice_sent_to_the_operators(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    without = registry.model_copy(update={"departments": tuple(
        d for d in registry.departments if d.code != "upravlinnia-zvernen")})
    notify_rejections(seeded, submission_ids(seeded), registry=without, transport=smtp_server.transport(),
                      settings=Settings(operator_emails=("ops@example.org",)), now=NOW)
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("ops@example.org",)
    assert "немає в реєстрі, тож лист надіслано операторам: перешліть його виконавцю" in received.text


def test_with_no_smtp_configured_the_notice_is_an_eml_file_in_the_outbox(
        seeded: Engine, registry: Registry, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    [outcome] = notify_rejections(seeded, submission_ids(seeded), registry=registry,
                                  transport=OutboxTransport(outbox), settings=Settings(), now=NOW)
    [path] = outbox.iterdir()
    assert path.name == "20221008-090000-rejection-submission-3.eml" and outcome.detail == str(path)
    raw = path.read_bytes()
    assert raw.isascii() and b"\r\n" in raw
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"].startswith("Звіт відхилено")
    assert "Рішення від 23.09.2022 № 279 має іншу дату" in body(message, "plain")
    assert notifications(seeded)[0].channel == "outbox"


def test_markup_in_a_name_is_escaped_in_the_html_part(seeded: Engine, registry: Registry,
                                                      smtp_server: SmtpServer) -> None:
    marked = tuple(d.model_copy(update={"name": "управління <script>alert(1)</script>"})
                   if d.code == "upravlinnia-zvernen" else d for d in registry.departments)
    notify_rejections(seeded, submission_ids(seeded), registry=registry.model_copy(update={"departments": marked}),
                      transport=smtp_server.transport(), settings=Settings(), now=NOW)
    received = smtp_server.messages[0]
    assert "<script>" not in received.html and "управління &lt;script&gt;alert(1)&lt;/script&gt;" in received.html
    assert "управління <script>alert(1)</script>" in received.text  # plain text is shown as written
