"""The report as PDF: the Typst template `report/consolidated.typ` fed one JSON document (A4 landscape, fonts
embedded: the compiler's own Libertinus Serif, so every machine prints the same)."""

from __future__ import annotations

import logging
from pathlib import Path

from zvit.formatting import THOUSANDS, Unit
from zvit.report.atomic import write_atomic
from zvit.report.model import ConsolidatedReport
from zvit.report.pdf_data import document_json
from zvit.resources import resource_dir

TEMPLATE = resource_dir("templates") / "report" / "consolidated.typ"
log = logging.getLogger(__name__)


def render_pdf(report: ConsolidatedReport, *, unit: Unit = THOUSANDS) -> bytes:
    """The report's PDF bytes, dated by when the report was prepared (the same report gives the same bytes)."""
    import typst  # imported when a PDF is asked for

    # the template's folder is the compiler's root: it reads its own partials and nothing else; no system fonts
    # (the fonts inside the compiler have Cyrillic), so the layout does not depend on the machine. Untagged:
    # accessibility tags make a 3,000-line report's file five times larger (13 MB against 2.6 MB) and its
    # rendering heavier; the HTML page is the accessible form of the report.
    pdf, warnings = typst.compile_with_warnings(
        TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True, sys_inputs={"data": document_json(report, unit)},
        timestamp=int(report.prepared_at.timestamp()), pdf_tags=False)
    for warning in warnings:
        log.warning("PDF template: %s", warning.message)
    return pdf


def write_pdf(report: ConsolidatedReport, path: Path, *, unit: Unit = THOUSANDS) -> Path:
    """Write the PDF atomically."""
    return write_atomic(path, render_pdf(report, unit=unit))
