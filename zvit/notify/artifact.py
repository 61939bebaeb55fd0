"""A rejected submission's findings as markdown, for the Prefect UI's artifact and the run log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zvit.quality.findings import SEVERITY_ORDER
from zvit.templating import render

if TYPE_CHECKING:
    from zvit.pipeline import Checked


def rejection_markdown(item: Checked, *, period: str, department: str) -> str:
    """The findings table of one rejected submission, criticals first, each with where it stands."""
    findings = sorted(item.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
    rows = [{"rule_code": f.rule_code, "severity": f.severity, "measure": f.measure, "column": f.column,
             "value": f.value, "expected": f.expected, "message": f.message,
             "where": f.where}
            for f in findings]
    report = item.submitted.report
    return render("artifacts/rejection.md.j2", period=period, department=department, source=report.source,
                  index=report.index, findings=rows)
