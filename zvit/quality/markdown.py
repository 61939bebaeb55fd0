"""A rejected submission's findings as markdown, for the Prefect UI's artifact and the run log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zvit.model import SourceLocation
from zvit.templating import render

if TYPE_CHECKING:
    from zvit.submissions import Checked


def rejection_markdown(item: Checked, *, period: str, department: str) -> str:
    """The findings table of one rejected submission, criticals first, each with where it stands."""
    order = {"critical": 0, "warning": 1, "notice": 2}
    findings = sorted(item.findings, key=lambda f: order.get(f.severity, 3))
    rows = [{"rule_code": f.rule_code, "severity": f.severity, "measure": f.measure, "column": f.column,
             "value": f.value, "expected": f.expected, "message": f.message,
             "where": str(SourceLocation(part=f.part or "", row=f.row)) if f.row is not None else ""}
            for f in findings]
    report = item.submitted.report
    return render("artifacts/rejection.md.j2", period=period, department=department, source=report.source,
                  index=report.index, findings=rows)
