"""The consolidated report as plain data: what every output format renders, amounts in hryvnias."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from zvit.normalize.periods import ReportingPeriod
from zvit.quality.findings import Finding
from zvit.registry import Person


@dataclass(frozen=True)
class Amounts:
    """Planned, annual and financed amounts in hryvnias and the computed ratio financed / annual, in percent."""

    planned: Decimal | None = None
    annual: Decimal | None = None
    financed: Decimal | None = None
    #: financed / annual * 100 rounded to 2 places as the warehouse views compute it; None when annual is 0
    ratio: Decimal | None = None


@dataclass(frozen=True)
class Mark:
    """A reference from a line of the form to a finding of the annex about it: the finding's number there, and
    whether it is about the percent of column 9 (the mark then stands by the percent, else by the content)."""

    number: int
    percent: bool = False


@dataclass(frozen=True)
class Line:
    """One counted line of a department's report (a measure or a sub-item under it)."""

    line_no: int
    measure: str | None
    sub_item: int
    task: str | None
    content: str | None
    term: str | None
    executors: str | None
    amounts: Amounts
    reported_percent: Decimal | None
    info: str | None
    #: where the line is in the department's file: the table (Word), sheet (Excel) and row
    source_part: str | None = None
    source_row: int | None = None
    #: the annex's findings about this line
    marks: tuple[Mark, ...] = ()

    @property
    def percent_marks(self) -> tuple[int, ...]:
        """Numbers of the annex findings about the line's percent (column 9)."""
        return tuple(mark.number for mark in self.marks if mark.percent)

    @property
    def other_marks(self) -> tuple[int, ...]:
        """Numbers of the annex findings about the rest of the line."""
        return tuple(mark.number for mark in self.marks if not mark.percent)


@dataclass(frozen=True)
class MeasureBlock:
    """A measure with its sub-items, as one block of the official form."""

    number: str | None
    task: str | None
    lines: tuple[Line, ...]
    #: sums over the measure's lines (the measure's row plus its sub-items), for the charts
    amounts: Amounts


@dataclass(frozen=True)
class Section:
    """One department's block of the form: its measures and subtotal, or why it is not counted."""

    number: int
    department_code: str
    department_name: str
    status: str
    measures: tuple[MeasureBlock, ...] = ()
    totals: Amounts | None = None
    #: the department's own «Всього» row, as reported
    reported_total: Amounts | None = None
    reported_percent: Decimal | None = None
    #: the file the section's lines come from
    source_file: str | None = None
    #: a department's report that is not counted (rejected): the amounts it claims, from its own «Всього» row (the
    #: sums of its lines when it has none); `ratio` is then its own percent
    claimed: Amounts | None = None

    @property
    def counted(self) -> bool:
        """Whether the department's lines are in the figures."""
        return self.totals is not None

    @property
    def lines(self) -> tuple[Line, ...]:
        """Every line of the section in report order."""
        return tuple(line for measure in self.measures for line in measure.lines)


@dataclass(frozen=True)
class DepartmentStatus:
    """What a department sent for the period, and what became of it."""

    department_code: str | None
    department_name: str
    registered: bool
    responsible: bool
    deadline: date
    status: str
    submission_id: int | None = None
    source_file: str | None = None
    version: int | None = None
    #: in the city's time zone
    received_at: datetime | None = None
    is_late: bool | None = None
    line_count: int = 0
    #: the messages of the critical findings that rejected the report; for 'unreadable', why its file was refused
    reasons: tuple[str, ...] = ()
    #: for 'unreadable' (nothing stored): the newest file from the department that could not be read
    refused_file: str | None = None
    #: who signed the department's report, as the report names them: «Начальник управління Наталія БОНДАР»
    signed_by: str | None = None


@dataclass(frozen=True)
class RefusedFile:
    """A file taken in for the period that was not read as a report and that no department could be told from."""

    name: str
    #: the warehouse's fate: 'unreadable' or 'unsupported' (zvit.warehouse.receipts.Fate)
    fate: str
    reason: str | None
    #: in the city's time zone
    received_at: datetime


class AnnexFinding(Finding):
    """A finding about a current submission as the data-quality annex places it: its department, submission and
    the measure and sub-item of its row."""

    department_code: str | None
    department_name: str
    submission_id: int
    source_format: str
    #: intake (a repair made while reading) or gate (a rule)
    origin: str
    sub_item: int = 0


@dataclass(frozen=True)
class ProgramDecision:
    """A council decision that approved or amended the program."""

    number: str
    date: date
    action: str
    summary: str | None = None


@dataclass(frozen=True)
class ProgramInfo:
    """The program as registered."""

    code: str
    title: str
    full_title: str | None
    first_year: int
    last_year: int


@dataclass(frozen=True)
class Outgoing:
    """The document's outgoing registration number and date, given when the clerk registers it (blank lines
    until then)."""

    number: str | None = None
    date: date | None = None


@dataclass(frozen=True)
class Signatures:
    """Who issues, signs and approves the consolidated report (from the registry), and its outgoing number."""

    #: the body the document comes from, its author: «Житомирська міська рада»
    issuer: str | None = None
    signer: Person | None = None
    #: «ПОГОДЖЕНО»
    approver: Person | None = None
    outgoing: Outgoing = field(default_factory=Outgoing)


@dataclass(frozen=True)
class ConsolidatedReport:
    """Everything one consolidated report shows for one program and period."""

    program: ProgramInfo
    period: ReportingPeriod
    deadline: date
    prepared_at: datetime
    decisions: tuple[ProgramDecision, ...]
    responsible_executors: tuple[str, ...]
    sections: tuple[Section, ...]
    total: Amounts
    statuses: tuple[DepartmentStatus, ...]
    findings: tuple[AnnexFinding, ...] = field(default=())
    #: the period's refused files that could not be attributed to any department, oldest first
    refused: tuple[RefusedFile, ...] = field(default=())
    signatures: Signatures = field(default_factory=Signatures)

    @property
    def lines(self) -> tuple[Line, ...]:
        """Every counted line, department by department."""
        return tuple(line for section in self.sections for line in section.lines)

    @property
    def counted_sections(self) -> tuple[Section, ...]:
        """The departments whose figures are in the totals."""
        return tuple(section for section in self.sections if section.counted)

    @property
    def uncounted_claims(self) -> tuple[Section, ...]:
        """The departments whose stored reports are not counted, with the amounts they claim."""
        return tuple(section for section in self.sections if section.claimed is not None)

    @property
    def approval(self) -> ProgramDecision | None:
        """The decision that approved the program."""
        return next((d for d in self.decisions if d.action == "approves"), None)

    @property
    def amendments(self) -> tuple[ProgramDecision, ...]:
        """The decisions that amended the program up to the end of the period, oldest first."""
        return tuple(d for d in self.decisions if d.action == "amends")
