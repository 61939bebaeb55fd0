"""Versions within a slot (department + program + period): the newest received is current, the rest superseded."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from models import Submission
from zvit.quality.findings import Status


def settle_slot(session: Session, slot: str) -> list[Submission]:
    """Number the slot's submissions by (received_at, id), make the newest current; returns newly superseded ones."""
    rows = list(session.scalars(select(Submission).where(col(Submission.slot) == slot)
                                .order_by(col(Submission.received_at), col(Submission.id))))
    if not rows:
        return []
    newest = rows[-1]
    was_current = [row for row in rows if row.is_current and row is not newest]
    # clear first: the partial unique index allows one current row per slot at every statement
    for row in rows:
        row.is_current = False
    session.flush()
    for version, row in enumerate(rows, start=1):
        row.version = version
        if row is newest:
            row.is_current, row.status, row.superseded_by_id = True, row.check_status, None
        else:
            row.status, row.superseded_by_id = Status.SUPERSEDED, rows[version].id
    session.flush()
    return was_current
