"""Match a report's department, program and period to the registry rows held in the warehouse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import models
from zvit.model import Report
from zvit.registry import normalize_department, normalize_program
from zvit.warehouse import findings as codes
from zvit.warehouse.findings import CheckFinding, catalogued


@dataclass(frozen=True)
class Resolution:
    """The registry rows a report belongs to (None where it names something unknown) and why not."""

    department_id: int | None
    department_code: str | None
    program_id: int | None
    program_code: str | None
    period_id: int | None
    #: department + program + period, by code, or by the normalized raw text where unresolved
    slot: str
    #: loads under one lock key are serialized (PostgreSQL), so versions and measures never race
    lock_key: str
    findings: tuple[CheckFinding, ...] = field(default=())


def resolve_report(session: Session, report: Report) -> Resolution:
    """Resolve the report's names against the active departments and programs and the known periods."""
    alias, title = models.DepartmentAlias, models.ProgramAlias
    department = _by_alias(session, models.Department, alias.department_id, alias.name, normalize_department,
                           report.department)
    program = _by_alias(session, models.Program, title.program_id, title.title, normalize_program, report.program)
    period = session.scalars(select(models.Period).where(models.Period.code == report.period)).one_or_none() \
        if report.period else None
    problems: list[CheckFinding] = []
    if department is None:
        problems.append(catalogued(codes.UNKNOWN_DEPARTMENT, value=report.department or ""))
    if program is None:
        problems.append(catalogued(codes.UNKNOWN_PROGRAM, value=report.program or ""))
    if period is None:
        problems.append(catalogued(codes.UNKNOWN_PERIOD, value=report.period or ""))
    if department is not None and program is not None and not _executes(session, department.id, program.id):
        problems.append(catalogued(codes.NOT_AN_EXECUTOR, value=report.department, expected=program.title))
    department_key = department.code if department else "?" + normalize_department(report.department or "")
    program_key = program.code if program else "?" + normalize_program(report.program or "")
    period_key = period.code if period else "?" + (report.period or "").strip()
    return Resolution(
        department_id=department.id if department else None, department_code=department.code if department else None,
        program_id=program.id if program else None, program_code=program.code if program else None,
        period_id=period.id if period else None, slot=f"{department_key}|{program_key}|{period_key}",
        lock_key=f"{department_key}|{program_key}", findings=tuple(problems))


def _by_alias(session: Session, owner: type[Any], owner_key: Any, written: Any,
              normalize: Callable[[str], str], name: str | None) -> Any | None:
    key = normalize(name or "")
    if not key:
        return None
    active = select(owner).join_from(owner, written.class_, owner_key == owner.id).where(owner.active)
    # The key stored at the last registry sync finds the name in one indexed lookup; a warehouse synced by an
    # older normalization is still matched, by normalizing its names again (the slow path, for misses only).
    found = session.scalars(active.where(written.class_.normalized == key)).first()
    if found is not None:
        return found
    rows = session.execute(active.add_columns(written)).all()
    return next((row[0] for row in rows if normalize(row[1]) == key), None)


def _executes(session: Session, department_id: int | None, program_id: int | None) -> bool:
    link = models.DepartmentProgram
    return session.scalars(select(link.id).where(link.department_id == department_id,
                                                 link.program_id == program_id)).first() is not None
