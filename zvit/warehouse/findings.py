"""Check findings as the warehouse stores them, and how they decide a submission's status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from zvit.catalogue import message, rules
from zvit.model import SourceLocation

Severity = Literal["critical", "warning", "notice"]

#: Findings the warehouse itself makes while loading (codes of the rule catalogue). The first three are the
#: gate's rules too: when the gate ran, its findings stand and the warehouse does not repeat them.
UNKNOWN_DEPARTMENT = "REPORT-DEPARTMENT-UNKNOWN"
UNKNOWN_PROGRAM = "REPORT-PROGRAM-UNKNOWN"
UNKNOWN_PERIOD = "REPORT-PERIOD-UNKNOWN"
NOT_AN_EXECUTOR = "REPORT-NOT-AN-EXECUTOR"
VALUE_OUT_OF_RANGE = "LINE-VALUE-OUT-OF-RANGE"
VALUE_ROUNDED = "LINE-VALUE-ROUNDED"


@dataclass(frozen=True)
class CheckFinding:
    """One finding about a report: a critical one rejects it, a warning is kept beside it."""

    rule_code: str
    severity: Severity
    message: str
    measure: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    #: table number or sheet name the row is counted in; None when the row is a file line
    part: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in ("critical", "warning", "notice"):
            raise ValueError(f"severity must be 'critical', 'warning' or 'notice', not {self.severity!r}")


def status_for(severities: Iterable[str]) -> str:
    """rejected if anything is critical, accepted_with_warnings if anything is a warning, else accepted.

    A notice (a repair intake made, such as a rescaled column) is shown but changes nothing.
    """
    found = set(severities)
    if "critical" in found:
        return "rejected"
    return "accepted_with_warnings" if "warning" in found else "accepted"


def catalogued(code: str, *, measure: str | None = None, row: int | None = None, column: str | None = None,
               value: str | None = None, expected: str | None = None, part: str | None = None,
               **params: Any) -> CheckFinding:
    """A finding of a catalogue rule, with the rule's severity and its Ukrainian message."""
    params.setdefault("detail", "")
    where = str(SourceLocation(part=part or "", row=row)) if row is not None else ""
    text = message(code, measure=measure, where=where, column=column, value=value, expected=expected, **params)
    return CheckFinding(rule_code=code, severity=rules()[code].severity, message=text, measure=measure, row=row,
                        column=column, value=value, expected=expected, part=part)  # type: ignore[arg-type]
