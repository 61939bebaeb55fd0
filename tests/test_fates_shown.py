"""Issue 13, point 3: what became of every file is shown wherever the period's status is. A department whose
only file could not be read is «файл не прочитано» with the file and the reason, never «не подано»; files no
department could be told from are listed on their own; the department is told once why its file was refused,
never that it sent nothing. Every status and fate word comes from the one glossary."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import docx
import lxml.html
import openpyxl
import pytest
from sqlalchemy.engine import Engine

from tests.loading import load_report
from tests.report_fixtures import PERIOD, PREPARED_AT, PROGRAM
from tests.smtp_fixtures import HOST, SmtpServer, StartSmtp, free_port, ordinary_spaces
from zvit.glossary import glossary, word
from zvit.model import Report
from zvit.notify import (
    SmtpTransport, flush_queue, notifications, notify_refusals, send_digest, send_due_reminders,
)
from zvit.registry import Registry
from zvit.report.datapackage import build_package
from zvit.report.docx import render_docx
from zvit.report.gather import gather_report
from zvit.report.html import render_html
from zvit.quality.findings import Status
from zvit.report.model import ConsolidatedReport

COUNTED = (Status.ACCEPTED, Status.ACCEPTED_WITH_WARNINGS)
from zvit.report.texts import fate_label, severity_label, status_label
from zvit.report.xlsx import render_xlsx
from zvit.settings import Settings
from zvit.warehouse.receipts import Fate, Origin, Receipt, record_receipts

ROOT = Path(__file__).resolve().parent.parent
DEPUTATY, ZVIAZKY, ZVERNENNIA = "zvit@deputaty.example.org", "zvit@zviazky.example.org", "zvit@zvernennia.example.org"
ZVERNEN = "upravlinnia-zvernen"
#: the department's only file: a Word file that is not one
BROKEN = "upravlinnia-zvernen-zvit-9m.docx"
BROKEN_REASON = "upravlinnia-zvernen-zvit-9m.docx: файл пошкоджено, його не вдалося відкрити як документ Word"
#: a file whose name tells no department
STRAY = "scan0001.pdf"
STRAY_REASON = "scan0001.pdf: «.pdf» — формат, який система не читає"
RECEIVED = dt.datetime(2022, 10, 7, 9, 30, tzinfo=dt.UTC)  # 12:30 in Kyiv, three days before the deadline
SETTINGS = Settings(reminder_days_before=3, overdue_repeat_days=7, overdue_max=3)
NOT_SUBMITTED = ("не подано", "не подали", "не надійшов", "ще не надходило")


def refuse(engine: Engine, name: str, reason: str, *, fate: Fate = Fate.UNREADABLE, department: str | None = None,
           sha: str = "0d", received_at: dt.datetime = RECEIVED) -> None:
    """Record a file taken from the inbox and refused, as the pipeline does."""
    record_receipts(engine, [Receipt(name=name, size=1234, sha256=sha * 32, origin=Origin.FOLDER,
                                     received_at=received_at, fate=fate, reason=reason, period=PERIOD,
                                     department=department)])


@pytest.fixture
def refused_quarter(warehouse: Engine, seed_reports: list[Report]) -> Engine:
    """Two departments' reports accepted; the third sent only a file that could not be read; and a stray .pdf
    whose name tells no department."""
    for number, report in enumerate(seed_reports[:2], start=1):
        load_report(warehouse, report, sha256=f"{number:064x}", received_at=RECEIVED)
    refuse(warehouse, BROKEN, BROKEN_REASON, department=ZVERNEN)
    refuse(warehouse, STRAY, STRAY_REASON, fate=Fate.UNSUPPORTED, sha="5f",
           received_at=RECEIVED + dt.timedelta(hours=1))
    return warehouse


def gather(engine: Engine) -> ConsolidatedReport:
    return gather_report(engine, program=PROGRAM, period=PERIOD, timezone="Europe/Kyiv", prepared_at=PREPARED_AT)


def collapse(text: str) -> str:
    return " ".join(ordinary_spaces(text).split())


# --- the glossary -------------------------------------------------------------------------------------------------

def test_every_status_severity_and_fate_label_is_the_glossary_word() -> None:
    for status in glossary()["status"]:
        assert status_label(status) == word(status, "status")
    for severity in glossary()["severity"]:
        assert severity_label(severity) == word(severity, "severity")
    for fate in glossary()["fate"]:
        assert fate_label(fate) == word(fate, "fate")
    assert (status_label("unreadable"), fate_label("unsupported")) == ("файл не прочитано", "формат не підтримується")


def _strings(path: Path) -> str:
    """A template's text, or a module's string literals but its docstrings (which may quote a word)."""
    if path.suffix != ".py":
        return path.read_text(encoding="utf-8")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    documented = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return "\n".join(node.value for node in ast.walk(tree)
                     if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in documented)


def test_no_template_or_module_of_the_report_or_email_keeps_its_own_status_words() -> None:
    # the words of statuses live only in templates/glossary.yaml: a copy elsewhere drifts (it did: «прийнято з
    # попередженнями» in the report, «прийнято із зауваженнями» in the digest)
    places = [*(ROOT / "templates" / "report").iterdir(), *(ROOT / "templates" / "email").iterdir(),
              *(ROOT / "zvit" / "report").glob("*.py"), *(ROOT / "zvit" / "notify").glob("*.py")]
    texts = {path: _strings(path) for path in places if path.suffix != ".docx"}
    assert len(texts) > 30  # the guard: the folders were found
    words = [w for kind in ("status", "severity", "fate") for w in glossary()[kind].values() if len(w.split()) > 1]
    words += ["прийнято з попередженнями"]
    found = {(path.name, w) for path, text in texts.items() for w in words if w in text}
    assert found == set()


# --- the consolidated report -------------------------------------------------------------------------------------

def test_the_department_whose_file_could_not_be_read_is_unreadable_with_the_file_and_the_reason(
        refused_quarter: Engine) -> None:
    report = gather(refused_quarter)
    [status] = [s for s in report.statuses if s.department_code == ZVERNEN]
    assert (status.status, status.refused_file, status.reasons, status.source_file, status.line_count) == (
        "unreadable", BROKEN, (BROKEN_REASON,), None, 0)
    assert {s.status for s in report.statuses[:2]} <= set(COUNTED)
    assert [(r.name, r.fate, r.reason) for r in report.refused] == [(STRAY, "unsupported", STRAY_REASON)]
    assert report.refused[0].received_at == RECEIVED + dt.timedelta(hours=1)
    assert report.refused[0].received_at.utcoffset() == dt.timedelta(hours=3)  # city time


def test_the_html_status_section_says_the_file_was_not_read_and_why_and_lists_the_stray_file(
        refused_quarter: Engine) -> None:
    page = lxml.html.fromstring(render_html(gather(refused_quarter)))
    [row] = page.xpath(f"//table[@class='status-table']/tbody/tr[@data-department='{ZVERNEN}']")
    cells = [collapse(td.text_content()) for td in row.xpath("./td")]
    assert (cells[3], cells[8], cells[11]) == (BROKEN, "файл не прочитано", BROKEN_REASON)
    assert row.get("data-status") == "unreadable"
    assert not any(phrase in " ".join(cells) for phrase in NOT_SUBMITTED)
    [heading] = page.xpath(f"//tr[contains(@class, 'department')][@data-department='{ZVERNEN}']/th")
    assert collapse(heading.text_content()).endswith("дані не враховано: файл не прочитано")
    status_section = collapse(page.xpath("//section[@id='status']")[0].text_content())
    assert "Отримані файли, не віднесені до жодного виконавця" in status_section
    [stray] = page.xpath("//section[@id='status']//table[@class='refused-table']/tbody/tr")
    assert [collapse(td.text_content()) for td in stray.xpath("./td")] == [
        "1", STRAY, "7 жовтня 2022 р., 13:30", "формат не підтримується", STRAY_REASON]


def test_without_refused_files_the_status_section_has_no_list_of_them(seed_report: ConsolidatedReport) -> None:
    page = lxml.html.fromstring(render_html(seed_report))
    assert seed_report.refused == () and page.xpath("//table[@class='refused-table']") == []
    [row] = page.xpath(f"//table[@class='status-table']/tbody/tr[@data-department='{ZVERNEN}']")
    assert collapse(row.xpath("./td")[8].text_content()) == "відхилено"


def test_word_excel_and_open_data_show_the_same(refused_quarter: Engine) -> None:
    report = gather(refused_quarter)
    document = docx.Document(io.BytesIO(render_docx(report)))
    status_table = document.tables[1]
    [row] = [[collapse(c.text) for c in r.cells] for r in status_table.rows if BROKEN in r.cells[3].text]
    assert (row[8], row[11]) == ("файл не прочитано", BROKEN_REASON)
    refused_table = document.tables[2]
    assert [collapse(c.text) for c in refused_table.rows[1].cells] == [
        "1", STRAY, "7 жовтня 2022 р., 13:30", "формат не підтримується", STRAY_REASON]
    assert "{{" not in document.element.xml and "{%" not in document.element.xml

    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    status_sheet = workbook["Стан подання"]
    values = [[cell.value for cell in r] for r in status_sheet.iter_rows()]
    [row] = [r for r in values if r[3] == BROKEN]
    assert (row[8], row[11]) == ("файл не прочитано", BROKEN_REASON)
    [stray] = [r for r in values if r[3] == STRAY]
    assert (stray[0], stray[5], stray[8], stray[11]) == (1, dt.datetime(2022, 10, 7, 13, 30),
                                                          "формат не підтримується", STRAY_REASON)
    # the form, the charts, the status, the annex and the lines as data
    assert len(workbook.worksheets) == 5

    descriptor, files = build_package(report)
    departments = list(csv.DictReader(io.StringIO(files["departments.csv"])))
    [row] = [r for r in departments if r["department_code"] == ZVERNEN]
    assert (row["status"], row["source_file"], row["reasons"]) == ("unreadable", BROKEN, BROKEN_REASON)
    [resource] = [r for r in descriptor["resources"] if r["name"] == "departments"]
    [field] = [f for f in resource["schema"]["fields"] if f["name"] == "status"]
    assert "unreadable" in field["constraints"]["enum"]


def test_the_open_data_package_with_an_unreadable_department_validates(refused_quarter: Engine,
                                                                         tmp_path: Path) -> None:
    from frictionless import validate

    from zvit.report.datapackage import write_datapackage

    path = write_datapackage(gather(refused_quarter), tmp_path / "datapackage.json")
    result = validate(str(path))
    assert result.valid, result.flatten(["rowNumber", "fieldName", "type", "note"])


# --- the digest ----------------------------------------------------------------------------------------------------

def test_the_digest_lists_the_unreadable_department_and_the_stray_file_with_the_reasons(
        refused_quarter: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    outcome = send_digest(refused_quarter, PERIOD, PROGRAM, {}, registry=registry, transport=smtp_server.transport(),
                          run_label="run-1", settings=SETTINGS)
    assert outcome.status == "sent"
    [received] = smtp_server.messages
    assert received.message["Subject"].endswith("подали 2 з 3, файл не прочитано — 1")
    text = ordinary_spaces(received.text)
    assert ("Виконавців: 3; подали звіт: 2; прийнято: 2; відхилено: 0; файл не прочитано: 1; не подано: 0; "
            "із запізненням: 0.") in text
    assert (f"управління звернень та діловодства — файл не прочитано\n   Файл: {BROKEN}\n"
            f"   Причина: {BROKEN_REASON}\n") in text
    assert "ФАЙЛИ, НЕ ВІДНЕСЕНІ ДО ЖОДНОГО ВИКОНАВЦЯ (1)" in text
    assert (f"1. {STRAY} — формат не підтримується, отримано 7 жовтня 2022 р., 13:30\n"
            f"   Причина: {STRAY_REASON}") in text
    assert "— не подано" not in text  # no department is called «не подано»; the count of those is 0
    html = received.html
    assert BROKEN in html and "файл не прочитано" in html and STRAY in html and "формат не підтримується" in html


def test_a_newly_refused_file_makes_a_new_digest(refused_quarter: Engine, registry: Registry,
                                                 smtp_server: SmtpServer) -> None:
    def digest(label: str) -> str:
        return send_digest(refused_quarter, PERIOD, PROGRAM, {}, registry=registry, run_label=label,
                           transport=smtp_server.transport(), settings=SETTINGS).status

    assert [digest("a"), digest("b")] == ["sent", "skipped"]
    refuse(refused_quarter, "IMG_2041.jpg", "IMG_2041.jpg: «.jpg» — формат, який система не читає",
           fate=Fate.UNSUPPORTED, sha="7e")
    assert digest("c") == "sent"
    assert "IMG_2041.jpg" in smtp_server.messages[-1].text


# --- what the department is told ------------------------------------------------------------------------------------

def remind(engine: Engine, registry: Registry, server: SmtpServer, day: str) -> list[Any]:
    return send_due_reminders(engine, PERIOD, registry=registry, transport=server.transport(),
                              today=dt.date.fromisoformat(day), settings=SETTINGS,
                              now=dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=dt.UTC))


def test_reminders_never_tell_the_department_it_sent_nothing_but_send_one_refusal_notice(
        warehouse: Engine, registry: Registry, smtp_server: SmtpServer, seed_reports: list[Report]) -> None:
    load_report(warehouse, seed_reports[0], sha256="ab" * 32, received_at=RECEIVED)  # депутатська діяльність
    refuse(warehouse, BROKEN, BROKEN_REASON, department=ZVERNEN)
    before = remind(warehouse, registry, smtp_server, "2022-10-07")
    assert sorted((o.kind, o.recipients, o.status) for o in before) == [
        ("rejection", (ZVERNENNIA,), "sent"), ("reminder", (ZVIAZKY,), "sent")]
    for day in ("2022-10-08", "2022-10-11", "2022-10-11", "2022-10-18"):
        outcomes = remind(warehouse, registry, smtp_server, day)
        assert [(o.recipients, o.status) for o in outcomes if o.kind == "rejection"] == [((ZVERNENNIA,), "skipped")]
        assert all(o.recipients == (ZVIAZKY,) for o in outcomes if o.kind in ("reminder", "overdue"))
    to_zvernennia = [m for m in smtp_server.messages if ZVERNENNIA in m.rcpt_tos]
    assert len(to_zvernennia) == 1
    [refusal] = to_zvernennia
    assert refusal.message["Subject"] == (f"Файл не прочитано: «{BROKEN}» — звіт за 9 місяців 2022 року — "
                                          "управління звернень та діловодства")
    text = ordinary_spaces(refusal.text)
    assert f"Від вас отримано файл «{BROKEN}» (7 жовтня 2022 р., 12:30)" in text
    assert "програми «Ефективна влада. Конкурентне місто» за 9 місяців 2022 року" in text
    assert f"Причина: {BROKEN_REASON}" in text
    assert "Word (.docx), Excel (.xlsx) або CSV" in text
    assert ("Надішліть звіт до 10 жовтня 2022 р. — це строк подання звітів за 9 місяців 2022 року "
            "(залишилось 3 дні).") in text
    assert not any(phrase in text for phrase in NOT_SUBMITTED)
    assert BROKEN in refusal.html and BROKEN_REASON in refusal.html
    ledger = [n for n in notifications(warehouse) if n.kind == "rejection"]
    assert [(n.key, n.status, n.submission_id) for n in ledger] == [
        (f"refusal/{PERIOD}/{ZVERNEN}/{'0d' * 32}", "sent", None)]
    assert ledger[0].department_id is not None and ledger[0].period_id is not None


def test_notify_refusals_sends_each_refusal_once_and_a_new_refused_file_gets_its_own(
        refused_quarter: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    now = dt.datetime(2022, 10, 11, 6, 0, tzinfo=dt.UTC)

    def notify() -> list[tuple[str, str]]:
        return [(o.status, o.recipients[0]) for o in notify_refusals(
            refused_quarter, PERIOD, registry=registry, transport=smtp_server.transport(), settings=SETTINGS,
            now=now)]

    assert notify() == [("sent", ZVERNENNIA)]
    assert notify() == [("skipped", ZVERNENNIA)]
    assert ("минув 10 жовтня 2022 р., тож надішліть звіт до 18 жовтня 2022 р. (5 робочих днів від дати цього "
            "листа); його буде зараховано як поданий із запізненням") in ordinary_spaces(smtp_server.messages[0].text)
    # the stray .pdf names no department: nobody to tell but the consolidator, in the digest
    assert [m.rcpt_tos for m in smtp_server.messages] == [(ZVERNENNIA,)]
    refuse(refused_quarter, "upravlinnia-zvernen-zvit.doc", "upravlinnia-zvernen-zvit.doc: «.doc» — формат, "
           "який система не читає", fate=Fate.UNSUPPORTED, department=ZVERNEN, sha="9a",
           received_at=RECEIVED + dt.timedelta(days=1))
    assert notify() == [("sent", ZVERNENNIA)]
    assert smtp_server.messages[-1].message["Subject"].startswith(
        "Формат не підтримується: «upravlinnia-zvernen-zvit.doc»")


def test_no_refusal_notice_once_the_department_has_stored_a_report(
        refused_quarter: Engine, registry: Registry, smtp_server: SmtpServer, seed_reports: list[Report]) -> None:
    load_report(refused_quarter, seed_reports[2], sha256="cd" * 32, received_at=RECEIVED + dt.timedelta(days=1))
    assert notify_refusals(refused_quarter, PERIOD, registry=registry, transport=smtp_server.transport(),
                           settings=SETTINGS) == []
    [status] = [s for s in gather(refused_quarter).statuses if s.department_code == ZVERNEN]
    assert status.status != "unreadable" and status.refused_file is None


def test_a_queued_reminder_is_cancelled_once_the_departments_file_is_refused(
        warehouse: Engine, registry: Registry, start_smtp: StartSmtp, seed_reports: list[Report]) -> None:
    port = free_port()
    down = SmtpTransport(host=HOST, port=port, security="plain", sender="zvit@example.org", backoff=0.01)
    load_report(warehouse, seed_reports[0], sha256="ab" * 32, received_at=RECEIVED)
    queued = send_due_reminders(warehouse, PERIOD, registry=registry, transport=down, settings=SETTINGS,
                                today=dt.date(2022, 10, 8))
    assert sorted((o.kind, o.recipients, o.status) for o in queued) == [
        ("reminder", (ZVERNENNIA,), "queued"), ("reminder", (ZVIAZKY,), "queued")]
    refuse(warehouse, BROKEN, BROKEN_REASON, department=ZVERNEN)  # arrives while the relay is down
    server = start_smtp(port=port)
    flushed = flush_queue(warehouse, server.transport())
    assert sorted((o.kind, o.recipients, o.status) for o in flushed) == [
        ("reminder", (ZVERNENNIA,), "cancelled"), ("reminder", (ZVIAZKY,), "sent")]
    assert [m.rcpt_tos for m in server.messages] == [(ZVIAZKY,)]


def test_a_queued_refusal_is_cancelled_once_the_department_stores_a_report(
        refused_quarter: Engine, registry: Registry, start_smtp: StartSmtp, seed_reports: list[Report]) -> None:
    port = free_port()
    down = SmtpTransport(host=HOST, port=port, security="plain", sender="zvit@example.org", backoff=0.01)
    queued = notify_refusals(refused_quarter, PERIOD, registry=registry, transport=down, settings=SETTINGS)
    assert [(o.kind, o.recipients, o.status) for o in queued] == [("rejection", (ZVERNENNIA,), "queued")]
    load_report(refused_quarter, seed_reports[2], sha256="cd" * 32, received_at=RECEIVED + dt.timedelta(days=1))
    server = start_smtp(port=port)
    flushed = flush_queue(refused_quarter, server.transport())
    assert [(o.kind, o.status, o.detail) for o in flushed] == [
        ("rejection", "cancelled", "the department has since submitted a report")]
    assert server.messages == []


def test_the_refusal_notice_escapes_a_hostile_file_name(warehouse: Engine, registry: Registry,
                                                        smtp_server: SmtpServer) -> None:
    name = 'upravlinnia-zvernen-<img src=x onerror=alert(1)>\nBcc: evil@example.org.docx'
    refuse(warehouse, name, "damaged", department=ZVERNEN)
    [outcome] = notify_refusals(warehouse, PERIOD, registry=registry, transport=smtp_server.transport(),
                                settings=SETTINGS)
    assert outcome.status == "sent"
    [received] = smtp_server.messages
    assert received.rcpt_tos == (ZVERNENNIA,) and received.message["Bcc"] is None
    assert "<img" not in received.html and "&lt;img src=x" in received.html
    assert "\n" not in received.message["Subject"]
