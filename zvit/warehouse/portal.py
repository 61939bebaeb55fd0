"""What the department portal reads (read-only): a submission with the codes it is filed under, a department's
versions and files by period, a quarter's departments and totals, what the report counted from a submission."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from zvit.quality.findings import Finding
from zvit.warehouse.queries import stored_findings
from zvit.warehouse.receipts import (
    Origin,
    Receipt,
    _receipt,  # the one mapping of a row to a Receipt
)
from zvit.warehouse.views import view_rows


@dataclass(frozen=True)
class Filed:
    """A submission and the department, program and period codes it is filed under (None when unresolved)."""

    submission: models.Submission
    department: str | None
    program: str | None
    period: str | None

    @property
    def id(self) -> int:
        """The submission's id."""
        assert self.submission.id is not None
        return self.submission.id

    @property
    def received_at(self) -> datetime:
        """When its file arrived (aware, UTC)."""
        return self.submission.received_at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class FileRecord:
    """A received file on record, with its row id (the portal's address for it)."""

    id: int
    receipt: Receipt


def _filed_query() -> Any:
    S, D, P, Q = models.Submission, models.Department, models.Program, models.Period
    return (select(S, col(D.code), col(P.code), col(Q.code))
            .outerjoin(D, col(D.id) == S.department_id)
            .outerjoin(P, col(P.id) == S.program_id)
            .outerjoin(Q, col(Q.id) == S.period_id))


def filed_submission(engine: Engine, submission_id: int) -> Filed | None:
    """One submission with its codes, or None when there is no such submission."""
    with Session(engine, expire_on_commit=False) as session:
        row = session.execute(_filed_query().where(col(models.Submission.id) == submission_id)).first()
    return None if row is None else Filed(*row)


def department_submissions(engine: Engine, department: str, *, period: str | None = None) -> list[Filed]:
    """Every version a department submitted (rejected and superseded ones too), newest period and version first."""
    query = _filed_query().where(col(models.Department.code) == department)
    if period is not None:
        query = query.where(col(models.Period.code) == period)
    with Session(engine, expire_on_commit=False) as session:
        rows = session.execute(query).all()
    filed = [Filed(*row) for row in rows]
    return sorted(filed, key=lambda f: (f.period or "", f.program or "", f.submission.version, f.id), reverse=True)


def department_files(engine: Engine, department: str) -> list[FileRecord]:
    """Every file on record as the department's, newest first."""
    table = models.ReceivedFile
    with Session(engine) as session:
        rows = session.scalars(select(table).where(col(table.department_code) == department)
                               .order_by(col(table.received_at).desc(), col(table.id).desc())).all()
        return [FileRecord(row.id, _receipt(row)) for row in rows if row.id is not None]


def received_file(engine: Engine, file_id: int) -> FileRecord | None:
    """One received file on record, or None."""
    with Session(engine) as session:
        row = session.get(models.ReceivedFile, file_id)
        return None if row is None or row.id is None else FileRecord(row.id, _receipt(row))


def upload_record(engine: Engine, name: str, sha256: str) -> FileRecord | None:
    """The record of a file uploaded through the portal under this name."""
    table = models.ReceivedFile
    with Session(engine) as session:
        row = session.scalars(select(table).where(col(table.origin) == Origin.UPLOAD.value,
                                                  col(table.name) == name, col(table.sha256) == sha256)).first()
        return None if row is None or row.id is None else FileRecord(row.id, _receipt(row))


def cited_decisions(engine: Engine, submission_id: int) -> list[models.CitedDecision]:
    """The council decisions a submission cites, in the order it cites them."""
    table = models.CitedDecision
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(table).where(col(table.submission_id) == submission_id)
                                    .order_by(col(table.id))))


def findings_of(engine: Engine, submission_id: int) -> list[Finding]:
    """The findings stored with a submission."""
    return stored_findings(engine, submission_id)


def quarter_status(engine: Engine, period: str, programs: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every registered department's state for the period (v_department_status), for these programs or all."""
    rows = view_rows(engine, "v_department_status", period_code=period)
    chosen = [row for row in rows if programs is None or row["program_code"] in programs]
    return sorted(chosen, key=lambda row: (row["program_code"], row["department_name"] or row["department_code"]))


def program_totals(engine: Engine, period: str, programs: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Each program's totals over its counted submissions for the period (v_program_totals)."""
    rows = view_rows(engine, "v_program_totals", period_code=period)
    return [row for row in rows if programs is None or row["program_code"] in programs]


def counted(engine: Engine, submission_id: int) -> dict[str, Any] | None:
    """What the consolidated report counts from a submission (v_department_totals), None when it counts nothing
    (rejected, or replaced by a newer version)."""
    rows = view_rows(engine, "v_department_totals", submission_id=submission_id)
    return rows[0] if rows else None


def periods_with_data(engine: Engine) -> list[str]:
    """The periods the warehouse holds anything for, newest first."""
    with Session(engine) as session:
        codes = session.scalars(select(col(models.Period.code))).all()
    return sorted(codes, reverse=True)


__all__ = ["FileRecord", "Filed", "cited_decisions", "counted", "department_files", "department_submissions",
           "filed_submission", "findings_of", "program_totals", "quarter_status", "received_file", "upload_record"]
