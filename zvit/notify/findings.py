"""Findings grouped as a notice lists them: criticals, then warnings, then notices, each in the order stored."""

from __future__ import annotations

from collections.abc import Iterable

from zvit.quality.findings import Finding, Severity


def by_severity(findings: Iterable[Finding]) -> dict[Severity, list[Finding]]:
    """'critical', 'warning' and 'notice' findings, each in the order they were stored."""
    grouped: dict[Severity, list[Finding]] = {Severity.CRITICAL: [], Severity.WARNING: [], Severity.NOTICE: []}
    for finding in findings:
        grouped[finding.severity].append(finding)
    return grouped
