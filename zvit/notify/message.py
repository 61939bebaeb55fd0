"""One composed notice and the email message built from it, safe against header injection."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime, make_msgid

#: SMTP line endings, and every body part base64 or quoted-printable: nothing depends on the relay
#: accepting 8-bit mail, and the same bytes go to the wire and to the outbox.
POLICY = policy.SMTP.clone(cte_type="7bit")
#: The header that names the notice (kind, program, period, department, ...): the outbox files are named after it.
NOTICE_HEADER = "X-Zvit-Notice"

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def clean_header(text: str) -> str:
    """A header value made from data: line breaks and other control characters become single spaces.

    A department name such as "відділ\\nBcc: x@evil.example" must stay one line of the subject, never
    a header of its own.
    """
    return " ".join(_CONTROL.sub(" ", text).split())


@dataclass(frozen=True)
class Notice:
    """A notice ready to send: who gets it, its subject and bodies, and what the ledger records about it."""

    key: str
    kind: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    sequence: int = 1
    program_id: int | None = None
    department_id: int | None = None
    period_id: int | None = None
    submission_id: int | None = None
    #: what is shown on the command line: «управління звернень та діловодства, 2022-Q3»
    about: str = field(default="", compare=False)
    #: the message this one answers (its Message-ID), and the thread before it: a mail client shows the answer
    #: under the department's own message
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # the ledger and the command line show the subject exactly as the header carries it
        object.__setattr__(self, "subject", clean_header(self.subject))


def build_message(notice: Notice, *, sender: str, sender_name: str, now: datetime) -> EmailMessage:
    """The email for a notice: From, To, Subject, Date, Message-ID, a text part and, if given, an HTML part."""
    message = EmailMessage(policy=POLICY)
    message["From"] = Address(display_name=clean_header(sender_name), addr_spec=sender)
    message["To"] = _addresses(notice.recipients)
    message["Subject"] = _EncodedWords("Subject", clean_header(notice.subject))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=notice.kind, domain=sender.rpartition("@")[2])
    message[NOTICE_HEADER] = clean_header(notice.key)
    if notice.in_reply_to:
        message["In-Reply-To"] = clean_header(notice.in_reply_to)
        message["References"] = " ".join(clean_header(ref) for ref in (*notice.references, notice.in_reply_to)
                                         if ref)
    # RFC 3834: out-of-office robots must not answer a machine
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(notice.text, subtype="plain", charset="utf-8")
    if notice.html is not None:
        message.add_alternative(notice.html, subtype="html", charset="utf-8")
    return message


class _EncodedWords(str):
    """A header value written as RFC 2047 encoded words that each keep their own spaces. The email package's folder
    drops the space where it splits a long non-ASCII value between two encoded words (Python 3.11), so a subject
    read «адреси немає вреєстрі»; the legacy encoder splits inside the words, spaces and all."""

    name: str

    def __new__(cls, name: str, value: str) -> _EncodedWords:
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy: Policy) -> str:
        """The header as it goes on the wire (the policy asks a header object to fold itself)."""
        if self.isascii():
            return policy.fold(self.name, str(self))
        words = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {words}{policy.linesep}"


def _addresses(recipients: Sequence[str]) -> tuple[Address, ...]:
    # Address() refuses anything that is not one plain addr-spec, so a list cannot smuggle in a header either
    return tuple(Address(addr_spec=clean_header(address)) for address in recipients)


def recipients_of(message: EmailMessage) -> list[str]:
    """The addresses a message is sent to."""
    return [address.addr_spec for group in message.get_all("To", []) for address in group.addresses]
