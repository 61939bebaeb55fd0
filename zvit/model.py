"""The normalized form of one department's report, whatever file format it came in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from zvit.quality.findings import PARAGRAPH, Finding, location_text

__all__ = ["MONEY_FIELDS", "NUMBER_FIELDS", "PARAGRAPH", "DecisionCitation", "Finding", "FormLine", "Report",
           "Signer", "SourceFormat", "SourceLocation", "Total"]

#: doc, rtf and odt are read as Word after LibreOffice converts them; pdf by its text layer
SourceFormat = Literal["docx", "xlsx", "csv", "txt", "doc", "rtf", "odt", "pdf"]

#: The amount and percent fields of a report line, in the order of the official form.
MONEY_FIELDS: tuple[str, ...] = ("planned", "annual", "financed")
NUMBER_FIELDS: tuple[str, ...] = (*MONEY_FIELDS, "percent")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceLocation(_Frozen):
    """Where a value was read: the table (or sheet) and the row as a person would count them."""

    part: str = Field(description="table number in a Word file, sheet name in Excel, '' for CSV/text")
    row: int = Field(description="1-based row: table row, sheet row, file line, or paragraph")

    def __str__(self) -> str:
        return location_text(self.part, self.row)


class DecisionCitation(_Frozen):
    """A council decision cited by a report: number may be missing when only the date is given."""

    number: str | None
    date: date


class Signer(_Frozen):
    """Who signed the report."""

    position: str | None = None
    name: str | None = None


class FormLine(_Frozen):
    """One measure or sub-item of the report table, amounts in hryvnias."""

    measure: str | None
    sub_item: int = Field(0, description="0 for the numbered row, 1.. for unnumbered sub-items under it")
    task: str | None = None
    content: str | None = None
    term: str | None = None
    executors: str | None = None
    planned: Decimal | None = None
    annual: Decimal | None = None
    financed: Decimal | None = None
    percent: Decimal | None = None
    info: str | None = None
    notes: tuple[str, ...] = ()
    #: number field -> the words written after its number in the cell (a note such as a cited decision)
    cell_notes: dict[str, str] = Field(default_factory=dict)
    location: SourceLocation
    #: column field -> where that column sits in the source ("H" in Excel, "8" elsewhere)
    columns: dict[str, str] = Field(default_factory=dict)


class Total(_Frozen):
    """The report's «Всього» row, amounts in hryvnias."""

    planned: Decimal | None = None
    annual: Decimal | None = None
    financed: Decimal | None = None
    percent: Decimal | None = None
    location: SourceLocation | None = None


class Report(_Frozen):
    """One department's quarterly report on one program, normalized."""

    source: str
    format: SourceFormat
    index: int = Field(1, description="1-based position of this report inside its file")
    program: str | None
    period: str | None = Field(description="'2022-Q3': cumulative since 1 January")
    department: str | None = Field(description="the executor named in the rows")
    decisions: tuple[DecisionCitation, ...] = ()
    #: where the header named the program and cited the decisions
    title_location: SourceLocation | None = None
    decisions_location: SourceLocation | None = None
    responsible_executors: tuple[str, ...] = ()
    term: str | None = None
    signer: Signer | None = None
    units: dict[str, str] = Field(default_factory=dict, description="money field -> unit the column was read in")
    rows: tuple[FormLine, ...] = ()
    total: Total | None = None
    warnings: tuple[Finding, ...] = ()
