"""The one vocabulary of checking: a Finding, its Severity, and the Status a submission's findings give it.

Intake, the gate and the warehouse all speak it: intake notes its repairs as findings, the gate adds the rules'
failures, the warehouse stores them as they are. This module imports only the rule catalogue, so every layer
may use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from zvit.catalogue import message, rules


class Severity(StrEnum):
    """How much a finding weighs: critical rejects, a warning is shown, a notice records a repair intake made."""

    CRITICAL = "critical"
    WARNING = "warning"
    NOTICE = "notice"


class Status(StrEnum):
    """A submission's verdict, or a department's state in a period when it has no counted submission."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_WARNINGS = "accepted_with_warnings"
    REJECTED = "rejected"
    #: a newer version of the same department, program and period replaced it
    SUPERSEDED = "superseded"
    #: the department sent nothing for the period
    MISSING = "missing"
    #: the department's only files for the period could not be read
    UNREADABLE = "unreadable"


#: The verdicts a check can give (the rest are states of a department or of an older version).
VERDICTS: tuple[Status, ...] = (Status.ACCEPTED, Status.ACCEPTED_WITH_WARNINGS, Status.REJECTED)

#: Findings are listed criticals first.
SEVERITY_ORDER: dict[str, int] = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


class Finding(BaseModel):
    """One finding about a report: the rule, what it says, and the cell it points to (file row, column, value)."""

    model_config = ConfigDict(frozen=True)

    rule_code: str
    severity: Severity
    message: str
    measure: str | None = None
    #: the table number (Word), sheet name (Excel) or paragraph marker the row is counted in; None for a file line
    part: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None

    def data(self) -> dict[str, str | int | None]:
        """The finding as the commands' JSON gives it (`zvit validate --json`, `zvit run --json`)."""
        return {"code": self.rule_code, "severity": self.severity.value, "message": self.message,
                "measure": self.measure, "part": self.part, "row": self.row, "column": self.column,
                "value": self.value, "expected": self.expected}

    @property
    def where(self) -> str:
        """Where the cell is, as a message says it: «таблиця 1, рядок 3»; '' when the finding names no row."""
        return location_text(self.part, self.row)

    @property
    def is_intake(self) -> bool:
        """True for a repair or assumption made while reading the file, not a rule of the gate."""
        rule = rules().get(self.rule_code)
        return rule is not None and rule.home == "intake"


def status_for(severities: Iterable[str]) -> Status:
    """rejected if anything is critical, accepted_with_warnings if anything is a warning, else accepted.

    A notice (a repair intake made, such as a rescaled column) is shown but changes nothing.
    """
    found = set(severities)
    if Severity.CRITICAL in found:
        return Status.REJECTED
    return Status.ACCEPTED_WITH_WARNINGS if Severity.WARNING in found else Status.ACCEPTED


def catalogued(code: str, *, measure: str | None = None, row: int | None = None, column: str | None = None,
               value: str | None = None, expected: str | None = None, part: str | None = None,
               **params: Any) -> Finding:
    """A finding of a catalogue rule, with the rule's severity and its Ukrainian message filled in."""
    params.setdefault("detail", "")
    where = location_text(part, row)
    text = message(code, measure=measure, where=where, column=column, value=value, expected=expected, **params)
    return Finding(rule_code=code, severity=Severity(rules()[code].severity), message=text, measure=measure,
                   row=row, column=column, value=value, expected=expected, part=part or None)


#: The `part` of a Word paragraph outside the tables; its `row` counts paragraphs.
PARAGRAPH = "абзац"


def location_text(part: str | None, row: int | None) -> str:
    """Where a cell is, as a message says it: «таблиця 1, рядок 3», «рядок 3», «абзац 6»; '' when unknown."""
    if row is None:
        return ""
    if part == PARAGRAPH:
        return f"{PARAGRAPH} {row}"
    return f"{part}, рядок {row}" if part else f"рядок {row}"
