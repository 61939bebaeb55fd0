"""Versions within a slot (department + program + period): the newest received is current, the rest superseded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from models import Submission
from zvit.quality.findings import Status

_TABLE = Submission.metadata.tables[Submission.__tablename__]
_SLOT = (select(_TABLE.c.id, _TABLE.c.version, _TABLE.c.status, _TABLE.c.check_status, _TABLE.c.is_current,
                _TABLE.c.superseded_by_id)
         .where(_TABLE.c.slot == bindparam("slot")).order_by(_TABLE.c.received_at, _TABLE.c.id))
_CLEAR_CURRENT = update(_TABLE).where(_TABLE.c.slot == bindparam("in_slot"), _TABLE.c.is_current.is_(True),
                                      _TABLE.c.id != bindparam("newest")).values(is_current=False)
_SET_VERSION = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).values(
    version=bindparam("new_version"), status=bindparam("new_status"),
    superseded_by_id=bindparam("new_superseded_by"), is_current=bindparam("new_current"))


@dataclass(frozen=True)
class Version:
    """A submission's place in its slot once the slot is settled."""

    id: int
    version: int
    status: str
    is_current: bool


@dataclass(frozen=True)
class Settled:
    """A settled slot: every version, oldest first, and those that were current until now."""

    rows: list[Version]
    superseded: list[Version]


def settle_slot(session: Session, slot: str) -> Settled:
    """Number the slot's submissions by (received_at, id), make the newest current; says which were superseded."""
    # Core statements, and only the rows that change: most slots hold one version, settled by one UPDATE.
    connection = session.connection()
    found = connection.execute(_SLOT, {"slot": slot}).all()
    if not found:
        return Settled([], [])
    newest = found[-1]
    settled: list[Version] = []
    changes: list[dict[str, Any]] = []
    for position, row in enumerate(found):
        if row is newest:
            wanted = (position + 1, row.check_status, None, True)
        else:
            wanted = (position + 1, Status.SUPERSEDED.value, found[position + 1].id, False)
        settled.append(Version(row.id, wanted[0], wanted[1], wanted[3]))
        if (row.version, row.status, row.superseded_by_id, bool(row.is_current)) != wanted:
            changes.append({"row_id": row.id, "new_version": wanted[0], "new_status": wanted[1],
                            "new_superseded_by": wanted[2], "new_current": wanted[3]})
    if changes:
        # clear first: the partial unique index allows one current row per slot at every statement
        connection.execute(_CLEAR_CURRENT, {"in_slot": slot, "newest": newest.id})
        connection.execute(_SET_VERSION, changes)
    was_current = {row.id for row in found if row.is_current and row is not newest}
    return Settled(settled, [version for version in settled if version.id in was_current])
