"""The mail intake's ledger: each fetched message once (tables added with revision 0004)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, UniqueConstraint
from sqlmodel import Field

from models.base import WarehouseModel

#: claimed: a fetch is processing it (until `claimed_until`, or until its process is seen dead); done: answered
#: and its files have their fates.
MAIL_STATES: tuple[str, ...] = ("claimed", "done")
#: answered: a registered sender's files went through the pipeline and the sender got a receipt;
#: unregistered: the sender is in no department's addresses (a polite reply, the consolidator told);
#: automatic: a bounce or an auto-reply, never answered (RFC 3834).
MAIL_OUTCOMES: tuple[str, ...] = ("answered", "unregistered", "automatic")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class MailMessage(WarehouseModel, table=True):
    """A message taken from the mailbox, processed once whatever runs at the same time or crashes.

    Two keys make it once: the server's (mailbox, UIDVALIDITY, UID), and the message's own identity (its
    Message-ID, else a digest of sender, date and subject), so a copy of a processed message is not taken again.
    """

    __tablename__ = "mail_message"
    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "uid"),
        UniqueConstraint("mailbox", "message_key"),
        CheckConstraint(_in("state", MAIL_STATES), name="state"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', MAIL_OUTCOMES)}", name="outcome"),
    )

    id: int | None = Field(default=None, primary_key=True)
    #: the account and folder: «zvit@mail.example.org@imap.example.org:993/INBOX»
    mailbox: str = Field(max_length=255)
    uidvalidity: int = Field(sa_type=BigInteger)
    uid: int = Field(sa_type=BigInteger)
    #: the Message-ID, or «sha256:<digest of sender, date and subject>» for a message without one
    message_key: str = Field(max_length=255)
    message_id: str | None = None
    sender: str = Field(max_length=254)
    subject: str
    #: the message's Date header (naive UTC, like every time in the warehouse)
    sent_at: datetime | None = Field(default=None, sa_type=DateTime())
    fetched_at: datetime = Field(sa_type=DateTime())
    department_code: str | None = Field(default=None, max_length=80)
    period_code: str | None = Field(default=None, max_length=10)
    state: str = Field(max_length=10)
    #: «host:pid» of the fetch holding the claim, and until when it holds it
    claimed_by: str | None = Field(default=None, max_length=255)
    claimed_until: datetime | None = Field(default=None, sa_type=DateTime())
    processed_at: datetime | None = Field(default=None, sa_type=DateTime())
    outcome: str | None = Field(default=None, max_length=20)
    #: attachments taken from it
    files: int = 0
