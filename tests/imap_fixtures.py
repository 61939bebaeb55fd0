"""A real IMAP server for the mail tests: Debian's Dovecot, started unprivileged on 127.0.0.1 with a temporary
configuration, a passwd-file user and a maildir under the test's folder; plain IMAP (on loopback) and implicit TLS
with the session's self-signed certificate. Messages are put in with IMAP APPEND, as a mail server delivers them."""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.smtp_fixtures import HOST, Certificate, free_port
from tests.tools import require_tool

USER, PASSWORD = "zvit-reports@example.org", "imap-s3cret-Pa55"


@dataclass
class ImapServer:
    """A running Dovecot and how to reach it."""

    port: int
    ssl_port: int
    folder: Path
    process: subprocess.Popen[bytes]
    client_context: ssl.SSLContext
    username: str = USER
    password: str = PASSWORD
    host: str = HOST

    def env(self, security: str = "plain") -> dict[str, str]:
        """The ZVIT_IMAP_* settings for it."""
        return {"ZVIT_IMAP_HOST": self.host, "ZVIT_IMAP_SECURITY": security,
                "ZVIT_IMAP_PORT": str(self.ssl_port if security == "ssl" else self.port),
                "ZVIT_IMAP_USERNAME": self.username, "ZVIT_IMAP_PASSWORD": self.password,
                "ZVIT_IMAP_TIMEOUT": "10"}

    def client(self) -> imaplib.IMAP4:
        """A signed-in IMAP client (plain, on loopback)."""
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.username, self.password)
        return client

    def deliver(self, message: EmailMessage, folder: str = "INBOX") -> None:
        """Put a message in a folder, unread, as delivery would."""
        client = self.client()
        try:
            status, data = client.append(folder, "", imaplib.Time2Internaldate(time.time()), message.as_bytes())
            assert status == "OK", data
        finally:
            client.logout()

    def folder_uids(self, folder: str) -> list[tuple[int, str]]:
        """(UID, flags) of every message in a folder; [] when the folder does not exist."""
        client = self.client()
        try:
            status, _ = client.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            status, data = client.uid("FETCH", "1:*", "(UID FLAGS)")
            found = []
            for item in data:
                if isinstance(item, bytes) and b"UID" in item:
                    text = item.decode()
                    uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                    found.append((uid, text.split("FLAGS (")[1].split(")")[0]))
            return found
        finally:
            client.logout()

    def stop(self) -> None:
        """Stop Dovecot and its children."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _accounts() -> tuple[str, str, str, int, int]:
    """(internal user, its group, login user, mail uid, mail gid). As a user: that user for everything. As root
    (a container), Dovecot's own unprivileged accounts: it refuses to run logins or mail access as root."""
    if os.getuid() != 0:
        user = pwd.getpwuid(os.getuid()).pw_name
        return user, grp.getgrgid(os.getgid()).gr_name, user, os.getuid(), os.getgid()
    internal = pwd.getpwnam("dovecot")
    login = "dovenull" if _exists("dovenull") else "nobody"
    return "dovecot", grp.getgrgid(internal.pw_gid).gr_name, login, internal.pw_uid, internal.pw_gid


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def _config(home: Path, port: int, ssl_port: int, certificate: Certificate) -> str:
    user, group, login, uid, gid = _accounts()
    return f"""
instance_name = zvit-test-{port}
base_dir = {home}/run
state_dir = {home}/state
log_path = {home}/dovecot.log
protocols = imap
listen = {HOST}
ssl = yes
ssl_cert = <{certificate.cert}
ssl_key = <{certificate.key}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{home}/mail/%u
mail_privileged_group =
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {home}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {HOST}
    port = {port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((HOST, port)) == 0


StartImap = Callable[[], ImapServer]


@pytest.fixture
def start_imap(tmp_path: Path, tls_certificate: Certificate) -> Iterator[StartImap]:
    """Start Dovecot for this test (each call a server of its own)."""
    dovecot = require_tool("dovecot")
    running: list[ImapServer] = []
    homes: list[Path] = []

    def start() -> ImapServer:
        # As root, Dovecot's mail processes run as its own user, which must reach the maildir: not under pytest's
        # folder (kept 0700, and reset so by any pytest session that starts meanwhile), but a folder of its own.
        home = Path(tempfile.mkdtemp(prefix="zvit-dovecot-")) if os.getuid() == 0 else tmp_path / f"dovecot-{len(running)}"
        if os.getuid() == 0:
            home.chmod(0o711)
            homes.append(home)
        for sub in ("run", "state", "mail", "home"):
            (home / sub).mkdir(parents=True)
        (home / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n", encoding="utf-8")
        if os.getuid() == 0:  # the mail processes run as Dovecot's user: the maildir must be theirs
            _, _, _, uid, gid = _accounts()
            for sub in ("mail", "home"):
                os.chown(home / sub, uid, gid)
        port, ssl_port = free_port(), free_port()
        conf = home / "dovecot.conf"
        conf.write_text(_config(home, port, ssl_port, tls_certificate), encoding="utf-8")
        process = subprocess.Popen([dovecot, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL,  # noqa: S603
                                   stderr=subprocess.PIPE, start_new_session=True)
        server = ImapServer(port, ssl_port, home, process, tls_certificate.client_context())
        running.append(server)
        deadline = time.monotonic() + 20
        while not (_listening(port) and _listening(ssl_port)):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (home / "dovecot.log").read_text(errors="replace") if (home / "dovecot.log").exists() else ""
                stderr = process.stderr.read().decode(errors="replace") if process.poll() is not None else ""
                pytest.fail(f"dovecot did not start: {stderr}\n{log}")
            time.sleep(0.05)
        return server

    yield start
    for server in running:
        server.stop()
    for home in homes:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def imap_server(start_imap: StartImap) -> ImapServer:
    """A running Dovecot with an empty INBOX."""
    return start_imap()


def mail(sender: str, subject: str, body: str = "", *, attachments: tuple[Path | tuple[str, bytes], ...] = (),
         in_reply_to: str | None = None, references: str | None = None,
         headers: dict[str, str] | None = None) -> EmailMessage:
    """A message as a department's mail client writes it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = USER
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "example.org")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = references or in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body or "Добрий день! Надсилаємо звіт.")
    for attachment in attachments:
        name, data = (attachment.name, attachment.read_bytes()) if isinstance(attachment, Path) else attachment
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message


__all__ = ["ImapServer", "StartImap", "imap_server", "mail", "start_imap"]
