"""Issue 18: reports arrive by email. A real Dovecot holds the mailbox, the real SMTP test server takes the answers.

The example's three reports arrive from the three departments' registered addresses: two accepted, the third
rejected, each sender answered once in its thread; the third department's corrected file comes as a reply and is
accepted. Unregistered senders, unsupported and broken attachments each get their fate and their answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.imap_fixtures import USER, ImapServer, mail
from tests.smtp_fixtures import SmtpServer, StartSmtp
from zvit.intake import read_layouts
from zvit.mail import fetch_mail
from zvit.mail.ledger import mail_messages
from zvit.mail.message import parse_message
from zvit.registry import Registry
from zvit.samples.docx_writer import write_docx
from zvit.settings import Settings
from zvit.warehouse import make_engine, upgrade
from zvit.warehouse.receipts import receipts_for_period

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
#: the registered addresses of the example's three departments (registry/departments.yaml), in the seed's order
SENDERS = ("zvit@deputaty.example.org", "zvit@zviazky.example.org", "zvit@zvernennia.example.org")
CODES = ("viddil-deputatskoi-diialnosti", "upravlinnia-zviazkiv", "upravlinnia-zvernen")
#: the third report cites the wrong council decisions: this is the correction (as tests/test_flows.py makes it)
CORRECTED = ("02.12.2020 р. № 1430 та зміни від 23.09.2022 № 279",
             "24.12.2020 № 31 та зміни від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558")


@pytest.fixture
def home(tmp_path: Path, imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ZVIT_* settings for a fresh warehouse, an inbox and the test's mailbox."""
    for name, value in {**imap_server.env("plain"), "ZVIT_DATABASE_URL": f"sqlite:///{tmp_path / 'zvit.db'}",
                        "ZVIT_INBOX_DIR": str(tmp_path / "inbox"), "ZVIT_REGISTRY_DIR": str(ROOT / "registry"),
                        "ZVIT_CONSOLIDATOR_EMAILS": "consolidator@example.org"}.items():
        monkeypatch.setenv(name, value)
    return tmp_path


@pytest.fixture
def engine(home: Path) -> Iterator[Engine]:
    """The warehouse the fetch stores into."""
    engine = make_engine(f"sqlite:///{home / 'zvit.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def fetch(engine: Engine, registry: Registry, smtp: SmtpServer) -> object:
    """One fetch cycle in this process, answering through the test's SMTP server."""
    return fetch_mail(engine, registry=registry, settings=Settings.load(), transport=smtp.transport())


def corrected_third(seed_path: Path, folder: Path) -> Path:
    """The third department's report with the right decisions cited, as the .docx it sends."""
    text = folder / "corrected.txt"
    text.write_text(seed_path.read_text(encoding="utf-8").replace(*CORRECTED), encoding="utf-8")
    return write_docx([read_layouts(text)[2]], folder / "zvit-zvernennia-vypravlenyi.docx")


def test_the_example_arrives_by_mail_and_each_sender_is_answered_once_in_its_thread(
        engine: Engine, registry: Registry, imap_server: ImapServer, smtp_server: SmtpServer,
        seed_fixtures: dict[str, list[Path]], seed_path: Path, home: Path) -> None:
    sent = [mail(sender, "Звіт за 9 місяців 2022 року", attachments=(path,))
            for sender, path in zip(SENDERS, seed_fixtures["docx"], strict=True)]
    for message in sent:
        imap_server.deliver(message)
    result = fetch(engine, registry, smtp_server)

    assert [(m.outcome, m.department, m.period) for m in result.messages] == [
        ("answered", code, "2022-Q3") for code in CODES]
    statuses = [[c.result.status.value for f in m.files for c in f.reports if c.result] for m in result.messages]
    assert statuses == [["accepted_with_warnings"], ["accepted_with_warnings"], ["rejected"]]
    # each sender answered once, in the thread of its own message
    answers = {r.rcpt_tos: r.message for r in smtp_server.messages}
    assert sorted(answers) == sorted((sender,) for sender in SENDERS)
    for sender, message, path in zip(SENDERS, sent, seed_fixtures["docx"], strict=True):
        answer = answers[(sender,)]
        assert answer["In-Reply-To"] == message["Message-ID"]
        assert answer["References"] == message["Message-ID"]
        assert str(answer["Subject"]).startswith("Re: Звіт за 9 місяців 2022 року — ")
        text = answer.get_body(("plain",)).get_content()
        assert path.name in text and f"SHA-256: {_sha256(path)}" in text
    third = answers[(SENDERS[2],)]
    assert str(third["Subject"]).endswith("— відхилено")
    text = third.get_body(("plain",)).get_content()
    # the rejection's findings as the rejection notice writes them: the rule, where, what was found
    assert "ПОМИЛКИ, ЯКІ ТРЕБА ВИПРАВИТИ" in text and "[REPORT-DECISION" in text and "Знайдено:" in text
    assert "<table" in third.get_body(("html",)).get_content()
    # every message kept, flagged and moved to the processed folder; the warehouse knows who sent each file
    assert imap_server.folder_uids("INBOX") == []
    moved = imap_server.folder_uids("zvit-processed")
    assert len(moved) == 3 and all("ZvitProcessed" in flags and "\\Seen" in flags for _, flags in moved)
    receipts = receipts_for_period(engine, "2022-Q3")
    assert sorted((r.origin.value, r.sender, r.department) for r in receipts) == sorted(
        ("mail", sender, code) for sender, code in zip(SENDERS, CODES, strict=True))

    # the third department answers the receipt with its corrected file: accepted, and the answer threaded
    receipt = third
    correction = mail(SENDERS[2], f"Re: {sent[2]['Subject']}", "Виправлено.",
                      attachments=(corrected_third(seed_path, home),), in_reply_to=receipt["Message-ID"],
                      references=f"{sent[2]['Message-ID']} {receipt['Message-ID']}")
    imap_server.deliver(correction)
    second = fetch(engine, registry, smtp_server)
    [message] = second.messages
    assert [c.result.status.value for f in message.files for c in f.reports if c.result] == [
        "accepted_with_warnings"]
    answer = smtp_server.messages[-1].message
    assert answer["In-Reply-To"] == correction["Message-ID"]
    assert str(answer["References"]).split() == [sent[2]["Message-ID"], receipt["Message-ID"],
                                                 correction["Message-ID"]]
    assert str(answer["Subject"]) == "Re: Звіт за 9 місяців 2022 року — прийнято із зауваженнями"
    assert len(smtp_server.messages) == 4

    # nothing new: nothing processed, nobody written to
    assert fetch(engine, registry, smtp_server).messages == []
    assert len(smtp_server.messages) == 4
    assert [m.state for m in mail_messages(engine)] == ["done"] * 4


def test_unregistered_sender_unsupported_and_broken_attachments_get_their_fate_and_answer(
        engine: Engine, registry: Registry, imap_server: ImapServer, smtp_server: SmtpServer,
        seed_fixtures: dict[str, list[Path]]) -> None:
    stranger = "someone@elsewhere.example.net"
    imap_server.deliver(mail(stranger, "звіт", attachments=(seed_fixtures["docx"][0],)))
    imap_server.deliver(mail(stranger, "ще раз звіт", attachments=(seed_fixtures["docx"][0],)))
    imap_server.deliver(mail(SENDERS[0], "Звіт 2022-Q3", attachments=(("zvit.xls", b"\xd0\xcf\x11\xe0" + bytes(600)),
                                                                      ("zvit.zip", b"PK\x05\x06" + bytes(18)))))
    imap_server.deliver(mail(SENDERS[1], "Звіт 2022-Q3", attachments=(("zvit-zviazky.docx", b"not a zip at all"),)))
    imap_server.deliver(mail("MAILER-DAEMON@mail.example.org", "Undelivered Mail Returned to Sender",
                             headers={"Auto-Submitted": "auto-replied"}))
    result = fetch(engine, registry, smtp_server)

    assert [m.outcome for m in result.messages] == ["unregistered", "unregistered", "answered", "answered",
                                                    "automatic"]
    by_recipient: dict[tuple[str, ...], list] = {}
    for received in smtp_server.messages:
        by_recipient.setdefault(received.rcpt_tos, []).append(received.message)
    # the stranger: one polite reply (rate-limited: not one per message), and the consolidator told once
    [reply] = by_recipient[(stranger,)]
    assert str(reply["Subject"]) == "Re: звіт — адреси немає в реєстрі виконавців"
    assert "Адреси someone@elsewhere.example.net немає серед адрес виконавців" in _text(reply)
    [note] = by_recipient[("consolidator@example.org",)]
    assert stranger in str(note["Subject"]) and seed_fixtures["docx"][0].name in _text(note)
    # nothing of the stranger's was stored
    assert {r.sender for r in receipts_for_period(engine, "2022-Q3")} == set(SENDERS[:2])
    # the unsupported files: their fate, and what to send instead
    [unsupported] = by_recipient[(SENDERS[0],)]
    text = _text(unsupported)
    assert "zvit.xls" in text and "zvit.zip" in text and "формат не підтримується".capitalize() in text
    assert "Що надіслати натомість: надішліть звіт у форматі Word (.docx), Excel (.xlsx) або CSV" in text
    # the broken file: why, and what to send instead
    [broken] = by_recipient[(SENDERS[1],)]
    text = _text(broken)
    assert "Файл не прочитано: zvit-zviazky.docx:" in text and "Що надіслати натомість" in text
    fates = {(f.name, f.fate.value) for m in result.messages for f in m.files}
    assert fates == {("zvit.xls", "unsupported"), ("zvit.zip", "unsupported"),
                     ("zvit-zviazky.docx", "unreadable")}
    # the bounce is never answered; every message is kept, in the processed folder
    assert "MAILER-DAEMON@mail.example.org" not in {r for key in by_recipient for r in key}
    assert len(imap_server.folder_uids("zvit-processed")) == 5 and imap_server.folder_uids("INBOX") == []


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_the_mailbox_is_read_over_tls_and_a_wrong_password_is_never_shown(
        security: str, engine: Engine, registry: Registry, imap_server: ImapServer, smtp_server: SmtpServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from zvit.mail.imap import MailboxError

    imap_server.deliver(mail(SENDERS[0], "без вкладень"))
    for name, value in imap_server.env(security).items():
        monkeypatch.setenv(name, value)
    result = fetch_mail(engine, registry=registry, settings=Settings.load(), transport=smtp_server.transport(),
                        ssl_context=imap_server.client_context)
    assert [m.outcome for m in result.messages] == ["answered"]
    assert "немає вкладених файлів" in _text(smtp_server.messages[0].message)
    monkeypatch.setenv("ZVIT_IMAP_PASSWORD", "wrong-Pa55word-xyz")
    with pytest.raises(MailboxError) as error:
        fetch_mail(engine, registry=registry, settings=Settings.load(), transport=smtp_server.transport(),
                   ssl_context=imap_server.client_context)
    assert "sign-in refused for " + USER in str(error.value) and "wrong-Pa55word-xyz" not in str(error.value)


def test_an_answer_the_relay_did_not_take_goes_out_with_the_next_fetch_once(
        engine: Engine, registry: Registry, imap_server: ImapServer, start_smtp: StartSmtp,
        seed_fixtures: dict[str, list[Path]]) -> None:
    relay = start_smtp()
    port = relay.port
    relay.stop()  # the relay is down while the message is processed
    imap_server.deliver(mail(SENDERS[0], "Звіт за 9 місяців 2022 року", attachments=(seed_fixtures["docx"][0],)))
    first = fetch(engine, registry, relay)
    assert [a.status for m in first.messages for a in m.answers] == ["queued"] and first.undelivered
    assert imap_server.folder_uids("INBOX") == []  # the message is done all the same: its answer is queued
    relay = start_smtp(port=port)
    second = fetch(engine, registry, relay)
    assert second.messages == [] and [o.status for o in second.flushed] == ["sent"]
    third = fetch(engine, registry, relay)
    assert third.flushed == [] and [r.rcpt_tos for r in relay.messages] == [(SENDERS[0],)]
    assert relay.messages[0].message["In-Reply-To"] is not None


def test_a_message_too_large_to_take_is_answered_without_being_downloaded(
        engine: Engine, registry: Registry, imap_server: ImapServer, smtp_server: SmtpServer,
        seed_fixtures: dict[str, list[Path]]) -> None:
    imap_server.deliver(mail(SENDERS[1], "Звіт і скани", attachments=(seed_fixtures["docx"][1],
                                                                    ("scan.tiff", bytes(200_000)))))
    result = fetch_mail(engine, registry=registry, settings=Settings.load(), transport=smtp_server.transport(),
                        max_message_bytes=100_000)
    [message] = result.messages
    assert (message.outcome, message.files) == ("answered", ())
    [answer] = smtp_server.messages
    assert str(answer.message["Subject"]) == "Re: Звіт і скани — лист завеликий"
    assert "вкладення не взято" in _text(answer.message)
    assert receipts_for_period(engine, "2022-Q3") == [] and len(imap_server.folder_uids("zvit-processed")) == 1


def test_a_message_flagged_but_not_moved_by_a_stopped_fetch_is_moved_by_the_next(
        engine: Engine, registry: Registry, imap_server: ImapServer, smtp_server: SmtpServer,
        seed_fixtures: dict[str, list[Path]]) -> None:
    # Regression (CI of issue 15's work): a fetch killed between flagging a message processed and moving it left it
    # in the inbox for good, since the next fetch only looks at unflagged ones.
    imap_server.deliver(mail(SENDERS[0], "Звіт за 9 місяців 2022 року", attachments=(seed_fixtures["docx"][0],)))
    client = imap_server.client()
    try:
        client.select("INBOX")
        status, _ = client.uid("STORE", "1", "+FLAGS", "(ZvitProcessed \\Seen)")
        assert status == "OK"
    finally:
        client.logout()
    result = fetch(engine, registry, smtp_server)
    assert result.messages == [] and smtp_server.messages == []  # nothing done again, nobody answered again
    assert imap_server.folder_uids("INBOX") == []
    assert [uid for uid, _ in imap_server.folder_uids("zvit-processed")] == [1]


def test_a_message_is_identified_by_its_message_id_or_else_sender_date_and_subject() -> None:
    message = mail(SENDERS[0], "Звіт за I півріччя 2023 року", "", attachments=(("../../etc/passwd", b"x"),))
    item = parse_message(message.as_bytes())
    assert item.key == message["Message-ID"] and item.period == "2023-Q2" and item.sender == SENDERS[0]
    assert [a.name for a in item.attachments] == ["passwd"]
    del message["Message-ID"]
    anonymous = parse_message(message.as_bytes())
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", anonymous.key) and anonymous.key == parse_message(
        message.as_bytes()).key


def _text(message: object) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
