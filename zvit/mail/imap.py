"""The mailbox over IMAP: SSL, STARTTLS or plain; unprocessed messages by UID; a processed one flagged and moved to
the processed folder, never deleted. Errors never carry the password."""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Literal

from zvit.errors import SettingsError, ZvitError
from zvit.mail.message import MAX_MESSAGE_BYTES
from zvit.redaction import redact
from zvit.settings import Settings

Security = Literal["ssl", "starttls", "plain"]
DEFAULT_PORTS: dict[str, int] = {"ssl": 993, "starttls": 143, "plain": 143}
#: The keyword a processed message carries, so it is not taken again even where it cannot be moved.
PROCESSED = "ZvitProcessed"


class MailboxError(ZvitError):
    """The mailbox cannot be reached or read: one line, never the password."""


@dataclass(frozen=True)
class ImapConfig:
    """Where the mailbox is and how to sign in (from the ZVIT_IMAP_* settings)."""

    host: str
    username: str
    password: str = field(repr=False)
    port: int | None = None
    security: Security = "ssl"
    folder: str = "INBOX"
    #: '' to only flag a processed message, not move it
    processed_folder: str = "zvit-processed"
    timeout: float = 30.0

    @property
    def server_port(self) -> int:
        """The port given, or the usual one: 993 for ssl, 143 otherwise."""
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def mailbox(self) -> str:
        """The account and folder, as the mail ledger names them."""
        return f"{self.username}@{self.host}:{self.server_port}/{self.folder}"

    @classmethod
    def from_settings(cls, settings: Settings) -> ImapConfig:
        """The mailbox the settings describe; a missing host, user or password is a settings error."""
        problems = [f"{name} is not set: expected {what}" for name, value, what in (
            ("ZVIT_IMAP_HOST", settings.imap_host, "a mail server's host name"),
            ("ZVIT_IMAP_USERNAME", settings.imap_username, "a user name"),
            ("ZVIT_IMAP_PASSWORD", settings.imap_password, "a password")) if not value]
        if problems:
            raise SettingsError(problems)
        assert settings.imap_host and settings.imap_username and settings.imap_password
        return cls(host=settings.imap_host, username=settings.imap_username,
                   password=settings.imap_password.get_secret_value(), port=settings.imap_port,
                   security=settings.imap_security, folder=settings.imap_folder,
                   processed_folder=settings.imap_processed_folder, timeout=settings.imap_timeout)


@dataclass
class Mailbox:
    """A signed-in IMAP connection with the folder selected."""

    client: imaplib.IMAP4
    config: ImapConfig
    uidvalidity: int
    #: the server moves messages (RFC 6851), as it says once signed in
    can_move: bool = False

    def unprocessed(self) -> list[int]:
        """UIDs of the folder's messages not yet marked processed, oldest first."""
        data = self._ok(self.client.uid("SEARCH", "UNDELETED", "UNKEYWORD", PROCESSED), "search")
        found = data[0] if data and isinstance(data[0], bytes) else b""
        return sorted(int(uid) for uid in found.split())

    def size(self, uid: int) -> int | None:
        """The message's size in bytes; None when it is gone (another fetch moved it)."""
        data = self._ok(self.client.uid("FETCH", str(uid), "(RFC822.SIZE)"), "fetch")
        for item in data:
            if isinstance(item, bytes) and (match := re.search(rb"RFC822\.SIZE (\d+)", item)):
                return int(match[1])
        return None

    def download(self, uid: int, *, limit: int = MAX_MESSAGE_BYTES) -> bytes | None:
        """The whole message, leaving it unread on the server; None when it is gone or larger than `limit`."""
        size = self.size(uid)
        if size is None or size > limit:
            return None
        data = self._ok(self.client.uid("FETCH", str(uid), "(BODY.PEEK[])"), "fetch")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return bytes(item[1])
        return None

    def headers(self, uid: int) -> bytes | None:
        """The message's header only (for a message too large to download)."""
        data = self._ok(self.client.uid("FETCH", str(uid), "(BODY.PEEK[HEADER])"), "fetch")
        return next((bytes(item[1]) for item in data if isinstance(item, tuple) and len(item) == 2), None)

    def mark_processed(self, uid: int) -> None:
        """Flag the message processed (and seen), then move it to the processed folder when there is one."""
        self._ok(self.client.uid("STORE", str(uid), "+FLAGS", f"({PROCESSED} \\Seen)"), "flag")
        self.move_processed(uid)

    def move_processed(self, uid: int) -> None:
        """Move a flagged message to the processed folder, when there is one and the server can move (a UID
        another fetch moved meanwhile is no error in IMAP: nothing is moved)."""
        target = self.config.processed_folder
        if target and self.can_move:
            self._ok(self.client.uid("MOVE", str(uid), _quoted(target)), "move")
        # without MOVE the message stays, flagged: a copy then a delete would be a deletion

    def flagged_in_place(self) -> list[int]:
        """UIDs of messages flagged processed but still in the folder, when they should have been moved: a fetch
        was stopped between flagging one and moving it."""
        if not self.config.processed_folder or not self.can_move:
            return []
        data = self._ok(self.client.uid("SEARCH", "UNDELETED", "KEYWORD", PROCESSED), "search")
        found = data[0] if data and isinstance(data[0], bytes) else b""
        return sorted(int(uid) for uid in found.split())

    def ensure_processed_folder(self) -> None:
        """Create the processed folder unless it exists."""
        if not self.config.processed_folder:
            return
        folder = _quoted(self.config.processed_folder)
        status, listed = self.client.list('""', folder)
        if status == "OK" and any(listed):
            return
        self.client.create(folder)  # a concurrent fetch may have created it meanwhile: then this fails, harmlessly

    def _ok(self, response: tuple[str, Sequence[object]], what: str) -> Sequence[object]:
        status, data = response
        if status != "OK":
            raise MailboxError(f"IMAP {self.config.host}: {what} failed: {_first(data)}")
        return data


@contextmanager
def open_mailbox(config: ImapConfig, *, ssl_context: ssl.SSLContext | None = None) -> Iterator[Mailbox]:
    """Connect, sign in and select the folder; always log out. Raises MailboxError in one line."""
    where = f"IMAP {config.host}:{config.server_port}"
    context = ssl_context or ssl.create_default_context()
    try:
        if config.security == "ssl":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(config.host, config.server_port, ssl_context=context,
                                                      timeout=config.timeout)
        else:
            client = imaplib.IMAP4(config.host, config.server_port, timeout=config.timeout)
            if config.security == "starttls":
                client.starttls(ssl_context=context)
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(f"{where}: cannot connect: {_text(error, config)}") from None
    # never client.debug: imaplib would print the LOGIN line, i.e. the password
    try:
        try:
            client.login(config.username, config.password)
        except imaplib.IMAP4.error:
            raise MailboxError(f"{where}: sign-in refused for {config.username}") from None
        status, data = client.select(_quoted(config.folder))
        if status != "OK":
            raise MailboxError(f"{where}: no folder {config.folder!r}: {_first(data)}")
        validity = client.response("UIDVALIDITY")[1]
        uidvalidity = int(validity[0]) if validity and validity[0] else 0
        status, data = client.capability()
        capabilities = _first(data).upper().split() if status == "OK" else []
        yield Mailbox(client, config, uidvalidity, can_move="MOVE" in capabilities)
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(f"{where}: {_text(error, config)}") from None
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _first(data: Sequence[object]) -> str:
    item = data[0] if data else b""
    return item.decode(errors="replace") if isinstance(item, bytes) else str(item)


def _text(error: BaseException, config: ImapConfig) -> str:
    return redact(f"{type(error).__name__}: {error}", config.password, config.username)
