"""The registry's shape: programs, council decisions, departments and the reporting calendar."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cached_property
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from zvit.addresses import EmailAddress
from zvit.normalize.periods import parse_period_code
from zvit.registry.names import normalize_department, normalize_program
from zvit.registry.periods import ReportingPeriod, default_deadline, periods_of_year


def _iso_date(value: Any) -> date:
    # YAML gives a date for 2020-12-24; anything else (24.12.2020, 20201224, a datetime) is a mistake
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"bad date {value!r}: expected a real date written YYYY-MM-DD")


def _text_number(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _period_code(value: str) -> str:
    parse_period_code(value)
    return value


Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
DecisionNumber = Annotated[str, BeforeValidator(_text_number), StringConstraints(strip_whitespace=True, min_length=1)]
PeriodCode = Annotated[str, AfterValidator(_period_code)]
Year = Annotated[int, Field(ge=2000, le=2100)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DecisionRef(_Entry):
    """A decision named by its number and date."""

    number: DecisionNumber
    date: IsoDate


class Person(_Entry):
    """An official named in documents: «Власне ім'я ПРІЗВИЩЕ», position, and how to reach them."""

    name: Text
    position: Text
    phone: Text | None = None
    email: EmailAddress | None = None


class ProgramEntry(_Entry):
    """A city target program."""

    code: Code
    title: Text
    full_title: Text | None = None
    title_variants: tuple[Text, ...] = ()
    first_year: Year
    last_year: Year
    approved_by: DecisionRef
    #: the body the consolidated report comes from, named as the document's author: «Житомирська міська рада»
    issuer: Text | None = None
    #: who signs the consolidated report (the responsible executor's head) and who approves it («ПОГОДЖЕНО»)
    signer: Person | None = None
    approver: Person | None = None
    #: whom departments ask about their reports on the program (named in every letter)
    contact: Person | None = None

    @property
    def periods(self) -> list[ReportingPeriod]:
        """Every cumulative period of every year the program runs."""
        return [period for year in range(self.first_year, self.last_year + 1) for period in periods_of_year(year)]


class ConvocationEntry(_Entry):
    """A council convocation and the date of its first session."""

    code: Annotated[Text, StringConstraints(max_length=20)]
    first_session: IsoDate


class DecisionEntry(_Entry):
    """A council decision that approves or amends programs."""

    number: DecisionNumber
    date: IsoDate
    convocation: Text
    approves: tuple[Code, ...] = ()
    amends: tuple[Code, ...] = ()
    summary: Text | None = None


class DepartmentEntry(_Entry):
    """A department (executive body) that reports on programs."""

    code: Code
    name: Text
    name_variants: tuple[Text, ...] = ()
    emails: tuple[EmailAddress, ...] = Field(min_length=1)
    programs: tuple[Code, ...] = Field(min_length=1)
    responsible_for: tuple[Code, ...] = ()
    #: the department's head, who signs its reports
    head: Person | None = None

    def is_responsible_for(self, program: str) -> bool:
        """Whether the department is a responsible executor of the program."""
        return program in self.responsible_for


class Calendar(_Entry):
    """When reports are due: a default rule plus per-period exceptions."""

    deadline_day: int = Field(10, ge=1, le=31)
    months_after_quarter: int = Field(1, ge=0, le=12)
    overrides: dict[PeriodCode, IsoDate] = Field(default_factory=dict)

    def deadline(self, period: ReportingPeriod | str) -> date:
        """The last day a report for the period is on time."""
        period = parse_period_code(period) if isinstance(period, str) else period
        return self.overrides.get(period.code) or default_deadline(
            period, day=self.deadline_day, months_after=self.months_after_quarter)


class Registry(_Entry):
    """Everything zvit knows about programs, decisions and departments."""

    programs: tuple[ProgramEntry, ...] = ()
    convocations: tuple[ConvocationEntry, ...] = ()
    decisions: tuple[DecisionEntry, ...] = ()
    departments: tuple[DepartmentEntry, ...] = ()
    calendar: Calendar = Field(default_factory=Calendar)

    @cached_property
    def _department_keys(self) -> dict[str, str]:
        keys: dict[str, str] = {}
        for department in self.departments:
            for name in (department.code, department.name, *department.name_variants):
                keys.setdefault(normalize_department(name), department.code)
        return keys

    @cached_property
    def _program_keys(self) -> dict[str, str]:
        keys: dict[str, str] = {}
        for program in self.programs:
            for title in (program.code, program.title, program.full_title, *program.title_variants):
                if title:
                    keys.setdefault(normalize_program(title), program.code)
        return keys

    def department_at(self, address: str | None) -> DepartmentEntry | None:
        """The department whose registered addresses include this one (letter case and spaces aside), or None."""
        wanted = (address or "").strip().lower()
        return next((d for d in self.departments if wanted in (e.lower() for e in d.emails)), None) if wanted \
            else None

    def resolve_department(self, name: str | None) -> str | None:
        """The code of the department a report names, or None if the name is not registered."""
        return self._department_keys.get(normalize_department(name)) if name else None

    def resolve_program(self, title: str | None) -> str | None:
        """The code of the program a report names, or None if the title is not registered."""
        return self._program_keys.get(normalize_program(title)) if title else None

    def department(self, code: str) -> DepartmentEntry:
        """The department with this code (KeyError if none)."""
        for department in self.departments:
            if department.code == code:
                return department
        raise KeyError(code)

    def program(self, code: str) -> ProgramEntry:
        """The program with this code (KeyError if none)."""
        for program in self.programs:
            if program.code == code:
                return program
        raise KeyError(code)

    def periods(self) -> list[ReportingPeriod]:
        """Every period of every registered program, in order, without repeats."""
        seen = {period.code: period for program in self.programs for period in program.periods}
        return sorted(seen.values(), key=lambda period: (period.year, period.quarter))
