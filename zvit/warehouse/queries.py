"""Read submissions back: current versions, the history of a slot, a submission's lines and findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlmodel import col

import models
from zvit.quality.findings import Finding, Severity, Status

T = TypeVar("T")


@contextmanager
def _session(bind: Engine | Session) -> Iterator[Session]:
    if isinstance(bind, Session):
        yield bind
    else:
        with Session(bind, expire_on_commit=False) as session:
            yield session


def _all(bind: Engine | Session, query: Select[Any]) -> list[Any]:
    with _session(bind) as session:
        return list(session.scalars(query))


def _for_slot(query: Select[Any], department: str | None, program: str | None, period: str | None) -> Select[Any]:
    S = models.Submission
    if department is not None:
        query = query.join(models.Department, col(models.Department.id) == S.department_id).where(
            col(models.Department.code) == department)
    if program is not None:
        query = query.join(models.Program, col(models.Program.id) == S.program_id).where(
            col(models.Program.code) == program)
    if period is not None:
        query = query.join(models.Period, col(models.Period.id) == S.period_id).where(
            col(models.Period.code) == period)
    return query


def current_submissions(bind: Engine | Session, *, department: str | None = None, program: str | None = None,
                        period: str | None = None) -> list[models.Submission]:
    """The current version of every slot (rejected ones included), optionally for one department/program/period."""
    S = models.Submission
    query = _for_slot(select(S).where(col(S.is_current)), department, program, period)
    return _all(bind, query.order_by(col(S.slot)))


def submission_history(bind: Engine | Session, *, department: str, program: str,
                       period: str) -> list[models.Submission]:
    """Every version a department submitted for a program and period, oldest first."""
    S = models.Submission
    query = _for_slot(select(S), department, program, period)
    return _all(bind, query.order_by(col(S.version), col(S.id)))


def submission_lines(bind: Engine | Session, submission_id: int) -> list[models.ReportLine]:
    """The lines of one submission in report order."""
    L = models.ReportLine
    return _all(bind, select(L).where(col(L.submission_id) == submission_id).order_by(col(L.line_no)))


def check_results(bind: Engine | Session, submission_id: int) -> list[models.CheckResult]:
    """The findings stored with one submission."""
    C = models.CheckResult
    return _all(bind, select(C).where(col(C.submission_id) == submission_id).order_by(col(C.id)))


def count_rows(bind: Engine | Session, model: type[Any], *where: Any) -> int:
    """How many rows of `model` match; for checks and summaries."""
    from sqlalchemy import func

    with _session(bind) as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


__all__: Sequence[str] = ("check_results", "count_rows", "current_submissions", "submission_history",
                          "submission_lines")


#: Values in one IN (...) at most: a region's quarter is thousands of files, and engines cap a statement's parameters.
IN_CHUNK = 500


def in_chunks(values: Iterable[T]) -> Iterator[list[T]]:
    """The distinct values, in order, IN_CHUNK at a time."""
    distinct = list(dict.fromkeys(values))
    for start in range(0, len(distinct), IN_CHUNK):
        yield distinct[start:start + IN_CHUNK]


def stored_sources(bind: Engine | Session, submission_ids: Sequence[int]) -> dict[int, str]:
    """The file name each of these submissions was stored from."""
    S = models.Submission
    return {row.id: row.source_file for ids in in_chunks(submission_ids)
            for row in _all(bind, select(S).where(col(S.id).in_(ids))) if row.id is not None}


def current_rejected(bind: Engine | Session, submission_ids: Sequence[int]) -> list[int]:
    """Those of these submissions that are rejected and still their department's current version."""
    S = models.Submission
    return [row.id for ids in in_chunks(submission_ids)
            for row in _all(bind, select(S).where(col(S.id).in_(ids), col(S.is_current),
                                                  col(S.status) == Status.REJECTED)) if row.id is not None]


def finding_of(row: models.CheckResult) -> Finding:
    """A stored check result as the Finding it was."""
    return Finding(rule_code=row.rule_code, severity=Severity(row.severity), message=row.message,
                   measure=row.measure, part=row.source_part or None, row=row.row, column=row.column, value=row.value,
                   expected=row.expected)


def stored_findings(bind: Engine | Session, submission_id: int) -> list[Finding]:
    """The findings stored with one submission, in the order they were stored."""
    return [finding_of(row) for row in check_results(bind, submission_id)]
