"""The report as a Word document officials edit and sign: docxtpl fills `templates/report/consolidated.docx`."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from zvit.formatting import THOUSANDS, Unit, amount, ratio, uk_datetime
from zvit.report import present
from zvit.report.atomic import write_atomic
from zvit.report.model import Amounts, ConsolidatedReport, Section
from zvit.report.texts import column_heading, texts, title

_COLUMNS = ("number", "task", "content", "term", "executors", "planned", "annual", "financed", "percent",
            "reported_percent", "computed_percent", "info")
#: status and finding cells that hold text from submissions (may span lines)
_MULTILINE = {"department", "file", "reasons", "cell", "value", "expected", "message", "reason"}


def _listing(text: str | None) -> Any:
    """Text whose line breaks Word keeps; docxtpl escapes it for XML."""
    from docxtpl import Listing

    return Listing(text or "")


def _amounts(amounts: Amounts, unit: Unit, reported_percent: Decimal | None = None) -> dict[str, str]:
    return {"planned": amount(amounts.planned, unit), "annual": amount(amounts.annual, unit),
            "financed": amount(amounts.financed, unit), "reported_percent": ratio(reported_percent),
            "computed_percent": ratio(amounts.ratio)}


def _section(section: Section, unit: Unit) -> dict[str, Any]:
    return {
        "heading": _listing(present.section_heading(section)),
        "measures": [{
            "number": _listing(measure.number), "task": _listing(measure.task),
            "lines": [{"content": _listing(line.content), "term": _listing(line.term),
                       "executors": _listing(line.executors), "info": _listing(line.info),
                       **_amounts(line.amounts, unit, line.reported_percent)} for line in measure.lines],
        } for measure in section.measures],
        "subtotal": _amounts(section.totals, unit, section.reported_percent) if section.totals else None,
    }


def _rows(items: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{"number": str(number), **{key: _listing(value) if key in _MULTILINE else value
                                       for key, value in item.items()}}
            for number, item in enumerate(items, start=1)]


def docx_context(report: ConsolidatedReport, unit: Unit) -> dict[str, Any]:
    """Everything the Word template shows, as display text with the numbers formatted for `unit`."""
    words = texts()
    return {
        "t": words, "title": title(report.program.title, report.period), "full_title": report.program.full_title or "",
        "passport": [{"label": label, "value": value} for label, value in present.passport(report)],
        "coverage": present.coverage(report),
        "columns": {name: column_heading(name, unit.code) for name in _COLUMNS},
        "sections": [_section(section, unit) for section in report.sections],
        "total": _amounts(report.total, unit),
        "unit_note": f"{words['notes'][unit.code]} {words['notes']['ratio']}",
        "status_columns": {"number": words["columns"]["number"], **words["status"]["columns"]},
        "statuses": _rows([present.status_fields(status) for status in report.statuses]),
        "refused_columns": {"number": words["columns"]["number"], **words["refused"]["columns"]},
        "refused": _rows([present.refused_fields(refused) for refused in report.refused]),
        "quality_columns": {"number": words["columns"]["number"], **words["quality"]["columns"]},
        "findings": _rows([present.finding_fields(finding) for finding in report.findings]),
        "prepared": words["notes"]["prepared"].format(date=uk_datetime(report.prepared_at)),
    }


def render_docx(report: ConsolidatedReport, *, unit: Unit = THOUSANDS, template: Path | None = None) -> bytes:
    """The report's .docx bytes, rendered from the Word template with autoescaping on."""
    from docxtpl import DocxTemplate

    from zvit.report.docx_template import TEMPLATE_PATH

    document = DocxTemplate(template or TEMPLATE_PATH)
    # docxtpl's own Jinja environment, autoescaped: the shared one must keep its settings for HTML and text
    document.render(docx_context(report, unit), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(report: ConsolidatedReport, path: Path, *, unit: Unit = THOUSANDS) -> Path:
    """Write the Word document atomically."""
    return write_atomic(path, render_docx(report, unit=unit))
