"""The gate's staging database: a batch of reports, the registry and earlier periods' figures as SQLite tables.

Rules run on SQLite whatever the warehouse is: the batch is checked before it is stored, and one engine means one
SQL dialect for the rules. Amounts are integer kopecks and percents integer hundredths, so sums are exact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from zvit.errors import DateError, PeriodError
from zvit.formatting import number
from zvit.model import NUMBER_FIELDS, DecisionCitation, FormLine, Report
from zvit.normalize.decisions import decisions_line, parse_decisions
from zvit.normalize.periods import ReportingPeriod, parse_period_code
from zvit.registry import Registry
from zvit.registry.resolve import Resolution

SCHEMA = """
CREATE TABLE report (
    report_key INTEGER PRIMARY KEY, source TEXT, report_index INTEGER,
    department TEXT, department_code TEXT, program TEXT, program_code TEXT,
    period TEXT, period_year INTEGER, period_quarter INTEGER, period_end DATE, period_registered INTEGER,
    expected_period TEXT, expected_program TEXT, expected_program_title TEXT,
    total_planned INTEGER, total_annual INTEGER, total_financed INTEGER, total_part TEXT, total_row INTEGER,
    col_planned TEXT, col_annual TEXT, col_financed TEXT,
    title_part TEXT, title_row INTEGER, decisions_part TEXT, decisions_row INTEGER,
    executors_part TEXT, executors_row INTEGER, col_executors TEXT, executes INTEGER, program_title TEXT,
    decisions_line TEXT
);
CREATE TABLE line (
    line_id INTEGER PRIMARY KEY, report_key INTEGER NOT NULL, measure TEXT, sub_item INTEGER, description TEXT,
    planned INTEGER, annual INTEGER, financed INTEGER, percent INTEGER, part TEXT, row INTEGER,
    col_measure TEXT, col_description TEXT, col_planned TEXT, col_annual TEXT, col_financed TEXT, col_percent TEXT
);
CREATE TABLE line_value (
    line_id INTEGER NOT NULL, field TEXT NOT NULL, kind TEXT NOT NULL, column_ref TEXT, value_text TEXT,
    expected_text TEXT
);
CREATE TABLE cited_decision (report_key INTEGER NOT NULL, position INTEGER, number TEXT, date DATE NOT NULL);
CREATE TABLE cell_decision (
    line_id INTEGER NOT NULL, field TEXT NOT NULL, column_ref TEXT, number TEXT NOT NULL, date DATE NOT NULL
);
CREATE TABLE registry_decision (
    program_code TEXT NOT NULL, number TEXT NOT NULL, date DATE NOT NULL, kind TEXT NOT NULL,
    convocation_start DATE
);
CREATE TABLE history_measure (
    department_code TEXT, program_code TEXT, period TEXT, period_year INTEGER, period_quarter INTEGER,
    period_end DATE, measure TEXT, annual INTEGER, financed INTEGER
);
CREATE INDEX line_report ON line (report_key);
CREATE INDEX cited_report ON cited_decision (report_key);
CREATE INDEX line_value_line ON line_value (line_id);
CREATE INDEX history_slot ON history_measure (department_code, program_code, period_year, measure);
"""


@dataclass(frozen=True)
class HistoryMeasure:
    """One measure's cumulative figures in an earlier counted report of a department."""

    department_code: str
    program_code: str
    period: str
    measure: str
    annual: Decimal | None
    financed: Decimal | None


#: The largest magnitudes the warehouse keeps: NUMERIC(14,2) for amounts, NUMERIC(7,2) for a percent.
LIMITS: dict[str, Decimal] = {"planned": Decimal("1e12"), "annual": Decimal("1e12"), "financed": Decimal("1e12"),
                              "percent": Decimal("1e5")}
_KOPECK = Decimal("0.01")
#: SQLite's INTEGER is 64 bits: a larger amount is staged as NULL (and found out of range).
_INT64 = 2**63 - 1


def kopecks(value: Decimal | None) -> int | None:
    """Hryvnias as integer kopecks, rounded half-even as the warehouse's NUMERIC rounds; None past 64 bits."""
    if value is None:
        return None
    cents = int((value * 100).to_integral_value())
    return cents if abs(cents) <= _INT64 else None


def fits(value: Decimal | None, field: str) -> bool:
    """Whether the warehouse can keep this amount (or percent) of a line."""
    return value is None or abs(value.quantize(_KOPECK)) < LIMITS[field]


def _value_issues(line_id: int, line: FormLine) -> list[tuple[int, str, str, str, str, str | None]]:
    """(line, field, kind, column, value, expected) for each amount that is out of range or finer than a kopeck."""
    issues: list[tuple[int, str, str, str, str, str | None]] = []
    for field in NUMBER_FIELDS:
        value: Decimal | None = getattr(line, field)
        if value is None:
            continue
        column = line.columns.get(field, field)
        if not fits(value, field):
            issues.append((line_id, field, "out_of_range", column, number(value), None))
        elif value.quantize(_KOPECK) != value:
            # shown with every digit the department wrote, then as kept
            written = max(-int(value.as_tuple().exponent), 2)
            issues.append((line_id, field, "rounded", column, number(value, written), number(value)))
    return issues


def _period(code: str | None) -> ReportingPeriod | None:
    try:
        return parse_period_code(code) if code else None
    except PeriodError:
        return None


def stage(path: Path, reports: Sequence[Report], resolutions: Sequence[Resolution], registry: Registry, *,
          period: str | None = None, program: str | None = None, history: Iterable[HistoryMeasure] = ()) -> None:
    """Write the staging database for one batch; report_key is the report's position in `reports`."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SCHEMA)
        _stage_registry(connection, registry)
        titles = {p.code: p.title for p in registry.programs}
        next_line = 1
        for key, (report, resolution) in enumerate(zip(reports, resolutions, strict=True)):
            _stage_report(connection, key, report, resolution, next_line, period, program, titles, registry)
            next_line += len(report.rows)
        connection.executemany(
            "INSERT INTO history_measure VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(h.department_code, h.program_code, h.period, p.year, p.quarter, p.end.isoformat(), h.measure,
              kopecks(h.annual), kopecks(h.financed)) for h in history if (p := _period(h.period))])
        connection.commit()
    finally:
        connection.close()


def _stage_registry(connection: sqlite3.Connection, registry: Registry) -> None:
    starts = {c.code: c.first_session for c in registry.convocations}
    rows = []
    for decision in registry.decisions:
        start = starts.get(decision.convocation)
        for kind, codes in (("approves", decision.approves), ("amends", decision.amends)):
            rows += [(code, decision.number, decision.date.isoformat(), kind, start.isoformat() if start else None)
                     for code in codes]
    connection.executemany("INSERT INTO registry_decision VALUES (?, ?, ?, ?, ?)", rows)


def _stage_report(connection: sqlite3.Connection, key: int, report: Report, resolution: Resolution,
                  first_line: int, period: str | None, program: str | None, titles: dict[str, str],
                  registry: Registry) -> None:
    parsed = _period(report.period)
    columns = report.rows[0].columns if report.rows else {}
    total = report.total
    location = total.location if total else None
    # The department is named in the rows: point at the first line that names it.
    executors = next((line for line in report.rows if line.executors), report.rows[0] if report.rows else None)
    title, decisions = report.title_location, report.decisions_location
    connection.execute(
        "INSERT INTO report VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (key, report.source, report.index, report.department, resolution.department,
         report.program, resolution.program, report.period,
         parsed.year if parsed else None, parsed.quarter if parsed else None,
         parsed.end.isoformat() if parsed else None, int(resolution.period is not None),
         period, program, titles.get(program or ""),
         kopecks(total.planned) if total else None, kopecks(total.annual) if total else None,
         kopecks(total.financed) if total else None, location.part if location else None,
         location.row if location else None,
         columns.get("planned"), columns.get("annual"), columns.get("financed"),
         title.part if title else None, title.row if title else None,
         decisions.part if decisions else None, decisions.row if decisions else None,
         executors.location.part if executors else None, executors.location.row if executors else None,
         columns.get("executors"), int(resolution.executes), titles.get(resolution.program or ""),
         decisions_line(registry, resolution.program, parsed.end if parsed else None)
         if resolution.program else None))
    connection.executemany(
        "INSERT INTO line (line_id, report_key, measure, sub_item, description, planned, annual, financed, percent, "
        "part, row, col_measure, col_description, col_planned, col_annual, col_financed, col_percent) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(line_id, key, line.measure, line.sub_item, line.task or line.content, kopecks(line.planned),
          kopecks(line.annual), kopecks(line.financed), kopecks(line.percent), line.location.part,
          line.location.row, line.columns.get("measure"), line.columns.get("content") or line.columns.get("task"),
          line.columns.get("planned"), line.columns.get("annual"), line.columns.get("financed"),
          line.columns.get("percent")) for line_id, line in enumerate(report.rows, start=first_line)])
    connection.executemany(
        "INSERT INTO line_value VALUES (?, ?, ?, ?, ?, ?)",
        [issue for line_id, line in enumerate(report.rows, start=first_line) for issue in _value_issues(line_id, line)])
    connection.executemany(
        "INSERT INTO cited_decision VALUES (?, ?, ?, ?)",
        [(key, position, decision.number, decision.date.isoformat())
         for position, decision in enumerate(report.decisions, start=1)])
    connection.executemany(
        "INSERT INTO cell_decision VALUES (?, ?, ?, ?, ?)",
        [(line_id, field, line.columns.get(field), decision.number, decision.date.isoformat())
         for line_id, line in enumerate(report.rows, start=first_line)
         for field, note in line.cell_notes.items() for decision in _cited(note) if decision.number])


def _cited(note: str) -> list[DecisionCitation]:
    """The decisions a cell's note cites; a note with a date that is no date («31.02.2022») cites none."""
    try:
        return parse_decisions(note)
    except DateError:
        return []
