"""A fetched email as zvit reads it: who sent it, when, about what, in which thread, and its attached files."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from zvit.normalize.periods import find_period, parse_period_code

#: A message larger than this is not downloaded: a report is tens of kilobytes, and mail servers refuse over 25 MB.
MAX_MESSAGE_BYTES = 30 * 2**20
#: Files taken from one message; a department sends one report, or a few.
MAX_ATTACHMENTS = 20
#: Of the body, only the start is searched for a period (a long quoted thread below says nothing new).
BODY_CHARS = 5_000
#: A file name longer than this is shortened (its suffix kept): file systems allow 255 bytes, Cyrillic takes two.
NAME_CHARS = 100

_CODE = re.compile(r"\b(20\d\d)-?Q([1-4])\b", re.IGNORECASE)
_UNSAFE = re.compile(r"[^\w .()+,-]+")
_AUTOMATIC_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply")


@dataclass(frozen=True)
class Attachment:
    """One attached file: its name made safe to write, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class MailItem:
    """One message: the sender's address, date, subject and Message-ID identify it."""

    sender: str
    subject: str
    sent_at: datetime | None
    message_id: str | None
    #: the thread it belongs to, oldest first (References), and the message it answers
    references: tuple[str, ...]
    in_reply_to: str | None
    body: str
    attachments: tuple[Attachment, ...]
    #: a bounce, an auto-reply or a mailing list's message: never answered (RFC 3834)
    automatic: bool
    #: attachments past MAX_ATTACHMENTS, not taken
    dropped: int = 0
    #: larger than MAX_MESSAGE_BYTES: only its header was read, its files not taken
    too_large: bool = False

    @property
    def key(self) -> str:
        """What identifies the message whichever folder or UID it has: its Message-ID, else a digest of sender,
        date and subject."""
        if self.message_id and len(self.message_id) <= 200:
            return self.message_id
        moment = self.sent_at.isoformat() if self.sent_at else ""
        identity = "\0".join((self.message_id or "", self.sender, moment, self.subject))
        return "sha256:" + hashlib.sha256(identity.encode()).hexdigest()

    @property
    def period(self) -> str | None:
        """The period the subject names, else the body: «звіт за 9 місяців 2022 року», «2022-Q3»."""
        for text in (self.subject, self.body[:BODY_CHARS]):
            if match := _CODE.search(text):
                return parse_period_code(f"{match[1]}-Q{match[2]}").code
            if found := find_period(text):
                return found.code
        return None


def parse_message(data: bytes) -> MailItem:
    """Read a message's bytes (never raises for a malformed message: what cannot be read is left empty)."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    sender = _sender(message)
    attachments = list(_attachments(message))
    return MailItem(
        sender=sender, subject=_header(message, "Subject"), sent_at=_date(message),
        message_id=_message_id(_header(message, "Message-ID")),
        references=tuple(_ids(_header(message, "References")))[-20:],
        in_reply_to=_message_id(_header(message, "In-Reply-To")),
        body=_body(message), attachments=tuple(attachments[:MAX_ATTACHMENTS]),
        automatic=_automatic(message, sender), dropped=max(0, len(attachments) - MAX_ATTACHMENTS))


def safe_name(name: str) -> str:
    """A file name that is only a name: no folder, no control character, no leading dot, at most NAME_CHARS."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(_UNSAFE.sub("_", name).split()).lstrip(".")
    if len(name) > NAME_CHARS:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:NAME_CHARS - len(suffix) - 1] + dot + suffix) if dot and len(suffix) <= 10 \
            else name[:NAME_CHARS]
    return name or "attachment"


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a header the parser cannot make sense of
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _sender(message: Message) -> str:
    try:
        addresses = getaddresses([_header(message, "From")])
    except (ValueError, IndexError, TypeError):
        return ""
    return next((address.strip().lower() for _, address in addresses if "@" in address), "")


def _date(message: Message) -> datetime | None:
    try:
        moment = parsedate_to_datetime(_header(message, "Date"))
    except (ValueError, TypeError, IndexError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _ids(text: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", text)


def _message_id(text: str) -> str | None:
    found = _ids(text)
    return found[0] if found else None


def _body(message: EmailMessage) -> str:
    try:
        part = message.get_body(("plain", "html"))
        content = part.get_content() if part is not None else ""
    except (LookupError, ValueError, AssertionError, KeyError):
        return ""
    text = str(content)
    if part is not None and part.get_content_subtype() == "html":
        text = re.sub(r"<[^>]*>", " ", text)
    return text


def _attachments(message: EmailMessage) -> list[Attachment]:
    found = []
    for part in message.walk():
        if part.is_multipart():
            continue
        try:
            name = part.get_filename()
        except (ValueError, IndexError, TypeError):
            name = None
        disposition = part.get_content_disposition()
        if not name and disposition != "attachment":
            continue  # the body itself
        if disposition != "attachment" and part.get_content_maintype() == "image" and part.get("Content-ID"):
            continue  # a picture shown in the body (a signature's logo), not a file sent
        try:
            data = part.get_payload(decode=True)
        except (ValueError, AssertionError):
            data = b""
        found.append(Attachment(safe_name(name or "attachment"), data if isinstance(data, bytes) else b""))
    return found


def _automatic(message: Message, sender: str) -> bool:
    """A message no program should answer: a bounce, an auto-reply, a list's mail, or one with no sender."""
    auto = _header(message, "Auto-Submitted").lower()
    precedence = _header(message, "Precedence").lower()
    local = sender.partition("@")[0]
    return (not sender or (auto not in ("", "no")) or precedence in ("bulk", "junk", "list")
            or bool(_header(message, "List-Id")) or message.get_content_type() == "multipart/report"
            or local in _AUTOMATIC_SENDERS or local.startswith("mailer-daemon"))
