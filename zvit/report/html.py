"""The report as one self-contained HTML page (inline CSS, no scripts or images), the source of the PDF too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zvit.formatting import THOUSANDS, Unit
from zvit.report import present
from zvit.report.atomic import write_atomic
from zvit.report.charts import BarChart, bar_chart, department_items, measure_items
from zvit.report.model import ConsolidatedReport
from zvit.report.texts import column_heading, mark_text, texts, title, unit_label
from zvit.templating import render

TEMPLATE = "report/consolidated.html"
#: the official form's ten columns, by the keys of `texts.yaml` columns
FORM_COLUMNS = ("number", "task", "content", "term", "executors", "planned", "annual", "financed", "percent", "info")


def charts(report: ConsolidatedReport, unit: Unit) -> list[BarChart]:
    """The report's charts: by department, then by measure (none without counted reports)."""
    words = texts()["charts"]
    label = unit_label(unit.code)
    made = [bar_chart("chart-departments", words["by_department"].format(unit=label), department_items(report), unit),
            bar_chart("chart-measures", words["by_measure"].format(unit=label), measure_items(report), unit)]
    return [chart for chart in made if chart is not None]


def context(report: ConsolidatedReport, unit: Unit, *, for_print: bool = False) -> dict[str, Any]:
    """What the HTML template needs besides the report itself."""
    return {
        "report": report, "unit": unit, "for_print": for_print, "t": texts(),
        "title": title(report.program.title, report.period),
        "columns": {field: column_heading(field, unit.code) for field in FORM_COLUMNS},
        "charts": charts(report, unit), "passport": present.passport(report), "coverage": present.coverage(report),
        "section_heading": present.section_heading, "status_fields": present.status_fields,
        "finding_fields": present.finding_fields, "refused_fields": present.refused_fields,
        "claimed_label": present.claimed_label, "mark_text": mark_text, "outgoing": present.outgoing(report),
        "sign": present.signature(report), "annex_line": present.annex_line(report),
        "annex_heading": present.annex_heading(report),
    }


def render_html(report: ConsolidatedReport, *, unit: Unit = THOUSANDS, for_print: bool = False) -> str:
    """The report as an HTML document; `for_print` leaves out what only scripts read (the PDF's source)."""
    return render(TEMPLATE, **context(report, unit, for_print=for_print))


def write_html(report: ConsolidatedReport, path: Path, *, unit: Unit = THOUSANDS) -> Path:
    """Write the HTML page atomically."""
    return write_atomic(path, render_html(report, unit=unit))
