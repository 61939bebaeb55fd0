"""The verdict page's data: the report as zvit read it, each cell a finding names marked, as plain values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from zvit.formatting import number
from zvit.model import FormLine, Report, SourceLocation
from zvit.normalize.decisions import cite
from zvit.quality.findings import SEVERITY_ORDER, Finding, location_text

#: The official form's columns as the page shows them: the line's field and its heading.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("measure", "№"), ("task", "Завдання"), ("content", "Зміст заходу"), ("term", "Строк"),
    ("executors", "Виконавці"), ("planned", "Обсяг за програмою, грн"), ("annual", "Річний обсяг, грн"),
    ("financed", "Профінансовано, грн"), ("percent", "Виконання, %"), ("info", "Інформація про виконання"),
)
_NUMBERS = {"planned", "annual", "financed", "percent"}


@dataclass
class Cell:
    """One cell as shown: its text, and the findings that point to it (the worst first)."""

    text: str
    numeric: bool = False
    findings: list[Finding] = field(default_factory=list)

    @property
    def severity(self) -> str | None:
        """The worst severity pointing here, for the cell's colour; None when nothing does."""
        return self.findings[0].severity.value if self.findings else None


@dataclass
class Row:
    """One row of the form: where it is in the file and its cells."""

    where: str
    cells: list[Cell]
    total: bool = False
    #: findings that name the row but no column
    findings: list[Finding] = field(default_factory=list)


@dataclass
class HeaderField:
    """A line of the report's header as read (program, period, department, decisions)."""

    label: str
    items: list[Cell]
    where: str = ""


@dataclass
class ReadTable:
    """The whole report as zvit read it."""

    header: list[HeaderField]
    columns: list[str]
    rows: list[Row]


def _sorted(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))


def _at(findings: Sequence[Finding], location: SourceLocation | None) -> list[Finding]:
    if location is None:
        return []
    return [f for f in findings if f.row == location.row and (f.part or "") == (location.part or "")]


def _where(location: SourceLocation | None) -> str:
    return location_text(location.part or None, location.row) if location is not None else ""


def _line_text(line: FormLine, name: str) -> str:
    if name == "measure":
        return (line.measure or "") + (f".{line.sub_item}" if line.sub_item else "")
    value = getattr(line, name)
    if isinstance(value, Decimal):
        return number(value, 2)
    return "" if value is None else str(value)


def read_table(report: Report, findings: Sequence[Finding], *, program_title: str | None = None,
               period_label: str | None = None) -> ReadTable:
    """The report's header and lines as read, with every finding placed on the cell it names (or its row)."""
    findings = [f for f in findings if f.row is not None]
    on_decisions = _at(findings, report.decisions_location)
    cited = [cite(d.number, d.date) for d in report.decisions]
    decisions = [Cell(text, findings=_sorted([f for f in on_decisions if f.value == text])) for text in cited]
    header = [
        HeaderField("Програма", [Cell(program_title or report.program or "—",
                                      findings=_sorted(_at(findings, report.title_location)))],
                    _where(report.title_location)),
        HeaderField("Період", [Cell(period_label or report.period or "—")]),
        HeaderField("Виконавець", [Cell(report.department or "—")]),
        HeaderField("Рішення міської ради", decisions or [Cell("—", findings=_sorted(on_decisions))],
                    _where(report.decisions_location)),
    ]
    rows = []
    for line in report.rows:
        here = _at(findings, line.location)
        cells = []
        for name, _ in COLUMNS:
            source_column = line.columns.get(name)
            named = [f for f in here if f.column is not None and f.column == source_column]
            cells.append(Cell(_line_text(line, name), name in _NUMBERS, _sorted(named)))
        placed = {id(f) for cell in cells for f in cell.findings}
        rows.append(Row(_where(line.location), cells,
                        findings=_sorted([f for f in here if id(f) not in placed])))
    if report.total is not None:
        total = report.total
        here = _at(findings, total.location)
        cells = [Cell("Всього" if name == "task" else
                      number(getattr(total, name), 2) if name in _NUMBERS and getattr(total, name) is not None
                      else "", name in _NUMBERS) for name, _ in COLUMNS]
        rows.append(Row(_where(total.location), cells,
                        total=True, findings=_sorted(here)))
    return ReadTable(header, [label for _, label in COLUMNS], rows)
