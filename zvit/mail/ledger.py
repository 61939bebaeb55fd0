"""The mail ledger: a message is claimed in the warehouse before anything is done with it, and marked done after.

The claim is an INSERT under two unique keys, (mailbox, UIDVALIDITY, UID) and (mailbox, message key): of two
fetches at once, one inserts and the other is refused. A claim holds for LEASE, or until the process that made it
is seen dead on this host: a fetch killed midway leaves its message to the next fetch, which does it again (every
step is idempotent: a file is stored once by its sha256, a receipt sent once by its notice key).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from models.mail import MailMessage
from zvit.mail.message import MailItem

#: A fetch holds a message this long; one message (a conversion, the gate, a reply) takes seconds.
LEASE = timedelta(minutes=10)


class Claim(StrEnum):
    """What a fetch may do with a message it found."""

    #: it is this fetch's to process (new, or taken over from a fetch that died)
    TAKEN = "taken"
    #: processed before: only mark it on the server
    DONE = "done"
    #: another fetch is processing it right now
    HELD = "held"
    #: a copy of a message processed before (same Message-ID under another UID): only mark it on the server
    REPEAT = "repeat"


@dataclass(frozen=True)
class Claimed:
    """The outcome of a claim, and the ledger row it concerns."""

    claim: Claim
    row_id: int | None = None


def holder() -> str:
    """This process, as a claim names it: «host:pid»."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_message(engine: Engine, mailbox: str, uidvalidity: int, uid: int, item: MailItem, *,
                  now: datetime | None = None) -> Claimed:
    """Claim one message for this fetch."""
    now = _naive(now)
    row = MailMessage(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, message_key=item.key,
                      message_id=item.message_id, sender=item.sender[:254], subject=item.subject,
                      sent_at=_naive(item.sent_at) if item.sent_at else None, fetched_at=now, state="claimed",
                      claimed_by=holder(), claimed_until=now + LEASE)
    try:
        with Session(engine) as session, session.begin():
            session.add(row)
            session.flush()
            assert row.id is not None
            return Claimed(Claim.TAKEN, row.id)
    except IntegrityError:
        pass  # recorded before, by this UID or by this Message-ID
    with Session(engine) as session:
        same = session.scalar(select(MailMessage).where(
            col(MailMessage.mailbox) == mailbox, col(MailMessage.uidvalidity) == uidvalidity,
            col(MailMessage.uid) == uid))
        if same is None:
            same = session.scalar(select(MailMessage).where(col(MailMessage.mailbox) == mailbox,
                                                            col(MailMessage.message_key) == item.key))
            if same is None:
                return Claimed(Claim.HELD)  # inserted and gone meanwhile: leave it to the next fetch
            if (same.uidvalidity, same.uid) != (uidvalidity, uid):
                return Claimed(Claim.REPEAT, same.id) if same.state == "done" else Claimed(Claim.HELD, same.id)
    assert same.id is not None
    if same.state == "done":
        return Claimed(Claim.DONE, same.id)
    if _take_over(engine, same, now):
        return Claimed(Claim.TAKEN, same.id)
    return Claimed(Claim.HELD, same.id)


def _take_over(engine: Engine, row: MailMessage, now: datetime) -> bool:
    """Take a claimed message whose fetch is over: its lease ran out, or its process on this host is dead."""
    expired = row.claimed_until is None or row.claimed_until < now
    if not expired and not _dead(row.claimed_by):
        return False
    with Session(engine) as session, session.begin():
        # the UPDATE matches only while the row is as read: of two fetches taking over, one wins
        result = cast("CursorResult[Any]", session.execute(
            update(MailMessage)
            .where(col(MailMessage.id) == row.id, col(MailMessage.state) == "claimed",
                   or_(col(MailMessage.claimed_by).is_(None), col(MailMessage.claimed_by) == row.claimed_by))
            .values(claimed_by=holder(), claimed_until=now + LEASE)))
        return result.rowcount == 1


def _dead(claimed_by: str | None) -> bool:
    """Whether the claim's process is known dead: on this host, and no such process any more."""
    if not claimed_by:
        return True
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's fetch: only its lease tells
    if int(pid) == os.getpid():
        return True  # this process's own claim, from an earlier cycle that failed midway
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _zombie(int(pid))


def _zombie(pid: int) -> bool:
    """A killed child its parent has not reaped yet still answers kill(0): it is dead all the same."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return stat.rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def finish_message(engine: Engine, row_id: int, *, outcome: str, department: str | None, period: str | None,
                   files: int, now: datetime | None = None) -> None:
    """The message is done: its files have their fates and its sender the answer."""
    with Session(engine) as session, session.begin():
        session.execute(update(MailMessage).where(col(MailMessage.id) == row_id).values(
            state="done", outcome=outcome, department_code=department, period_code=period, files=files,
            processed_at=_naive(now), claimed_by=None, claimed_until=None))


def mail_messages(engine: Engine) -> list[MailMessage]:
    """The ledger, oldest first: for summaries and tests."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(MailMessage).order_by(col(MailMessage.id))))


def _naive(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
