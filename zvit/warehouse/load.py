"""Load one normalized report into the warehouse as one submission, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Literal, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from zvit.model import NUMBER_FIELDS, Report
from zvit.quality.findings import Finding, Status, status_for
from zvit.quality.staging import fits
from zvit.registry.resolve import Resolution
from zvit.warehouse.resolve import Rows, rows_for
from zvit.warehouse.schema import ensure_schema
from zvit.warehouse.supersede import settle_slot
from zvit.warehouse.transaction import advisory_lock, write_session


@dataclass(frozen=True)
class LoadResult:
    """What loading one report did."""

    outcome: Literal["loaded", "already_loaded"]
    submission_id: int
    version: int
    status: Status
    is_current: bool
    #: the department's code, or the name as written when it is not registered; likewise program
    department: str | None
    program: str | None
    period: str | None
    #: the version that was current until this load made it superseded
    superseded_id: int | None = None
    superseded_version: int | None = None

    @property
    def already_loaded(self) -> bool:
        """True when the same file's report was in the warehouse already and nothing changed."""
        return self.outcome == "already_loaded"


def load_report(target: Engine | Session, report: Report, *, resolution: Resolution, sha256: str,
                received_at: datetime, findings: Sequence[Finding]) -> LoadResult:
    """Store `report`, filed as `resolution` says, with every finding of its check (intake's and the gate's: the
    warehouse adds none, so what is stored is what `zvit validate` shows); a no-op when (sha256, report.index) is
    already stored.

    With an Engine the load commits on its own and is safe against concurrent loaders; with a Session
    it joins the session's transaction (opening one if needed), which the caller commits.
    `received_at` must carry its time zone.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    engine = target if isinstance(target, Engine) else _engine_of(target)
    ensure_schema(engine)
    received = received_at.astimezone(UTC).replace(tzinfo=None)
    if isinstance(target, Session):
        if target.in_transaction():
            return _load(target, report, resolution, sha256, received, findings)
        with target.begin():
            return _load(target, report, resolution, sha256, received, findings)
    try:
        with write_session(target) as session:
            return _load(session, report, resolution, sha256, received, findings)
    except IntegrityError:
        # another process stored the same file between our check and our insert
        with Session(target) as session:
            existing = _existing(session, sha256, report.index)
            if existing is None:
                raise
            return _already_loaded(session, existing)


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind.engine if isinstance(bind, Connection) else bind


def _existing(session: Session, sha256: str, index: int) -> models.Submission | None:
    return session.scalars(select(models.Submission).where(
        col(models.Submission.sha256) == sha256, col(models.Submission.report_index) == index)).one_or_none()


def _already_loaded(session: Session, row: models.Submission) -> LoadResult:
    department = session.get(models.Department, row.department_id) if row.department_id else None
    program = session.get(models.Program, row.program_id) if row.program_id else None
    return LoadResult("already_loaded", row.id or 0, row.version, Status(row.status), row.is_current,
                      department.code if department else row.department_name,
                      program.code if program else row.program_title, row.period_code)


def _load(session: Session, report: Report, resolution: Resolution, sha256: str, received: datetime,
          findings: Sequence[Finding]) -> LoadResult:
    # Written with Core statements, several rows to a statement: the ORM's unit of work cost more than the
    # database itself (a thousand reports, 40,000 rows). Still one transaction per report.
    session.flush()  # the caller's pending changes first: the statements below bypass the unit of work
    rows = rows_for(session, resolution)
    advisory_lock(session.connection(), f"zvit:load:{resolution.lock_key}")
    if _stored_id(session, sha256, report.index) is not None:
        existing = _existing(session, sha256, report.index)
        assert existing is not None
        return _already_loaded(session, existing)
    check_status = status_for(f.severity for f in findings)
    submission = _new_submission(report, resolution, rows, sha256, received, check_status)
    submission_id = _insert_submission(session, submission)
    lines = _line_values(report)
    measures = _measure_ids(session, rows, report)
    for row in lines:
        row["submission_id"] = submission_id
        row["measure_id"] = measures.get(row["measure_number"]) if row["measure_number"] else None
    _insert_rows(session, models.ReportLine, lines)
    _insert_rows(session, models.CheckResult, [_check_row(submission_id, f) for f in findings])
    _insert_rows(session, models.CitedDecision, [
        {"submission_id": submission_id, "number": d.number, "date": d.date} for d in report.decisions])
    settled = settle_slot(session, resolution.slot)
    _expire(session)
    mine = next(row for row in settled.rows if row.id == submission_id)
    previous = settled.superseded[0] if settled.superseded else None
    return LoadResult("loaded", submission_id, mine.version, Status(mine.status), mine.is_current,
                      resolution.department or report.department, resolution.program or report.program,
                      report.period, previous.id if previous else None, previous.version if previous else None)


def _expire(session: Session) -> None:
    # a caller's session may hold submissions or measures this load changed behind the unit of work's back
    for instance in list(session.identity_map.values()):
        if isinstance(instance, (models.Submission, models.Measure)):
            session.expire(instance)


def _table(model: type[Any]) -> Table:
    return cast("Table", model.__table__)


# Built once: a thousand reports run each statement a thousand times, and building one costs more than running it.
_SUBMISSIONS, _MEASURES = _table(models.Submission), _table(models.Measure)
_STORED_ID = select(_SUBMISSIONS.c.id).where(_SUBMISSIONS.c.sha256 == bindparam("sha256"),
                                             _SUBMISSIONS.c.report_index == bindparam("report_index"))
_INSERT_SUBMISSION = insert(_SUBMISSIONS)
_KNOWN_MEASURES = select(_MEASURES.c.number, _MEASURES.c.id, _MEASURES.c.task).where(
    _MEASURES.c.program_id == bindparam("program_id"), _MEASURES.c.department_id == bindparam("department_id"),
    _MEASURES.c.number.in_(bindparam("numbers", expanding=True)))
_NAME_MEASURE = update(_MEASURES).where(_MEASURES.c.id == bindparam("measure_id")).values(
    task=bindparam("measure_task"))
_INSERTS = {model: insert(_table(model)) for model in (models.ReportLine, models.CheckResult, models.CitedDecision,
                                                       models.Measure)}


def _stored_id(session: Session, sha256: str, index: int) -> int | None:
    found = session.connection().execute(_STORED_ID, {"sha256": sha256, "report_index": index})
    return found.scalar_one_or_none()


def _insert_submission(session: Session, values: dict[str, Any]) -> int:
    result = session.connection().execute(_INSERT_SUBMISSION, values)
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _new_submission(report: Report, resolution: Resolution, rows: Rows, sha256: str, received: datetime,
                    check_status: Status) -> dict[str, Any]:
    total = report.total
    return {
        "source_file": PurePath(report.source).name or report.source, "source_format": report.format,
        "sha256": sha256, "report_index": report.index, "received_at": received,
        "processed_at": datetime.now(UTC).replace(tzinfo=None),
        "department_id": rows.department_id, "program_id": rows.program_id, "period_id": rows.period_id,
        "department_name": report.department, "program_title": report.program,
        "period_code": report.period, "slot": resolution.slot, "version": 0, "is_current": False,
        "status": check_status.value, "check_status": check_status.value, "superseded_by_id": None,
        "program_term": report.term,
        "responsible_executors": "; ".join(report.responsible_executors) or None,
        "signer_position": report.signer.position if report.signer else None,
        "signer_name": report.signer.name if report.signer else None,
        "total_planned": _fits(total.planned, "planned") if total else None,
        "total_annual": _fits(total.annual, "annual") if total else None,
        "total_financed": _fits(total.financed, "financed") if total else None,
        "total_percent": _fits(total.percent, "percent") if total else None,
    }


def _fits(value: Decimal | None, field: str) -> Decimal | None:
    # An amount the warehouse cannot hold is kept as NULL: the gate's LINE-VALUE-OUT-OF-RANGE has rejected it.
    return value if value is not None and fits(value, field) else None


def _line_values(report: Report) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for line_no, line in enumerate(report.rows, start=1):
        row: dict[str, Any] = {
            "line_no": line_no, "measure_number": _measure_number(line.measure), "sub_item": line.sub_item,
            "task": line.task, "content": line.content, "term": line.term, "executors": line.executors,
            "info": line.info, "notes": "\n".join(line.notes) or None,
            "source_part": line.location.part, "source_row": line.location.row,
        }
        row.update({field: _fits(getattr(line, field), field) for field in NUMBER_FIELDS})
        rows.append(row)
    return rows


def _measure_number(raw: str | None) -> str | None:
    # "1." and "1" are the same measure
    number = (raw or "").strip().rstrip(".").strip()
    return number or None


def _measure_tasks(report: Report) -> dict[str, str | None]:
    """Each measure number the report names, with the first task given for it (None when it gives none)."""
    tasks: dict[str, str | None] = {}
    for line in report.rows:
        number = _measure_number(line.measure)
        if number and (number not in tasks or (tasks[number] is None and line.task)):
            tasks[number] = line.task
    return tasks


def _measure_ids(session: Session, rows: Rows, report: Report) -> dict[str, int]:
    if rows.program_id is None or rows.department_id is None:
        return {}
    tasks = _measure_tasks(report)
    if not tasks:
        return {}
    known = _known_measures(session, rows, list(tasks))
    # a new measure is added; a known one without a task gets the one this report gives
    added = [{"program_id": rows.program_id, "department_id": rows.department_id, "number": number, "task": task}
             for number, task in tasks.items() if number not in known]
    _insert_rows(session, models.Measure, added)
    named = [{"measure_id": known[number][0], "measure_task": task} for number, task in tasks.items()
             if number in known and known[number][1] is None and task]
    if named:
        session.connection().execute(_NAME_MEASURE, named)
    if added:
        known = _known_measures(session, rows, list(tasks))
    return {number: known[number][0] for number in tasks}


def _known_measures(session: Session, rows: Rows, numbers: list[str]) -> dict[str, tuple[int, str | None]]:
    found = session.connection().execute(_KNOWN_MEASURES, {
        "program_id": rows.program_id, "department_id": rows.department_id, "numbers": numbers})
    return {number: (measure_id, task) for number, measure_id, task in found}


def _insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(_INSERTS[model], rows)


def _check_row(submission_id: int | None, finding: Finding) -> dict[str, Any]:
    return {"submission_id": submission_id, "rule_code": finding.rule_code, "severity": finding.severity.value,
            "origin": "intake" if finding.is_intake else "gate", "measure": finding.measure,
            "source_part": finding.part, "row": finding.row, "column": finding.column,
            "value": finding.value, "expected": finding.expected, "message": finding.message}
