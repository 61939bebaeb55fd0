"""Write the registry into the warehouse: upserts by code, so loading it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import models
from models.base import HasId
from zvit.registry import Registry
from zvit.registry.periods import ReportingPeriod
from zvit.warehouse.schema import ensure_schema
from zvit.warehouse.transaction import advisory_lock, write_session


@dataclass(frozen=True)
class RegistrySummary:
    """How many entries of each kind the warehouse holds from the registry."""

    programs: int
    decisions: int
    departments: int
    periods: int


def late_from(deadline: Any, timezone: str) -> datetime:
    """The first late moment, as naive UTC: midnight after the deadline day in the city's time zone."""
    local = datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC).replace(tzinfo=None)


def sync_registry(engine: Engine, registry: Registry, *, timezone: str) -> RegistrySummary:
    """Make the warehouse's reference tables match the registry in one transaction (idempotent); `timezone` is the
    city's (an entry point passes its settings' timezone)."""
    ensure_schema(engine)
    with write_session(engine) as session:
        advisory_lock(session.connection(), "zvit:registry")
        convocations = {c.code: _upsert(session, models.Convocation, {"code": c.code},
                                        first_session=c.first_session) for c in registry.convocations}
        decisions = {
            (d.number, d.date): _upsert(session, models.Decision, {"number": d.number, "date": d.date},
                                        convocation_id=convocations[d.convocation], summary=d.summary)
            for d in registry.decisions}
        programs = {
            p.code: _upsert(session, models.Program, {"code": p.code}, title=p.title, full_title=p.full_title,
                            first_year=p.first_year, last_year=p.last_year, active=True,
                            approved_by_id=decisions[(p.approved_by.number, p.approved_by.date)])
            for p in registry.programs}
        departments = {d.code: _upsert(session, models.Department, {"code": d.code}, name=d.name, active=True)
                       for d in registry.departments}
        _retire(session, models.Program, set(programs))
        _retire(session, models.Department, set(departments))
        _replace_links(session, registry, decisions, programs, departments)
        for period in registry.periods():
            _upsert_period(session, period, registry.calendar.deadline(period), timezone)
        session.flush()
    return RegistrySummary(len(programs), len(decisions), len(departments), len(registry.periods()))


def _upsert(session: Session, model: type[HasId], key: dict[str, Any], **values: Any) -> int:
    """The id of the row with this key, made or updated to hold `values`."""
    row = session.scalars(select(model).filter_by(**key)).one_or_none()
    if row is None:
        row = model(**key, **values)
        session.add(row)
    else:
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
    session.flush()
    return models.row_id(row)


def _retire(session: Session, model: type[Any], keep: set[str]) -> None:
    # rows that left the registry stay for the history that points at them, but stop being expected
    session.execute(update(model).where(model.code.not_in(keep)).values(active=False))


def _replace_links(session: Session, registry: Registry, decisions: dict[tuple[str, date], int],
                   programs: dict[str, int], departments: dict[str, int]) -> None:
    # link rows are referenced by nothing, so replacing them all is the simplest exact sync
    for model in (models.DecisionProgram, models.DepartmentProgram):
        session.execute(delete(model))
    rows: list[Any] = []
    for decision in registry.decisions:
        for action, codes in (("approves", decision.approves), ("amends", decision.amends)):
            rows += [models.DecisionProgram(decision_id=decisions[(decision.number, decision.date)],
                                            program_id=programs[code], action=action) for code in codes]
    for department in registry.departments:
        department_id = departments[department.code]
        rows += [models.DepartmentProgram(department_id=department_id, program_id=programs[code],
                                          responsible_executor=department.is_responsible_for(code))
                 for code in department.programs]
    session.add_all(rows)
    session.flush()


def _upsert_period(session: Session, period: ReportingPeriod, deadline: Any, timezone: str) -> None:
    _upsert(session, models.Period, {"code": period.code}, year=period.year, quarter=period.quarter,
            starts_on=period.start, ends_on=period.end, deadline=deadline,
            late_from=late_from(deadline, timezone))
