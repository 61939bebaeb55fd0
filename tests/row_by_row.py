"""The warehouse's load as it was before bulk writes: an ORM object per row, flushed by the unit of work.

Kept only to test that zvit.warehouse.load (Core statements, several rows each) stores exactly the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from zvit.model import Report
from zvit.quality.findings import Finding, Status, status_for
from zvit.registry.resolve import Resolution
from zvit.warehouse.load import (LoadResult, _already_loaded, _check_row, _existing, _line_values, _measure_tasks,
                                 _new_submission)
from zvit.warehouse.receipts import Receipt, _key, _known
from zvit.warehouse.resolve import Rows, rows_for
from zvit.warehouse.transaction import write_session


def load_report(engine: Engine, report: Report, *, resolution: Resolution, sha256: str, received_at: datetime,
                findings: Sequence[Finding]) -> LoadResult:
    """Store one report row by row, as zvit did before."""
    received = received_at.astimezone(UTC).replace(tzinfo=None)
    with write_session(engine) as session:
        rows = rows_for(session, resolution)
        existing = _existing(session, sha256, report.index)
        if existing is not None:
            return _already_loaded(session, existing)
        values = _new_submission(report, resolution, rows, sha256, received, status_for(f.severity for f in findings))
        submission = models.Submission(**values)
        session.add(submission)
        session.flush()
        lines = _line_values(report)
        measures = _measure_ids(session, rows, report)
        for row in lines:
            session.add(models.ReportLine(**{**row, "submission_id": submission.id, "measure_id": measures.get(
                row["measure_number"]) if row["measure_number"] else None}))
        for finding in findings:
            session.add(models.CheckResult(**_check_row(submission.id, finding)))
        for decision in report.decisions:
            session.add(models.CitedDecision(submission_id=submission.id, number=decision.number,
                                             date=decision.date))
        superseded = _settle_slot(session, submission.slot)
        previous = superseded[0] if superseded else None
        session.flush()
        return LoadResult("loaded", submission.id or 0, submission.version, Status(submission.status),
                          submission.is_current, resolution.department or report.department,
                          resolution.program or report.program, report.period,
                          previous.id if previous else None, previous.version if previous else None)


def record_receipts(engine: Engine, receipts: Sequence[Receipt]) -> None:
    """Record each receipt not recorded yet, an ORM object each."""
    with Session(engine) as session, session.begin():
        known = _known(session, receipts)
        session.add_all(models.ReceivedFile(
            name=r.name, size=r.size, sha256=r.sha256, origin=r.origin.value, sender=r.sender,
            period_code=r.period, department_code=r.department,
            received_at=r.received_at.astimezone(UTC).replace(tzinfo=None),
            processed_at=datetime.now(UTC).replace(tzinfo=None), fate=r.fate.value, reason=r.reason,
            submission_id=r.submission_id) for r in receipts if _key(r) not in known)


def _measure_ids(session: Session, rows: Rows, report: Report) -> dict[str, int]:
    if rows.program_id is None or rows.department_id is None:
        return {}
    tasks = _measure_tasks(report)
    Measure = models.Measure
    known = {m.number: m for m in session.scalars(select(Measure).where(
        col(Measure.program_id) == rows.program_id, col(Measure.department_id) == rows.department_id,
        col(Measure.number).in_(tasks)))}
    for number, task in tasks.items():
        if number not in known:
            known[number] = Measure(program_id=rows.program_id, department_id=rows.department_id,
                                    number=number, task=task)
            session.add(known[number])
        elif known[number].task is None and task:
            known[number].task = task
    session.flush()
    return {number: models.row_id(measure) for number, measure in known.items()}


def _settle_slot(session: Session, slot: str) -> list[models.Submission]:
    Submission = models.Submission
    rows = list(session.scalars(select(Submission).where(col(Submission.slot) == slot)
                                .order_by(col(Submission.received_at), col(Submission.id))))
    newest = rows[-1]
    was_current = [row for row in rows if row.is_current and row is not newest]
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
