"""Delivering a message: by SMTP (SSL, STARTTLS or plain, with bounded retries) or into an .eml outbox."""

from __future__ import annotations

import email.policy
import logging
import os
import re
import smtplib
import socket
import ssl
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Literal, Protocol

from zvit.errors import SettingsError
from zvit.notify.message import NOTICE_HEADER, recipients_of
from zvit.redaction import redact
from zvit.settings import Settings

log = logging.getLogger(__name__)

Security = Literal["ssl", "starttls", "plain"]
DEFAULT_PORTS: dict[str, int] = {"ssl": 465, "starttls": 587, "plain": 25}


class DeliveryError(Exception):
    """A message was not delivered; `permanent` when sending it again cannot help (the server refused it)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Delivery:
    """Where a message went: 'smtp' (with the addresses the server refused, if only some) or 'outbox' (the file)."""

    channel: str
    detail: str = ""
    refused: tuple[str, ...] = ()


class Transport(Protocol):
    """Something that delivers a message or raises DeliveryError."""

    #: the From address
    sender: str
    #: 'smtp' or 'outbox'
    channel: str

    def send(self, message: EmailMessage) -> Delivery:
        """Deliver one message."""
        ...


@dataclass
class OutboxTransport:
    """No mail server: every message is written to <directory>/<time>-<notice>.eml, atomically."""

    directory: Path
    sender: str = "zvit@example.org"
    channel: str = field(default="outbox", init=False)

    def send(self, message: EmailMessage) -> Delivery:
        """Write the message as an .eml file; a reader never sees a half-written one."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{_stamp(message)}-{safe_file_name(str(message.get(NOTICE_HEADER, 'message')))}"
            descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".eml.tmp")
            try:
                with os.fdopen(descriptor, "wb") as stream:
                    stream.write(message.as_bytes())
                    stream.flush()
                    os.fsync(stream.fileno())
                target = _link_unique(Path(temporary), self.directory, name, str(message.get("Message-ID", "")))
            finally:
                Path(temporary).unlink(missing_ok=True)
        except OSError as error:
            raise DeliveryError(f"cannot write to the outbox {self.directory}: {error.strerror or error}") from None
        return Delivery(channel=self.channel, detail=str(target))


def _link_unique(temporary: Path, directory: Path, name: str, message_id: str) -> Path:
    """Give the written file its name, never over another message's: two notices whose keys read the same
    once made safe, in the same second, both stay (the second gets «-2»). A hard link fails if the name is
    taken, which a check-then-rename would not do against another process. The same message sent again (a
    run killed after writing it, before the ledger said so) finds its file and adds none."""
    for number in range(1, 1000):
        target = directory / (f"{name}.eml" if number == 1 else f"{name}-{number}.eml")
        try:
            os.link(temporary, target)
        except FileExistsError:
            if message_id and _message_id(target) == message_id:
                return target
            continue
        except OSError:
            # a file system without hard links: reserve the name, then move the message onto it
            try:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                continue
            temporary.replace(target)
        return target
    raise DeliveryError(f"the outbox {directory} already holds 999 messages named {name}")


def _message_id(path: Path) -> str | None:
    try:
        with path.open("rb") as stream:
            return str(BytesHeaderParser(policy=email.policy.default).parse(stream).get("Message-ID", ""))
    except OSError:
        return None


def _stamp(message: EmailMessage) -> str:
    # the message's own Date, so that the outbox lists notices in the order they were composed
    header = message.get("Date")
    moment = getattr(header, "datetime", None)
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime())


def safe_file_name(text: str, limit: int = 120) -> str:
    """Letters, digits, dot, dash and underscore only: «rejection/submission/3» -> «rejection-submission-3».

    Never a path (no separator, never «.» or «..»), never empty, at most `limit` characters.
    """
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")[:limit].strip(".-")
    return cleaned or "message"


@dataclass
class SmtpTransport:
    """An SMTP relay. Transient failures are retried with exponential backoff, a bounded number of times.

    After a connection-level failure has exhausted its retries, the server counts as down for `cooldown`
    seconds: the run's other messages are queued at once instead of each waiting through its own retries.
    """

    host: str
    sender: str
    port: int | None = None
    security: Security = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 20.0
    attempts: int = 3
    backoff: float = 1.0
    max_backoff: float = 30.0
    cooldown: float = 60.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)
    channel: str = field(default="smtp", init=False)
    _down_until: float = field(default=0.0, init=False, repr=False)

    def send(self, message: EmailMessage) -> Delivery:
        """Deliver by SMTP or raise DeliveryError (its text never contains the password)."""
        if time.monotonic() < self._down_until:
            raise DeliveryError(f"SMTP server {self.host}:{self.server_port} unavailable earlier in this run")
        error: DeliveryError | None = None
        for attempt in range(1, max(1, self.attempts) + 1):
            try:
                refused = self._send_once(message)
            except Exception as exc:  # noqa: BLE001 - every failure is classified, none may escape unexplained
                error, retry = self._classify(exc)
                if not retry or attempt >= self.attempts:
                    break
                delay = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
                log.warning("SMTP attempt %d of %d failed (%s); retrying in %.1f s", attempt, self.attempts, error,
                            delay)
                time.sleep(delay)
            else:
                if refused:
                    log.warning("SMTP server refused some recipients: %s", ", ".join(sorted(refused)))
                return Delivery(channel=self.channel, detail=f"{self.host}:{self.server_port}",
                                refused=tuple(sorted(refused)))
        assert error is not None
        if not error.permanent:
            self._down_until = time.monotonic() + self.cooldown
        raise error

    @property
    def server_port(self) -> int:
        """The port given, or the usual one for the security: 465, 587 or 25."""
        return self.port or DEFAULT_PORTS[self.security]

    def _send_once(self, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.server_port, timeout=self.timeout,
                                                    context=context)
        else:
            client = smtplib.SMTP(self.host, self.server_port, timeout=self.timeout)
        # never set_debuglevel(): smtplib would print the AUTH exchange, i.e. the encoded password
        with client:
            if self.security == "starttls":
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            return client.send_message(message, from_addr=self.sender, to_addrs=recipients_of(message))

    def _classify(self, exc: Exception) -> tuple[DeliveryError, bool]:
        """The error to record, and whether trying again right now may help."""
        text = redact(f"{type(exc).__name__}: {exc}", self.password, self.username)
        where = f"SMTP {self.host}:{self.server_port}"
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            permanent = bool(codes) and all(code >= 500 for code in codes)
            return DeliveryError(f"{where}: every recipient refused: {text}", permanent=permanent), not permanent
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            # wrong credentials: retrying now only locks the account; the notice waits for the next run
            return DeliveryError(f"{where}: authentication failed ({exc.smtp_code})"), False
        if isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500:
            return DeliveryError(f"{where}: message refused: {text}", permanent=True), False
        if isinstance(exc, smtplib.SMTPResponseException):
            return DeliveryError(f"{where}: {text}"), exc.smtp_code < 500
        if isinstance(exc, (smtplib.SMTPNotSupportedError, ssl.SSLError)):
            # a configuration problem (no STARTTLS, bad certificate): queued until someone fixes it
            return DeliveryError(f"{where}: {text}"), False
        if isinstance(exc, (smtplib.SMTPException, OSError, socket.timeout)):
            return DeliveryError(f"{where}: {text}"), True
        return DeliveryError(f"{where}: unexpected {text}"), False


def smtp_transport(settings: Settings, *, ssl_context: ssl.SSLContext | None = None, backoff: float = 1.0,
                   attempts: int = 3) -> SmtpTransport:
    """The SMTP transport the ZVIT_SMTP_* settings describe (smtp_host must be set)."""
    if not settings.smtp_host:
        raise SettingsError(["ZVIT_SMTP_HOST is not set: expected a mail server's host name"])
    return SmtpTransport(
        host=settings.smtp_host, port=settings.smtp_port, security=settings.smtp_security,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        sender=settings.smtp_from, timeout=settings.smtp_timeout, attempts=attempts, backoff=backoff,
        ssl_context=ssl_context)


def transport_from_settings(settings: Settings, *,
                            ssl_context: ssl.SSLContext | None = None) -> SmtpTransport | OutboxTransport:
    """SMTP when the settings name a host (ZVIT_SMTP_HOST), else the .eml outbox in their outbox_dir (default
    ./outbox); an entry point passes its settings."""
    if settings.smtp_host:
        return smtp_transport(settings, ssl_context=ssl_context)
    return OutboxTransport(directory=settings.outbox_dir, sender=settings.smtp_from)
