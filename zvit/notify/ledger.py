"""The notification ledger in the warehouse: one row per notice key, claimed before sending, updated after."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from models.submissions import Notification
from zvit.notify.message import Notice

#: A run sending a notice holds it this long; if the run dies meanwhile, a later run may try again.
LEASE = timedelta(minutes=15)
#: After this many failed attempts (over all runs) a queued notice is given up as failed.
MAX_ATTEMPTS = 10
#: Error texts are kept short: the ledger is for people, not for tracebacks.
_ERROR_LIMIT = 1000


@dataclass(frozen=True)
class NotificationOutcome:
    """What became of one notice in this call.

    status: 'sent'; 'queued' (not delivered, retried next run); 'failed' (refused for good or out of attempts);
    'cancelled' (no longer due); 'skipped' (recorded by an earlier run: never sent twice); 'due' (dry run).
    """

    key: str
    kind: str
    recipients: tuple[str, ...]
    subject: str
    status: str
    #: the outbox file or the server, or the error
    detail: str = ""
    #: who and what the notice is about, for the command line
    about: str = ""


def existing_keys(engine: Engine, keys: Iterable[str]) -> dict[str, str]:
    """Key -> status for the given keys already in the ledger."""
    wanted = list(keys)
    if not wanted:
        return {}
    with Session(engine) as session:
        rows = session.execute(select(col(Notification.key), col(Notification.status))
                               .where(col(Notification.key).in_(wanted)))
        return dict(rows.all())


def record_new(engine: Engine, notice: Notice, message_text: str, message_id: str, now: datetime) -> int | None:
    """Insert the notice as queued and claimed by this run; None if its key is already recorded."""
    row = Notification(
        key=notice.key, kind=notice.kind, program_id=notice.program_id, department_id=notice.department_id,
        period_id=notice.period_id, submission_id=notice.submission_id, sequence=notice.sequence,
        recipients=", ".join(notice.recipients), subject=notice.subject, message=message_text,
        message_id=message_id, status="queued", attempts=0, created_at=now, claimed_until=now + LEASE)
    try:
        with Session(engine) as session, session.begin():
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        # the unique key: another run (or an earlier one) has recorded this notice; it is theirs to send
        return None


def claim(engine: Engine, row_id: int, now: datetime) -> bool:
    """Take a queued notice for this run, unless another run holds it; atomic on every engine."""
    with Session(engine) as session, session.begin():
        # an UPDATE's result is a CursorResult, which alone has rowcount
        result = cast("CursorResult[Any]", session.execute(
            update(Notification)
            .where(col(Notification.id) == row_id, col(Notification.status) == "queued",
                   or_(col(Notification.claimed_until).is_(None), col(Notification.claimed_until) < now))
            .values(claimed_until=now + LEASE)))
        return result.rowcount == 1


def record_sent(engine: Engine, row_id: int, *, channel: str, now: datetime, warning: str | None = None) -> None:
    """The notice went out."""
    _finish(engine, row_id, status="sent", channel=channel, sent_at=now, attempted_at=now, last_error=warning)


def record_failure(engine: Engine, row_id: int, *, error: str, permanent: bool, now: datetime,
                   max_attempts: int = MAX_ATTEMPTS) -> str:
    """The attempt failed: queued for the next run, or failed for good; returns the status recorded."""
    with Session(engine) as session:
        attempts = session.scalar(select(col(Notification.attempts)).where(col(Notification.id) == row_id)) or 0
    status = "failed" if permanent or attempts + 1 >= max_attempts else "queued"
    _finish(engine, row_id, status=status, attempted_at=now, last_error=error[:_ERROR_LIMIT])
    return status


def record_cancelled(engine: Engine, row_id: int, *, reason: str) -> None:
    """The notice is no longer due and will never be sent."""
    with Session(engine) as session, session.begin():
        session.execute(update(Notification).where(col(Notification.id) == row_id)
                        .values(status="cancelled", last_error=reason, claimed_until=None))


def _finish(engine: Engine, row_id: int, **values: object) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(Notification).where(col(Notification.id) == row_id)
                        .values(attempts=col(Notification.attempts) + 1, claimed_until=None, **values))


def queued(engine: Engine) -> list[Notification]:
    """Every notice still waiting to be delivered, oldest first."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(Notification).where(col(Notification.status) == "queued")
                                    .order_by(col(Notification.id))))


def notifications(engine: Engine, *, kind: str | None = None) -> list[Notification]:
    """The ledger, oldest first (optionally one kind): for summaries and tests."""
    query = select(Notification).order_by(col(Notification.id))
    if kind is not None:
        query = query.where(col(Notification.kind) == kind)
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(query))
