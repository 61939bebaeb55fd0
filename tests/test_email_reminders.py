"""Reminders before the deadline and overdue notices after it: only to departments with nothing submitted,
each at most once per department, period, kind and number, however often the flows run."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.smtp_fixtures import HOST, SmtpServer, StartSmtp, free_port, ordinary_spaces
from zvit.cli import main
from zvit.model import Report
from zvit.notify import (
    SmtpTransport, due_notice, flush_queue, notifications, notify_rejections, send_digest, send_due_reminders,
)
from zvit.registry import Registry
from zvit.settings import Settings
from tests.loading import load_report
from zvit.warehouse import current_submissions

PERIOD = "2022-Q3"
DEPUTATY, ZVIAZKY, ZVERNENNIA = "zvit@deputaty.example.org", "zvit@zviazky.example.org", "zvit@zvernennia.example.org"
#: deadline 10 October 2022; reminder 3 days before; overdue on the 11th, then every 7 days, 3 at most
SETTINGS = Settings(reminder_days_before=3, overdue_repeat_days=7, overdue_max=3)


def submit(engine: Engine, report: Report) -> None:
    """Store one seed report as received on 7 October (no findings: accepted)."""
    load_report(engine, report, sha256="ab" * 32, received_at=dt.datetime(2022, 10, 7, 9, 30, tzinfo=dt.UTC))


def remind(engine: Engine, registry: Registry, server: SmtpServer, day: dt.date, **options: object) -> list:
    """One run of the reminder flow on `day`."""
    return send_due_reminders(engine, PERIOD, registry=registry, transport=server.transport(), today=day,
                              settings=SETTINGS, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(("today", "expected"), [
    ("2022-10-06", None),
    ("2022-10-07", ("reminder", 1)),
    ("2022-10-10", ("reminder", 1)),
    ("2022-10-11", ("overdue", 1)),
    ("2022-10-17", ("overdue", 1)),
    ("2022-10-18", ("overdue", 2)),
    ("2022-10-25", ("overdue", 3)),
    ("2023-03-01", ("overdue", 3)),
])
def test_which_notice_is_due_on_a_day(today: str, expected: tuple[str, int] | None) -> None:
    due = due_notice(dt.date(2022, 10, 10), dt.date.fromisoformat(today), days_before=3, repeat_days=7,
                     overdue_max=3)
    assert (None if due is None else (due.kind, due.sequence)) == expected


def test_no_overdue_notice_at_all_when_the_limit_is_zero() -> None:
    assert due_notice(dt.date(2022, 10, 10), dt.date(2022, 10, 11), days_before=3, repeat_days=7,
                      overdue_max=0) is None


def test_a_reminder_goes_to_every_department_with_nothing_submitted_once(
        warehouse: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    first = remind(warehouse, registry, smtp_server, dt.date(2022, 10, 7))
    again = remind(warehouse, registry, smtp_server, dt.date(2022, 10, 8))
    assert [o.status for o in first] == ["sent"] * 3 and [o.status for o in again] == ["skipped"] * 3
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == [DEPUTATY, ZVERNENNIA, ZVIAZKY]
    [to_zvernennia] = [m for m in smtp_server.messages if m.rcpt_tos == (ZVERNENNIA,)]
    assert to_zvernennia.message["Subject"].startswith("Нагадування: звіт за 9 місяців 2022 року — до 10 жовтня")
    assert ("треба подати до 10 жовтня 2022 р. (залишилось 3 дні)"
            in ordinary_spaces(to_zvernennia.text))
    assert [(n.kind, n.sequence, n.status) for n in notifications(warehouse)] == [("reminder", 1, "sent")] * 3


def test_overdue_notices_go_only_to_the_department_with_no_submission(
        warehouse: Engine, registry: Registry, smtp_server: SmtpServer, seed_reports: list[Report]) -> None:
    submit(warehouse, seed_reports[0])
    submit(warehouse, seed_reports[1])
    outcomes = remind(warehouse, registry, smtp_server, dt.date(2022, 10, 11))
    assert [(o.kind, o.recipients) for o in outcomes] == [("overdue", (ZVERNENNIA,))]
    [received] = smtp_server.messages
    assert received.rcpt_tos == (ZVERNENNIA,)
    assert received.message["Subject"] == ("Прострочено звіт за 9 місяців 2022 року — «Ефективна влада. "
                                           "Конкурентне місто» — управління звернень та діловодства "
                                           "(нагадування 1 з 3)")
    text = ordinary_spaces(received.text)
    assert "минув 10 жовтня 2022 р. (прострочено на 1 день)" in text
    assert "Якщо звіт не надійде, 18 жовтня 2022 р. буде надіслано наступне нагадування." in text


def test_a_rejected_submission_counts_as_submitted_so_no_overdue_notice(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    assert remind(seeded, registry, smtp_server, dt.date(2022, 10, 11)) == []
    assert smtp_server.messages == []


def test_overdue_notices_repeat_at_the_interval_up_to_the_limit(
        warehouse: Engine, registry: Registry, smtp_server: SmtpServer, seed_reports: list[Report]) -> None:
    submit(warehouse, seed_reports[0])
    submit(warehouse, seed_reports[1])
    days = ["2022-10-11", "2022-10-12", "2022-10-17", "2022-10-18", "2022-10-18", "2022-10-25", "2022-11-30"]
    for day in days:
        remind(warehouse, registry, smtp_server, dt.date.fromisoformat(day))
    subjects = [m.message["Subject"] for m in smtp_server.messages]
    assert [s[-len("(нагадування 1 з 3)"):] for s in subjects] == [
        "(нагадування 1 з 3)", "(нагадування 2 з 3)", "(нагадування 3 з 3)"]
    assert "наступне нагадування" not in smtp_server.messages[-1].text


def test_no_duplicates_when_the_reminder_flow_and_the_quarterly_flow_each_run_twice(
        warehouse: Engine, registry: Registry, smtp_server: SmtpServer, seed_reports: list[Report]) -> None:
    submit(warehouse, seed_reports[0])
    day = dt.date(2022, 10, 8)
    for run in ("quarterly-1", "quarterly-2"):
        remind(warehouse, registry, smtp_server, day)
        ids = [s.id for s in current_submissions(warehouse, period=PERIOD)]
        notify_rejections(warehouse, ids, registry=registry, transport=smtp_server.transport(), settings=SETTINGS)
        send_digest(warehouse, PERIOD, "efektyvna-vlada", {}, registry=registry,
                    transport=smtp_server.transport(), run_label=run, settings=SETTINGS)
        remind(warehouse, registry, smtp_server, day)
    reminders = Counter(m.rcpt_tos for m in smtp_server.messages if m.message["Subject"].startswith("Нагадування"))
    assert reminders == {(ZVIAZKY,): 1, (ZVERNENNIA,): 1}
    digests = [m for m in smtp_server.messages if m.message["Subject"].startswith("Стан звітування")]
    assert len(digests) == 1  # the second run found the period as the first left it: nothing new to tell
    assert Counter(n.kind for n in notifications(warehouse)) == {"reminder": 2, "digest": 1}


def test_a_queued_reminder_is_cancelled_once_the_department_submits(
        warehouse: Engine, registry: Registry, start_smtp: StartSmtp, seed_reports: list[Report]) -> None:
    port = free_port()
    down = SmtpTransport(host=HOST, port=port, security="plain", sender="zvit@example.org", backoff=0.01)
    outcomes = send_due_reminders(warehouse, PERIOD, registry=registry, transport=down,
                                  today=dt.date(2022, 10, 8), settings=SETTINGS)
    assert [o.status for o in outcomes] == ["queued"] * 3
    submit(warehouse, seed_reports[2])  # управління звернень та діловодства
    server = start_smtp(port=port)
    flushed = flush_queue(warehouse, server.transport())
    assert sorted((o.status, o.recipients) for o in flushed) == [
        ("cancelled", (ZVERNENNIA,)), ("sent", (DEPUTATY,)), ("sent", (ZVIAZKY,))]
    assert sorted(m.rcpt_tos for m in server.messages) == [(DEPUTATY,), (ZVIAZKY,)]


def test_a_dry_run_shows_what_is_due_and_sends_and_records_nothing(
        warehouse: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    outcomes = remind(warehouse, registry, smtp_server, dt.date(2022, 10, 12), dry_run=True)
    assert [(o.kind, o.status) for o in outcomes] == [("overdue", "due")] * 3
    assert smtp_server.messages == [] and notifications(warehouse) == []


def test_zvit_remind_sends_through_the_configured_relay_then_skips_what_it_sent(
        warehouse_url: str, backend: str, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZVIT_DATABASE_URL", warehouse_url)
    monkeypatch.setenv("ZVIT_SMTP_HOST", HOST)
    monkeypatch.setenv("ZVIT_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("ZVIT_SMTP_SECURITY", "plain")
    assert main(["remind", "--period", PERIOD, "--today", "2022-10-12", "--dry-run"]) == 0
    out = ordinary_spaces(capsys.readouterr().out)
    assert out.startswith("Звіти за 9 місяців 2022 року (2022-Q3): строк подання — 10 жовтня 2022 р., "
                          "сьогодні — 12 жовтня 2022 р.\nПробний запуск")
    assert out.count("прострочення · ") == 3 and out.count(": буде надіслано") == 3
    assert smtp_server.messages == []

    assert main(["remind", "--period", PERIOD, "--today", "2022-10-12"]) == 0
    assert capsys.readouterr().out.count(": надіслано") == 3
    assert sorted(m.rcpt_tos for m in smtp_server.messages) == [(DEPUTATY,), (ZVERNENNIA,), (ZVIAZKY,)]
    assert main(["remind", "--period", PERIOD, "--today", "2022-10-12"]) == 0
    assert capsys.readouterr().out.count(": уже надсилалося") == 3
    assert len(smtp_server.messages) == 3 and not (tmp_path / "outbox").exists()


def test_zvit_remind_without_a_relay_writes_the_outbox_and_exits_1_when_the_relay_is_down(
        warehouse_url: str, backend: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
        tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZVIT_DATABASE_URL", warehouse_url)
    monkeypatch.delenv("ZVIT_SMTP_HOST", raising=False)
    assert main(["remind", "--period", PERIOD, "--today", "2022-10-07"]) == 0
    assert "листи записуються в теку outbox" in capsys.readouterr().out
    assert len(list((tmp_path / "outbox").glob("*-reminder-efektyvna-vlada-2022-Q3-*-1.eml"))) == 3

    monkeypatch.setenv("ZVIT_SMTP_HOST", HOST)
    monkeypatch.setenv("ZVIT_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("ZVIT_SMTP_SECURITY", "plain")
    monkeypatch.setenv("ZVIT_SMTP_TIMEOUT", "2")
    assert main(["remind", "--period", PERIOD, "--today", "2022-10-11"]) == 1
    assert capsys.readouterr().out.count(": не доставлено, лишається в черзі") == 3
