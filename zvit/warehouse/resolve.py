"""The warehouse rows a resolved report is filed under: the registry's codes (zvit.registry.resolve) as ids."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from zvit.registry.resolve import Resolution


@dataclass(frozen=True)
class Rows:
    """The ids of the department, program and period rows a report is filed under (None where unresolved)."""

    department_id: int | None
    program_id: int | None
    period_id: int | None


def rows_for(session: Session, resolution: Resolution) -> Rows:
    """Look up the synced registry rows for the codes the resolver found."""
    department = _id(session, models.Department, resolution.department)
    program = _id(session, models.Program, resolution.program)
    period = session.scalars(select(col(models.Period.id)).where(col(models.Period.code) == resolution.period)
                             ).one_or_none() if resolution.period else None
    return Rows(department, program, period)


def _id(session: Session, model: type[models.Department] | type[models.Program], code: str | None) -> int | None:
    if code is None:
        return None
    return session.scalars(select(col(model.id)).where(col(model.code) == code, col(model.active))).one_or_none()
