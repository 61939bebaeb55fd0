"""Reference tables filled from the registry: programs, council decisions, departments and periods."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, UniqueConstraint
from sqlmodel import Field

from models.base import WarehouseModel


class Convocation(WarehouseModel, table=True):
    """A council convocation."""

    __tablename__ = "convocation"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=20)
    first_session: date


class Decision(WarehouseModel, table=True):
    """A council decision that approves or amends programs."""

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("number", "date"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str
    date: date
    convocation_id: int | None = Field(default=None, foreign_key="convocation.id")
    summary: str | None = None


class Program(WarehouseModel, table=True):
    """A city target program; `active` is false once it leaves the registry (its history stays)."""

    __tablename__ = "program"
    __table_args__ = (CheckConstraint("first_year <= last_year", name="years"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=80)
    title: str
    full_title: str | None = None
    first_year: int
    last_year: int
    approved_by_id: int | None = Field(default=None, foreign_key="decision.id")
    active: bool = True


class DecisionProgram(WarehouseModel, table=True):
    """What a decision does to a program: approves or amends it."""

    __tablename__ = "decision_program"
    __table_args__ = (
        UniqueConstraint("decision_id", "program_id"),
        CheckConstraint("action IN ('approves', 'amends')", name="action"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", index=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    action: str = Field(max_length=10)


class Department(WarehouseModel, table=True):
    """A department that reports; `active` is false once it leaves the registry (its history stays)."""

    __tablename__ = "department"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=80)
    name: str
    active: bool = True


class DepartmentProgram(WarehouseModel, table=True):
    """A department reports on a program, possibly as its responsible executor."""

    __tablename__ = "department_program"
    __table_args__ = (UniqueConstraint("department_id", "program_id"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    responsible_executor: bool = False


class Period(WarehouseModel, table=True):
    """A cumulative reporting period ('2022-Q3' = 9 months of 2022) and when its reports are due."""

    __tablename__ = "period"
    __table_args__ = (CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=7)
    year: int = Field(index=True)
    quarter: int
    starts_on: date
    ends_on: date
    deadline: date
    #: the first moment (naive UTC) that is late: the day after the deadline starts, in the city's time zone
    late_from: datetime = Field(sa_type=DateTime())
