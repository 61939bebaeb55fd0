"""A normalized report as plain JSON-ready data: amounts in hryvnias with at most two decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zvit.model import NUMBER_FIELDS, FormLine, Report

_LINE_TEXT = ("task", "content", "term", "executors")


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    # JSON numbers: the shortest repr of a 2-decimal Decimal's float is exactly its text, e.g. 35933.84.
    return int(value) if value == value.to_integral_value() else float(value)


def line_data(line: FormLine) -> dict[str, Any]:
    """One report line as JSON-ready data."""
    data: dict[str, Any] = {"measure": line.measure, "sub_item": line.sub_item}
    data.update({name: getattr(line, name) for name in _LINE_TEXT})
    data.update({name: _number(getattr(line, name)) for name in NUMBER_FIELDS})
    data["info"] = line.info
    data["notes"] = list(line.notes)
    data["source_row"] = str(line.location)
    return data


def report_data(report: Report) -> dict[str, Any]:
    """One report as JSON-ready data, in the shape `zvit parse --json` prints."""
    total = report.total
    return {
        "source": report.source,
        "format": report.format,
        "report": report.index,
        "program": report.program,
        "period": report.period,
        "department": report.department,
        "decisions": [{"number": d.number, "date": d.date.isoformat()} for d in report.decisions],
        "responsible_executors": list(report.responsible_executors),
        "term": report.term,
        "signer": report.signer.model_dump() if report.signer else None,
        "units": report.units,
        "rows": [line_data(line) for line in report.rows],
        "total": {name: _number(getattr(total, name)) for name in NUMBER_FIELDS} if total else None,
        "warnings": [f"{w.rule_code}: {w.message}" for w in report.warnings],
    }
