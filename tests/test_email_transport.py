"""Delivery itself: SSL, STARTTLS and plain relays, retries, the queue, header injection, secrets, the outbox."""

from __future__ import annotations

import datetime as dt
import email
import logging
import time
from email import policy
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.smtp_fixtures import HOST, SmtpServer, StartSmtp, free_port
from zvit.notify import (
    DeliveryError, Notice, OutboxTransport, SmtpTransport, flush_queue, notifications, notify_rejections,
    transport_from_settings,
)
from zvit.notify.message import build_message
from zvit.registry import Registry
from zvit.settings import Settings, SettingsError
from zvit.warehouse import current_submissions

#: aiosmtpd warns about AUTH without TLS: the plain relay with a login is what these tests want
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
NOW = dt.datetime(2022, 10, 8, 9, 0, tzinfo=dt.UTC)
SECRET = "Sekret-Pa55-4a8f"


def notice(**changes: object) -> Notice:
    """A small notice to send."""
    values: dict[str, object] = {"key": "reminder/p/2022-Q3/d/1", "kind": "reminder",
                                 "recipients": ("zvit@zvernennia.example.org",), "subject": "Нагадування про звіт",
                                 "text": "Надішліть, будь ласка, звіт за 9 місяців 2022 року.", "html": "<p>Звіт</p>"}
    return Notice(**{**values, **changes})  # type: ignore[arg-type]


def message(**changes: object) -> email.message.EmailMessage:
    """The email of `notice(**changes)`."""
    return build_message(notice(**changes), sender="zvit@example.org", sender_name="Звіти", now=NOW)


def rejection_ids(engine: Engine) -> list[int]:
    """The seed's current submissions (the third one is rejected)."""
    return [s.id for s in current_submissions(engine, period="2022-Q3")]


@pytest.mark.parametrize("security", ["ssl", "starttls", "plain"])
def test_each_kind_of_relay_gets_the_message_with_login(start_smtp: StartSmtp, security: str) -> None:
    server = start_smtp(security, credentials=("zvit", SECRET))
    delivery = server.transport(username="zvit", password=SECRET).send(message())
    assert delivery.channel == "smtp" and delivery.refused == ()
    [received] = server.messages
    assert received.rcpt_tos == ("zvit@zvernennia.example.org",)
    assert received.message["Subject"] == "Нагадування про звіт"
    assert server.logins == [("zvit", SECRET)]


def test_a_certificate_the_client_does_not_trust_is_not_sent_to_and_not_retried(start_smtp: StartSmtp) -> None:
    server = start_smtp("starttls")
    transport = server.transport(ssl_context=None, attempts=3, backoff=5)  # the system's CAs: not ours
    started = time.monotonic()
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED") as raised:
        transport.send(message())
    assert not raised.value.permanent and time.monotonic() - started < 4
    assert server.messages == []


def test_a_notice_queued_while_the_server_is_down_is_delivered_on_the_next_run(
        seeded: Engine, registry: Registry, start_smtp: StartSmtp) -> None:
    port = free_port()
    down = SmtpTransport(host=HOST, port=port, security="plain", sender="zvit@example.org", attempts=3,
                         backoff=0.01)
    [first] = notify_rejections(seeded, rejection_ids(seeded), registry=registry, transport=down,
                                settings=Settings(), now=NOW)
    assert first.status == "queued" and "Connection refused" in first.detail
    [row] = notifications(seeded)
    assert (row.status, row.attempts, row.sent_at) == ("queued", 1, None)

    server = start_smtp(port=port)
    later = NOW + dt.timedelta(hours=1)
    [flushed] = flush_queue(seeded, server.transport(), now=later)
    assert flushed.status == "sent"
    [received] = server.messages
    assert received.rcpt_tos == ("zvit@zvernennia.example.org",)
    assert "Рішення від 23.09.2022 № 279 має іншу дату" in received.text
    # the message composed on the first run, unchanged
    assert received.message["Message-ID"] == row.message_id
    [row] = notifications(seeded)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 2, later.replace(tzinfo=None), None)
    # nothing left to send, and rerunning the notice sends nothing either
    assert flush_queue(seeded, server.transport()) == []
    notify_rejections(seeded, rejection_ids(seeded), registry=registry, transport=server.transport(),
                      settings=Settings(), now=later)
    assert len(server.messages) == 1


def test_rerunning_the_flow_retries_a_queued_notice_once_the_server_is_up(
        seeded: Engine, registry: Registry, start_smtp: StartSmtp) -> None:
    port = free_port()
    down = SmtpTransport(host=HOST, port=port, security="plain", sender="zvit@example.org", backoff=0.01)
    notify_rejections(seeded, rejection_ids(seeded), registry=registry, transport=down, settings=Settings(), now=NOW)
    server = start_smtp(port=port)
    [outcome] = notify_rejections(seeded, rejection_ids(seeded), registry=registry, transport=server.transport(),
                                  settings=Settings(), now=NOW)
    assert outcome.status == "sent" and len(server.messages) == 1


def test_retries_back_off_then_the_server_counts_as_down_for_the_rest_of_the_run() -> None:
    transport = SmtpTransport(host=HOST, port=free_port(), security="plain", sender="zvit@example.org",
                              attempts=3, backoff=0.2)
    started = time.monotonic()
    with pytest.raises(DeliveryError, match="Connection refused"):
        transport.send(message())
    first = time.monotonic() - started
    assert first >= 0.6  # 0.2 s, then 0.4 s between the three attempts
    started = time.monotonic()
    with pytest.raises(DeliveryError, match="unavailable earlier in this run"):
        transport.send(message())
    assert time.monotonic() - started < 0.1


def test_a_recipient_refused_for_good_is_failed_and_not_retried(
        seeded: Engine, registry: Registry, start_smtp: StartSmtp) -> None:
    server = start_smtp(refuse=("zvit@zvernennia.example.org",))
    [outcome] = notify_rejections(seeded, rejection_ids(seeded), registry=registry, transport=server.transport(),
                                  settings=Settings(), now=NOW)
    assert outcome.status == "failed" and "550" in outcome.detail
    assert flush_queue(seeded, server.transport()) == []
    assert notifications(seeded)[0].status == "failed" and server.messages == []


def test_a_name_with_a_line_break_cannot_add_a_bcc_header(seeded: Engine, registry: Registry,
                                                          smtp_server: SmtpServer) -> None:
    evil = tuple(d.model_copy(update={"name": "управління звернень\nBcc: x@evil.example.org"})
                 if d.code == "upravlinnia-zvernen" else d for d in registry.departments)
    notify_rejections(seeded, rejection_ids(seeded), registry=registry.model_copy(update={"departments": evil}),
                      transport=smtp_server.transport(), settings=Settings(), now=NOW)
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("zvit@zvernennia.example.org",)
    assert received.message["Bcc"] is None and b"\nBcc:" not in received.data
    assert received.message["Subject"].endswith("— управління звернень Bcc: x@evil.example.org")


def test_subject_and_key_with_carriage_returns_stay_one_header_line_each() -> None:
    built = message(subject="Звіт\r\nBcc: x@evil.example.org\rX-Other: 1", key="a\nb")
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    assert parsed["Bcc"] is None and parsed["X-Other"] is None
    assert parsed["Subject"] == "Звіт Bcc: x@evil.example.org X-Other: 1"
    assert parsed["X-Zvit-Notice"] == "a b"


def test_the_smtp_password_is_never_logged_stored_or_shown(
        seeded: Engine, registry: Registry, start_smtp: StartSmtp, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = start_smtp("plain", credentials=("zvit", "the-right-one"))
    settings = Settings(smtp_host=HOST, smtp_port=server.port, smtp_security="plain", smtp_username="zvit",
                        smtp_password=SECRET)
    transport = transport_from_settings(settings)
    assert isinstance(transport, SmtpTransport)
    transport.backoff = 0.01
    [outcome] = notify_rejections(seeded, rejection_ids(seeded), registry=registry, transport=transport,
                                  settings=settings, now=NOW)
    assert outcome.status == "queued" and "authentication failed (535)" in outcome.detail
    # it was really offered (smtplib tries PLAIN, then LOGIN) in one attempt: a wrong password is not retried
    assert set(server.logins) == {("zvit", SECRET)} and len(server.logins) <= 2
    try:
        transport.send(message())
    except DeliveryError as error:
        raised = f"{error!s} {error!r} {error.__cause__!r} {error.__context__!r}"
    ledger = " ".join(str(value) for row in notifications(seeded) for value in row.model_dump().values())
    seen = [raised, ledger, outcome.detail, caplog.text, repr(transport), repr(settings), str(settings)]
    assert all(SECRET not in text for text in seen)
    assert all(SECRET.encode() not in received.data for received in server.messages)


def test_no_smtp_host_means_the_outbox_and_the_port_follows_the_security(tmp_path: Path) -> None:
    outbox = transport_from_settings(Settings(outbox_dir=tmp_path / "out"))
    assert isinstance(outbox, OutboxTransport) and outbox.directory == tmp_path / "out"
    ssl_relay = transport_from_settings(Settings(smtp_host="mail.example.org", smtp_security="ssl"))
    assert isinstance(ssl_relay, SmtpTransport) and ssl_relay.server_port == 465
    assert transport_from_settings(Settings(smtp_host="mail.example.org")).server_port == 587  # type: ignore


def test_outbox_files_are_named_safely_and_written_whole(tmp_path: Path) -> None:
    outbox = OutboxTransport(tmp_path / "outbox")
    delivery = outbox.send(message(key="../../etc/passwd\u0000"))
    path = Path(delivery.detail)
    assert path.parent == tmp_path / "outbox" and path.name == "20221008-090000-etc-passwd.eml"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    assert email.message_from_bytes(path.read_bytes(), policy=policy.default)["To"] == "zvit@zvernennia.example.org"


def test_a_message_sent_again_after_a_crash_adds_no_second_outbox_file(tmp_path: Path) -> None:
    # Issue 9: a run killed after writing the .eml, before the ledger recorded it, resends the stored message.
    from zvit.notify.dispatch import parse

    outbox = OutboxTransport(tmp_path / "outbox")
    first = message(key="rejection/submission/3")
    written = Path(outbox.send(first).detail)
    again = Path(outbox.send(parse(first.as_string())).detail)
    other = Path(outbox.send(message(key="rejection/submission/3")).detail)  # same name, another message
    assert again == written and other.name == "20221008-090000-rejection-submission-3-2.eml"
    assert sorted(p.name for p in written.parent.iterdir()) == sorted([written.name, other.name])


def test_an_outbox_that_cannot_be_written_is_a_delivery_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DeliveryError, match="cannot write to the outbox"):
        OutboxTransport(blocker / "outbox").send(message())


def test_address_settings_are_split_and_checked() -> None:
    settings = Settings.load({"ZVIT_OPERATOR_EMAILS": "ops@example.org; duty@example.org",
                              "ZVIT_CONSOLIDATOR_EMAILS": "zvit-consolidator@example.org",
                              "ZVIT_SMTP_PORT": "2525", "ZVIT_SMTP_PASSWORD": SECRET})
    assert settings.operator_emails == ("ops@example.org", "duty@example.org")
    assert settings.consolidator_emails == ("zvit-consolidator@example.org",)
    assert settings.smtp_port == 2525 and SECRET not in repr(settings)
    for variable, bad in (("ZVIT_OPERATOR_EMAILS", "ops@example"), ("ZVIT_OPERATOR_EMAILS", "Ops <ops@example.org>"),
                          ("ZVIT_SMTP_FROM", "ops@example.org\nBcc: x@evil.example.org")):
        with pytest.raises(SettingsError, match="invalid email address") as raised:
            Settings.load({variable: bad})
        assert str(raised.value).startswith(f"{variable}: expected ") and "\n" not in str(raised.value)


def test_the_registry_and_the_settings_accept_the_same_addresses() -> None:
    from zvit.registry.schema import DepartmentEntry

    for address in ("ops@example.org", "o.ps+zvit@mail.example.org", "ops@example", "ops..x@example.org",
                    "Ops <ops@example.org>", f"{'a' * 250}@example.org"):
        try:
            Settings(smtp_from=address)
            settings_accept = True
        except ValueError:
            settings_accept = False
        try:
            DepartmentEntry(code="d", name="D", emails=(address,), programs=("p",))
            registry_accepts = True
        except ValueError:
            registry_accepts = False
        assert settings_accept == registry_accepts, address
