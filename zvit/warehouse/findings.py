"""Check findings as the warehouse stores them, and how they decide a submission's status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["critical", "warning"]

#: Findings the warehouse itself makes while loading.
UNKNOWN_DEPARTMENT = "warehouse.unknown_department"
UNKNOWN_PROGRAM = "warehouse.unknown_program"
UNKNOWN_PERIOD = "warehouse.unknown_period"
NOT_AN_EXECUTOR = "warehouse.not_an_executor"
VALUE_OUT_OF_RANGE = "warehouse.value_out_of_range"
VALUE_ROUNDED = "warehouse.value_rounded"


@dataclass(frozen=True)
class CheckFinding:
    """One finding about a report: a critical one rejects it, a warning is kept beside it."""

    rule_code: str
    severity: Severity
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    #: table number or sheet name the row is counted in; None when the row is a file line
    part: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in ("critical", "warning"):
            raise ValueError(f"severity must be 'critical' or 'warning', not {self.severity!r}")


def status_for(severities: Iterable[str]) -> str:
    """rejected if anything is critical, accepted_with_warnings if anything is a warning, else accepted."""
    found = set(severities)
    if "critical" in found:
        return "rejected"
    return "accepted_with_warnings" if "warning" in found else "accepted"
