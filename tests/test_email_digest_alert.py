"""The consolidator's digest after a quarterly run, the operators' alert, and what the example run leaves in
./outbox when no mail server is configured."""

from __future__ import annotations

import datetime as dt
import email
import re
from email import policy
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.smtp_fixtures import HOST, SmtpServer, StartSmtp, body, free_port, ordinary_spaces
from zvit.notify import (
    OutboxTransport, SmtpTransport, flush_queue, notifications, notify_rejections, send_digest,
    send_operator_alert,
)
from zvit.registry import Registry
from zvit.settings import Settings
from tests.loading import take_files
from zvit.warehouse import current_submissions

NOW = dt.datetime(2022, 10, 8, 9, 0, tzinfo=dt.UTC)
PROGRAM = "efektyvna-vlada"
CORRECTED = ("02.12.2020 р. № 1430 та зміни від 23.09.2022 № 279",
             "24.12.2020 № 31 та зміни від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558")
REPORTS = {"html": Path("reports/2022-Q3/zvit-2022-Q3.html"), "pdf": Path("reports/2022-Q3/zvit-2022-Q3.pdf")}


def digest(engine: Engine, registry: Registry, transport: object, run_label: str = "collect-quarter/2022-Q3",
           settings: Settings | None = None) -> object:
    """The digest of one quarterly run."""
    return send_digest(engine, "2022-Q3", PROGRAM, REPORTS, registry=registry, transport=transport,  # type: ignore
                       run_label=run_label, settings=settings or Settings(), now=NOW)


def test_the_digest_goes_to_the_responsible_executors_with_every_departments_status(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    digest(seeded, registry, smtp_server.transport())
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("zvit@deputaty.example.org", "zvit@zviazky.example.org",
                                 "zvit@zvernennia.example.org")
    assert received.message["Subject"] == ("Стан звітування за 9 місяців 2022 року — «Ефективна влада. "
                                           "Конкурентне місто»: подали 3 з 3, відхилено 1")
    text = ordinary_spaces(received.text)
    assert "Виконавців: 3; подали звіт: 3; прийнято: 2; відхилено: 1; не подано: 0; із запізненням: 0." in text
    assert ("управління звернень та діловодства — відхилено\n"
            "   Файл: zhytomyr-efficient-government-2022-9m.txt, версія 1, отримано 7 жовтня 2022 р., 12:30\n"
            "   Критичні помилки: 2; зауваження: 4; довідки: 1") in text
    assert "відділ організаційного забезпечення депутатської діяльності — прийнято із зауваженнями" in text
    # the formats in words, never a server path a clerk cannot open
    assert "Сформовано у форматах: вебсторінка (HTML), документ PDF для друку." in text
    assert str(REPORTS["html"].resolve()) not in text and "html:" not in text


def test_the_consolidator_address_setting_overrides_the_registry(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    digest(seeded, registry, smtp_server.transport(),
           settings=Settings(consolidator_emails=("consolidator@example.org",)))
    assert smtp_server.messages[0].rcpt_tos == ("consolidator@example.org",)


def test_a_digest_is_sent_once_per_state_of_the_period_whichever_run_asks(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer, seed_path: Path, tmp_path: Path) -> None:
    # Issue 9: a retry, a rerun after a crash or a second run at the same time report the same state: one digest.
    statuses = [digest(seeded, registry, smtp_server.transport(), label).status  # type: ignore[attr-defined]
                for label in ("run-a", "run-a", "run-b")]
    assert statuses == ["sent", "skipped", "skipped"]
    # A corrected file changes the period's state: the next run's digest goes out.
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(seed_path.read_text(encoding="utf-8").replace(*CORRECTED), encoding="utf-8")
    take_files(seeded, [corrected], registry=registry, received_at=NOW)
    assert digest(seeded, registry, smtp_server.transport(), "run-c").status == "sent"  # type: ignore[attr-defined]
    assert len(smtp_server.messages) == 2
    assert smtp_server.messages[1].message["Subject"].endswith("подали 3 з 3")  # none rejected any more
    keys = [n.key for n in notifications(seeded)]
    assert len(keys) == 2 and all(key.startswith(f"digest/{PROGRAM}/2022-Q3/") for key in keys)


def test_the_digest_counts_notices_that_could_not_be_delivered(
        seeded: Engine, registry: Registry, smtp_server: SmtpServer) -> None:
    down = SmtpTransport(host=HOST, port=free_port(), security="plain", sender="zvit@example.org", attempts=1)
    ids = [s.id for s in current_submissions(seeded, period="2022-Q3")]
    notify_rejections(seeded, ids, registry=registry, transport=down, settings=Settings(), now=NOW)
    digest(seeded, registry, smtp_server.transport())
    assert "Не доставлено сповіщень за цей період: 1" in smtp_server.messages[0].text


def test_the_operators_alert_names_the_run_and_the_error_without_secrets(smtp_server: SmtpServer) -> None:
    settings = Settings(operator_emails=("ops@example.org",), smtp_password="Sekret-Pa55-4a8f")
    error = ("sqlalchemy.exc.OperationalError: connection to postgresql://zvit:db-pa55@db.example.org/zvit failed; "
             "smtp password Sekret-Pa55-4a8f")
    outcome = send_operator_alert("collect-quarter/2022-Q3", "0b6c0f3e-9d2a", error, state="Crashed",
                                  transport=smtp_server.transport(), settings=settings, now=NOW)
    assert outcome.status == "sent"
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("ops@example.org",)
    assert received.message["Subject"] == "[Звіти за програмами] Запуск «collect-quarter/2022-Q3»: аварійна зупинка"
    assert "Ідентифікатор запуску (для пошуку в журналі): 0b6c0f3e-9d2a" in received.text
    assert "postgresql://zvit:***@db.example.org/zvit failed; smtp password ***" in received.text
    assert b"db-pa55" not in received.data and b"Sekret" not in received.data


def test_an_alert_never_raises_when_mail_is_down_and_is_queued_when_the_warehouse_is_at_hand(
        seeded: Engine, start_smtp: StartSmtp) -> None:
    port = free_port()
    down = SmtpTransport(host=HOST, port=port, security="plain", sender="zvit@example.org", attempts=1)
    direct = send_operator_alert("collect-quarter/2022-Q3", "run-1", "boom", transport=down, settings=Settings())
    assert direct.status == "failed"
    down = SmtpTransport(host=HOST, port=port, security="plain", sender="zvit@example.org", attempts=1)
    ledgered = send_operator_alert("collect-quarter/2022-Q3", "run-1", "boom", transport=down, settings=Settings(),
                                   engine=seeded)
    assert ledgered.status == "queued"
    server = start_smtp(port=port)
    assert [o.status for o in flush_queue(seeded, server.transport())] == ["sent"]
    assert server.messages[0].rcpt_tos == ("zvit-operators@example.org",)


def test_the_example_run_leaves_the_rejection_notice_and_the_digest_in_the_outbox(
        seeded: Engine, registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    from zvit.notify import transport_from_settings

    transport = transport_from_settings(Settings())  # nothing configured: the embedded default
    ids = [s.id for s in current_submissions(seeded, period="2022-Q3")]
    notify_rejections(seeded, ids, registry=registry, transport=transport, settings=Settings(), now=NOW)
    digest(seeded, registry, transport)
    files = sorted((tmp_path / "outbox").iterdir())
    assert re.fullmatch(r"20221008-090000-digest-efektyvna-vlada-2022-Q3-[0-9a-f]{16}\.eml", files[0].name)
    assert files[1].name == "20221008-090000-rejection-submission-3.eml" and len(files) == 2
    rejection = email.message_from_bytes(files[1].read_bytes(), policy=policy.default)
    assert rejection["To"] == "zvit@zvernennia.example.org"
    assert "Рішення від 02.12.2020 № 1430 не є серед рішень про цю програму" in body(rejection, "plain")
    digest_message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert "управління звернень та діловодства — відхилено" in body(digest_message, "plain")
    assert all(n.channel == "outbox" and n.status == "sent" for n in notifications(seeded))
    assert isinstance(transport, OutboxTransport)
