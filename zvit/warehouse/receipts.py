"""Every file taken in, on record with its fate: stored as submissions, or refused and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, tuple_
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from zvit.warehouse.queries import in_chunks
from zvit.warehouse.schema import ensure_schema
from zvit.warehouse.transaction import write_session


class Fate(StrEnum):
    """What became of a received file."""

    #: its reports are stored as submissions (each with its verdict)
    STORED = "stored"
    #: it could not be read as a report (broken, empty, hostile, not what its name says)
    UNREADABLE = "unreadable"
    #: read and stored as rejected, but its department or program is not in the registry
    UNREGISTERED = "unregistered"
    #: the same bytes were taken before under another name
    DUPLICATE = "duplicate"
    #: a format zvit does not read (.doc, .pdf, .odt, .rtf...)
    UNSUPPORTED = "unsupported"
    #: checked, nothing stored (`zvit validate`)
    CHECKED = "checked"


class Origin(StrEnum):
    """Where a file came from."""

    FOLDER = "folder"
    MAIL = "mail"
    UPLOAD = "upload"


_TABLE = models.ReceivedFile.metadata.tables[models.ReceivedFile.__tablename__]

#: The fates of files that were not counted as a department's report.
REFUSED: frozenset[Fate] = frozenset({Fate.UNREADABLE, Fate.UNSUPPORTED})


@dataclass(frozen=True)
class Receipt:
    """One received file and its fate, as the warehouse records it."""

    name: str
    size: int
    sha256: str
    origin: Origin
    received_at: datetime
    fate: Fate
    reason: str | None = None
    period: str | None = None
    department: str | None = None
    sender: str | None = None
    submission_id: int | None = None


def record_receipts(engine: Engine, receipts: Sequence[Receipt]) -> list[Receipt]:
    """Record each receipt once; a file taken again (same origin, name and bytes; or found in the inbox folder after
    an upload saved it there) keeps its first record, which is returned in its place, so a rerun reports what the
    first run did."""
    if not receipts:
        return []
    ensure_schema(engine)
    for _attempt in range(3):
        try:
            # IMMEDIATE on SQLite: it reads, then writes (two mail fetches at once failed here, «database is locked»)
            with write_session(engine) as session:
                known = _known(session, receipts)
                # one statement for the lot (a quarter is a thousand files), not an ORM object per file
                rows = [_row(r) for r in receipts if _key(r) not in known]
                if rows:
                    session.connection().execute(insert(_TABLE), rows)
            break
        except IntegrityError:
            continue  # another run recorded some of them meanwhile: read them back and add the rest
    with Session(engine) as session:
        known = _known(session, receipts)
    return [known.get(_key(r), r) for r in receipts]


def receipts_for_period(bind: Engine | Connection, period: str) -> list[Receipt]:
    """Every file taken in for a period, oldest first (on a connection: inside its transaction)."""
    with Session(bind) as session:
        table = models.ReceivedFile
        rows = session.scalars(select(table).where(col(table.period_code) == period)
                               .order_by(col(table.received_at), col(table.id))).all()
        return [_receipt(row) for row in rows]


def _key(receipt: Receipt) -> tuple[str, str, str]:
    return (receipt.origin.value, receipt.name, receipt.sha256)


def _known(session: Session, receipts: Sequence[Receipt]) -> dict[tuple[str, str, str], Receipt]:
    table = models.ReceivedFile
    found: dict[tuple[str, str, str], Receipt] = {}
    for chunk in in_chunks(_key(r) for r in receipts):
        rows = session.scalars(select(table).where(tuple_(table.origin, table.name, table.sha256).in_(chunk)))
        found.update({(row.origin, row.name, row.sha256): _receipt(row) for row in rows})
    # The portal saves an upload into the period's inbox folder: when a folder run takes that file again, it is
    # the upload's file, with the upload's record, not a second one (issue 17).
    in_folder = [(r.name, r.sha256) for r in receipts if r.origin is Origin.FOLDER]
    for pairs in in_chunks(in_folder):
        taken = session.scalars(select(table).where(tuple_(table.name, table.sha256).in_(pairs),
                                                    col(table.origin) != Origin.FOLDER.value).order_by(col(table.id)))
        for row in taken:
            found.setdefault((Origin.FOLDER.value, row.name, row.sha256), _receipt(row))
    return found


def _row(receipt: Receipt) -> dict[str, Any]:
    return {"name": receipt.name, "size": receipt.size, "sha256": receipt.sha256, "origin": receipt.origin.value,
            "sender": receipt.sender, "period_code": receipt.period, "department_code": receipt.department,
            "received_at": receipt.received_at.astimezone(UTC).replace(tzinfo=None),
            "processed_at": datetime.now(UTC).replace(tzinfo=None), "fate": receipt.fate.value,
            "reason": receipt.reason, "submission_id": receipt.submission_id}


def _receipt(row: models.ReceivedFile) -> Receipt:
    return Receipt(name=row.name, size=row.size, sha256=row.sha256, origin=Origin(row.origin),
                   received_at=row.received_at.replace(tzinfo=UTC), fate=Fate(row.fate), reason=row.reason,
                   period=row.period_code, department=row.department_code, sender=row.sender,
                   submission_id=row.submission_id)

