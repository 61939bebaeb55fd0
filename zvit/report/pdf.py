"""The report as PDF: the HTML page printed by WeasyPrint (A4 landscape, embedded fonts with Cyrillic)."""

from __future__ import annotations

from pathlib import Path

from zvit.report.atomic import write_atomic
from zvit.report.formatting import THOUSANDS, Unit
from zvit.report.html import render_html
from zvit.report.model import ConsolidatedReport


def render_pdf(report: ConsolidatedReport, *, unit: Unit = THOUSANDS) -> bytes:
    """The report's PDF bytes."""
    from weasyprint import HTML, URLFetcher  # a second to import: only when a PDF is asked for

    # the page is self-contained: refuse every fetch but data: URLs, so no value can make the printer go online
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=render_html(report, unit=unit, for_print=True), base_url=None, url_fetcher=fetcher).write_pdf()


def write_pdf(report: ConsolidatedReport, path: Path, *, unit: Unit = THOUSANDS) -> Path:
    """Write the PDF atomically."""
    return write_atomic(path, render_pdf(report, unit=unit))
