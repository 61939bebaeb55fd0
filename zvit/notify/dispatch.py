"""Sending notices through the ledger: recorded first, sent, then marked; failures queue, never raise."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import Parser

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from models.submissions import Notification
from zvit.notify import ledger
from zvit.notify.ledger import NotificationOutcome
from zvit.notify.message import POLICY, Notice, build_message, recipients_of
from zvit.notify.render import sender_name
from zvit.notify.transport import DeliveryError, Transport
from zvit.warehouse.receipts import REFUSED

log = logging.getLogger(__name__)


def utc_now(now: datetime | None = None) -> datetime:
    """`now` (or the present) as an aware UTC moment."""
    now = now or datetime.now(UTC)
    return now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)


def compose(notice: Notice, transport: Transport, now: datetime) -> EmailMessage:
    """The email of a notice, from the transport's sender."""
    return build_message(notice, sender=transport.sender, sender_name=sender_name(), now=now)


def deliver(engine: Engine, notice: Notice, transport: Transport, *,
            now: datetime | None = None) -> NotificationOutcome:
    """Send a notice at most once: record it under its key, send, record the outcome.

    A notice already recorded is not sent again; if it is still queued (the server was down), this run
    tries it once more, exactly as first composed.
    """
    now = utc_now(now)
    message = compose(notice, transport, now)
    stored = _naive(now)
    row_id = ledger.record_new(engine, notice, message.as_string(), str(message["Message-ID"]), stored)
    if row_id is None:
        row = _row(engine, notice.key)
        if row is None or row.status != "queued" or row.id is None or not ledger.claim(engine, row.id, stored):
            return _outcome(notice, "skipped", f"already {row.status if row else 'recorded'}")
        return attempt(engine, row.id, parse(row.message), transport, now=now, notice=notice)
    return attempt(engine, row_id, message, transport, now=now, notice=notice)


def attempt(engine: Engine, row_id: int, message: EmailMessage, transport: Transport, *, now: datetime,
            notice: Notice | None = None, max_attempts: int = ledger.MAX_ATTEMPTS) -> NotificationOutcome:
    """One delivery attempt of a claimed ledger row; the outcome is recorded whatever happens."""
    stored = _naive(now)
    try:
        delivery = transport.send(message)
    except DeliveryError as error:
        status = ledger.record_failure(engine, row_id, error=str(error), permanent=error.permanent, now=stored,
                                       max_attempts=max_attempts)
        log.warning("notice %s not delivered (%s): %s", message.get("X-Zvit-Notice"), status, error)
        return _message_outcome(message, notice, status, str(error))
    except Exception as error:  # a transport bug must not lose the notice or break the run
        text = f"{type(error).__name__}: {error}"
        status = ledger.record_failure(engine, row_id, error=text, permanent=False, now=stored,
                                       max_attempts=max_attempts)
        log.exception("notice %s: unexpected transport error", message.get("X-Zvit-Notice"))
        return _message_outcome(message, notice, status, text)
    warning = f"refused by the server: {', '.join(delivery.refused)}" if delivery.refused else None
    ledger.record_sent(engine, row_id, channel=delivery.channel, now=stored, warning=warning)
    return _message_outcome(message, notice, "sent", delivery.detail)


def flush_queue(engine: Engine, transport: Transport, *, now: datetime | None = None,
                max_attempts: int = ledger.MAX_ATTEMPTS) -> list[NotificationOutcome]:
    """Try every queued notice again; one that is no longer due is cancelled instead of sent."""
    now = utc_now(now)
    outcomes: list[NotificationOutcome] = []
    for row in ledger.queued(engine):
        assert row.id is not None
        reason = _no_longer_due(engine, row)
        if reason is not None:
            ledger.record_cancelled(engine, row.id, reason=reason)
            outcomes.append(_row_outcome(row, "cancelled", reason))
            continue
        if not ledger.claim(engine, row.id, _naive(now)):
            continue  # another run is sending it right now
        outcome = attempt(engine, row.id, parse(row.message), transport, now=now, max_attempts=max_attempts)
        outcomes.append(_row_outcome(row, outcome.status, outcome.detail))
    return outcomes


def parse(text: str) -> EmailMessage:
    """A message as the ledger keeps it, ready to send again."""
    message = Parser(policy=POLICY).parsestr(text)
    assert isinstance(message, EmailMessage)
    return message


def _no_longer_due(engine: Engine, row: Notification) -> str | None:
    """Why a queued notice should not go out any more, or None."""
    S = models.Submission
    with Session(engine) as session:
        if row.kind == "rejection" and row.submission_id is not None:
            current = session.scalar(select(col(S.is_current)).where(col(S.id) == row.submission_id))
            return None if current else "a newer file replaced the rejected submission"
        if row.kind == "rejection" and row.department_id is not None:
            # a refusal notice (no submission: the file could not be read): moot once a report is stored
            stored = session.scalar(select(col(S.id)).where(col(S.department_id) == row.department_id,
                                                            col(S.period_id) == row.period_id, col(S.is_current))
                                    .limit(1))
            return "the department has since submitted a report" if stored is not None else None
        if row.kind in ("reminder", "overdue") and row.department_id is not None:
            submitted = session.scalar(select(col(S.id)).where(
                col(S.department_id) == row.department_id, col(S.program_id) == row.program_id,
                col(S.period_id) == row.period_id, col(S.is_current)).limit(1))
            if submitted is not None:
                return "the department has submitted its report"
            if _refused_file(session, row.department_id, row.period_id) is not None:
                return "the department sent a file that could not be read: it is told so instead"
    return None


def _refused_file(session: Session, department_id: int, period_id: int | None) -> str | None:
    """The name of a file from the department refused for the period, if any."""
    R, D, P = models.ReceivedFile, models.Department, models.Period
    return session.scalar(select(col(R.name)).join(D, col(D.code) == R.department_code)
                          .join(P, col(P.code) == R.period_code)
                          .where(col(D.id) == department_id, col(P.id) == period_id,
                                 col(R.fate).in_([fate.value for fate in REFUSED])).limit(1))


def _row(engine: Engine, key: str) -> Notification | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.scalar(select(Notification).where(col(Notification.key) == key))


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _outcome(notice: Notice, status: str, detail: str = "") -> NotificationOutcome:
    return NotificationOutcome(key=notice.key, kind=notice.kind, recipients=notice.recipients,
                               subject=notice.subject, status=status, detail=detail, about=notice.about)


def _message_outcome(message: EmailMessage, notice: Notice | None, status: str, detail: str) -> NotificationOutcome:
    if notice is not None:
        return _outcome(notice, status, detail)
    return NotificationOutcome(key=str(message.get("X-Zvit-Notice", "")), kind="", status=status, detail=detail,
                               recipients=tuple(recipients_of(message)), subject=str(message.get("Subject", "")))


def _row_outcome(row: Notification, status: str, detail: str) -> NotificationOutcome:
    return NotificationOutcome(key=row.key, kind=row.kind, recipients=tuple(row.recipients.split(", ")),
                               subject=row.subject, status=status, detail=detail)
