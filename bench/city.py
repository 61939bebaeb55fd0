"""A synthetic city: programs with their council decisions, departments with programs, written as a registry."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from bench.vocabulary import AREAS, PROGRAMS, SUBJECTS, UNIT_KINDS
from zvit.normalize.periods import ReportingPeriod

#: The convocation every synthetic decision belongs to (Zhytomyr's VIII convocation met first on this day).
CONVOCATION = "VIII"
#: Each department reports on this many programs (fewer when the city has fewer programs).
PROGRAMS_PER_DEPARTMENT = 3


@dataclass(frozen=True)
class DecisionSpec:
    """A council decision approving or amending one program."""

    number: str
    date: date
    program: str
    approves: bool


@dataclass(frozen=True)
class ProgramSpec:
    """A city target program and the decisions that approved and amended it."""

    code: str
    title: str
    first_year: int
    last_year: int
    approval: DecisionSpec
    amendments: tuple[DecisionSpec, ...]

    @property
    def decisions(self) -> tuple[DecisionSpec, ...]:
        """Approval first, then amendments by date."""
        return (self.approval, *self.amendments)


@dataclass(frozen=True)
class DepartmentSpec:
    """A department: its official name, the shorter way it is also written, where its mail goes."""

    code: str
    name: str
    short_name: str
    email: str
    programs: tuple[str, ...]
    responsible_for: tuple[str, ...]


@dataclass(frozen=True)
class City:
    """Everything the registry holds about the synthetic city."""

    programs: tuple[ProgramSpec, ...]
    departments: tuple[DepartmentSpec, ...]
    convocation_start: date

    def program(self, code: str) -> ProgramSpec:
        """The program with this code."""
        return next(p for p in self.programs if p.code == code)

    def responsible(self, program: str) -> list[DepartmentSpec]:
        """The program's responsible executors."""
        return [d for d in self.departments if program in d.responsible_for]


def program_count(n: int) -> int:
    """How many programs a quarter of n submissions spans: 2 for a handful, 8 from about a hundred."""
    return min(8, max(2, math.ceil(n / 12)), len(PROGRAMS))


def build_city(rng: random.Random, n: int, period: ReportingPeriod, *, programs: int | None = None) -> City:
    """Programs, decisions and ceil(n / 3) departments, each department reporting on up to 3 programs."""
    count = programs or program_count(n)
    convocation_start = date(period.year - 2, 12, 3)
    specs = _programs(rng, count, period, convocation_start)
    per_department = min(PROGRAMS_PER_DEPARTMENT, count)
    departments = _departments(math.ceil(n / per_department), n, [p.code for p in specs], per_department)
    return City(tuple(specs), tuple(departments), convocation_start)


def _programs(rng: random.Random, count: int, period: ReportingPeriod, start: date) -> list[ProgramSpec]:
    drafts = []
    for code, title in PROGRAMS[:count]:
        first_year = rng.choice((period.year - 1, period.year))
        approved_on = _day_between(rng, start + timedelta(days=1), date(first_year - 1, 12, 28))
        amended_on = sorted(_day_between(rng, approved_on + timedelta(days=1), period.end - timedelta(days=1))
                            for _ in range(rng.choice((0, 1, 1, 2, 3))))
        drafts.append((code, title, first_year, first_year + rng.choice((2, 3, 4)), approved_on, amended_on))
    # Council decisions are numbered in the order they were taken, across all programs.
    taken = sorted((day, code, k) for code, *_, approved_on, amended_on in drafts
                   for k, day in enumerate((approved_on, *amended_on)))
    numbers = dict(zip(taken, sorted(rng.sample(range(20, 1900), len(taken))), strict=True))
    specs = []
    for code, title, first_year, last_year, approved_on, amended_on in drafts:
        approval = DecisionSpec(str(numbers[approved_on, code, 0]), approved_on, code, True)
        amendments = tuple(DecisionSpec(str(numbers[day, code, k]), day, code, False)
                           for k, day in enumerate(amended_on, start=1))
        specs.append(ProgramSpec(code, title, first_year, last_year, approval, amendments))
    return specs


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _departments(count: int, n: int, programs: list[str], per_department: int) -> list[DepartmentSpec]:
    departments = []
    taken = 0  # submissions assigned so far: the last department may send fewer than per_department
    responsible: set[str] = set()
    for index in range(count):
        mine = tuple(programs[(index * per_department + k) % len(programs)]
                     for k in range(min(per_department, n - taken)))
        taken += len(mine)
        # The first department of a program is its responsible executor.
        leads = tuple(code for code in mine if code not in responsible)
        responsible.update(leads)
        code, name, short_name = _department_name(index)
        email = f"zvit@{code[:63].rstrip('-')}.example.org"
        departments.append(DepartmentSpec(code, name, short_name, email, mine, leads))
    return departments


def _department_name(index: int) -> tuple[str, str, str]:
    """(code, name, short name) of the index-th department: every kind of unit for every subject, then areas."""
    kind_code, kind = UNIT_KINDS[index % len(UNIT_KINDS)]
    subject_code, long_form, short_form = SUBJECTS[(index // len(UNIT_KINDS)) % len(SUBJECTS)]
    round_ = index // (len(UNIT_KINDS) * len(SUBJECTS))
    area_code, area = AREAS[round_ % len(AREAS)]
    extra = round_ // len(AREAS)
    suffix_code = "-".join(part for part in (area_code, str(extra + 1) if extra else "") if part)
    suffix = " ".join(part for part in (area, f"№{extra + 1}" if extra else "") if part)
    code = "-".join(part for part in (kind_code, subject_code, suffix_code) if part)
    name = " ".join(part for part in (kind, long_form, suffix) if part)
    short_name = " ".join(part for part in (kind, short_form, suffix) if part)
    return code, name, short_name


def write_registry(city: City, directory: Path) -> Path:
    """Write programs.yaml, council.yaml, departments.yaml and calendar.yaml as the shipped registry has them."""
    directory.mkdir(parents=True, exist_ok=True)
    programs = [{"code": p.code, "title": p.title,
                 "full_title": f"Міська цільова програма «{p.title}» на {p.first_year}-{p.last_year} роки",
                 "first_year": p.first_year, "last_year": p.last_year,
                 "approved_by": {"number": p.approval.number, "date": p.approval.date}} for p in city.programs]
    decisions = sorted((d for p in city.programs for d in p.decisions), key=lambda d: (d.date, int(d.number)))
    council = {
        "convocations": [{"code": CONVOCATION, "first_session": city.convocation_start}],
        "decisions": [{"number": d.number, "date": d.date, "convocation": CONVOCATION,
                       **({"approves": [d.program]} if d.approves else {"amends": [d.program]}),
                       "summary": "затвердження Програми" if d.approves else "внесення змін до Програми"}
                      for d in decisions],
    }
    departments = [{"code": d.code, "name": d.name, "name_variants": [d.short_name], "emails": [d.email],
                    "programs": list(d.programs), **({"responsible_for": list(d.responsible_for)}
                                                     if d.responsible_for else {})}
                   for d in city.departments]
    calendar = {"calendar": {"deadline_day": 10, "months_after_quarter": 1, "overrides": {}}}
    for name, data in (("programs", {"programs": programs}), ("council", council),
                       ("departments", {"departments": departments}), ("calendar", calendar)):
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
        (directory / f"{name}.yaml").write_text(f"# Synthetic registry written by bench.generate.\n{text}",
                                                encoding="utf-8")
    return directory
