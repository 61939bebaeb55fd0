"""Issue 18: every message processed once and every receipt sent once, when `zvit mail fetch` is killed in the
middle and run again, and when two run at once (real processes, a real Dovecot, the real SMTP test server)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import models
from models.mail import MailMessage
from tests.imap_fixtures import ImapServer, mail
from tests.smtp_fixtures import SmtpServer
from zvit.warehouse import make_engine

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
SENDERS = ("zvit@deputaty.example.org", "zvit@zviazky.example.org", "zvit@zvernennia.example.org")


@pytest.fixture
def env(tmp_path: Path, imap_server: ImapServer, smtp_server: SmtpServer, seed_fixtures: dict[str, list[Path]],
        warehouse_url: str) -> dict[str, str]:
    """The settings of `zvit mail fetch` (a fresh warehouse: SQLite, then PostgreSQL), and the example's three
    reports waiting in the mailbox."""
    for sender, path in zip(SENDERS, seed_fixtures["docx"], strict=True):
        imap_server.deliver(mail(sender, "Звіт за 9 місяців 2022 року", attachments=(path,)))
    return {**os.environ, **imap_server.env("plain"), "ZVIT_DATABASE_URL": warehouse_url,
            "ZVIT_INBOX_DIR": str(tmp_path / "inbox"), "ZVIT_REGISTRY_DIR": str(ROOT / "registry"),
            "ZVIT_SMTP_HOST": smtp_server.host, "ZVIT_SMTP_PORT": str(smtp_server.port),
            "ZVIT_SMTP_SECURITY": "plain", "ZVIT_CONSOLIDATOR_EMAILS": "consolidator@example.org"}


def _fetch(env: dict[str, str], *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "zvit", "mail", "fetch", *options], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _ledger(env: dict[str, str]) -> list[MailMessage]:
    engine = make_engine(env["ZVIT_DATABASE_URL"])
    try:
        with Session(engine) as session:
            return list(session.scalars(select(MailMessage).order_by(MailMessage.uid)))
    except Exception:  # noqa: BLE001 - not created yet
        return []
    finally:
        engine.dispose()


def _assert_each_once(env: dict[str, str], imap_server: ImapServer, smtp_server: SmtpServer) -> None:
    ledger = _ledger(env)
    assert [(m.uid, m.state, m.outcome) for m in ledger] == [(uid, "done", "answered") for uid in (1, 2, 3)]
    # one receipt per sender, whatever ran twice
    assert Counter(r.rcpt_tos for r in smtp_server.messages) == Counter((sender,) for sender in SENDERS)
    assert len({r.message["In-Reply-To"] for r in smtp_server.messages}) == 3
    engine = make_engine(env["ZVIT_DATABASE_URL"])
    try:
        with Session(engine) as session:
            files = session.scalars(select(models.ReceivedFile)).all()
            submissions = session.scalars(select(models.Submission)).all()
            receipts = session.scalars(select(models.Notification).where(
                models.Notification.kind == "receipt")).all()
    finally:
        engine.dispose()
    assert sorted(f.sender for f in files) == sorted(SENDERS)
    assert len(submissions) == 3 and [r.status for r in receipts] == ["sent"] * 3
    assert imap_server.folder_uids("INBOX") == [] and len(imap_server.folder_uids("zvit-processed")) == 3


def test_a_fetch_killed_in_the_middle_and_run_again_processes_every_message_once(
        env: dict[str, str], imap_server: ImapServer, smtp_server: SmtpServer) -> None:
    first = _fetch(env)
    deadline = time.monotonic() + 300
    # killed once the first message is done, while it works on the second
    while not any(m.state == "done" for m in _ledger(env)):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    done = [m for m in _ledger(env) if m.state == "done"]
    assert 1 <= len(done) < 3, "the fetch was not killed in the middle"
    rerun = _fetch(env)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    # the rerun finishes what the killed fetch left: its claim is taken over, since its process is dead
    assert f"Скринька {env['ZVIT_IMAP_USERNAME']}@" in out and "опрацьовано" in out
    _assert_each_once(env, imap_server, smtp_server)


def test_two_fetches_at_once_process_every_message_once(
        env: dict[str, str], imap_server: ImapServer, smtp_server: SmtpServer) -> None:
    runs = [_fetch(env, "--json"), _fetch(env, "--json")]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in results]
    # each message answered by one of the two; the other found it held or done
    outcomes = [m["outcome"] for out, _ in results for m in json.loads(out)["messages"]]
    assert outcomes.count("answered") == 3 and set(outcomes) <= {"answered", "held", "done"}
    _assert_each_once(env, imap_server, smtp_server)
