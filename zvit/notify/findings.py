"""A stored finding as an email lists it: code, measure, where (table/sheet and row), column, value, expected."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models.submissions import CheckResult
from zvit.model import SourceLocation
from zvit.quality.findings import Severity


@dataclass(frozen=True)
class FindingView:
    """One finding ready for a template; empty strings where the finding has nothing to say."""

    code: str
    severity: str
    message: str
    measure: str = ""
    where: str = ""
    column: str = ""
    value: str = ""
    expected: str = ""


def view(result: CheckResult) -> FindingView:
    """A check result for the email."""
    where = str(SourceLocation(part=result.source_part or "", row=result.row)) if result.row is not None else ""
    return FindingView(code=result.rule_code, severity=result.severity, message=result.message,
                       measure=result.measure or "", where=where, column=result.column or "",
                       value=result.value or "", expected=result.expected or "")


def by_severity(results: Iterable[CheckResult]) -> dict[str, list[FindingView]]:
    """'critical', 'warning' and 'notice' findings, each in the order they were stored."""
    grouped: dict[str, list[FindingView]] = {Severity.CRITICAL: [], Severity.WARNING: [], Severity.NOTICE: []}
    for result in results:
        grouped.setdefault(result.severity, []).append(view(result))
    return grouped
