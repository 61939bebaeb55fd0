"""Write a consolidated report in the requested formats into one folder, one file (or package) per format."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from zvit.formatting import THOUSANDS, Unit
from zvit.report import FORMATS
from zvit.report.model import ConsolidatedReport


def output_path(out_dir: Path, report: ConsolidatedReport, fmt: str) -> Path:
    """Where a format goes: `<out>/<program>.<ext>`, the data package in `<out>/<program>-data/`."""
    if fmt == "datapackage":
        return out_dir / f"{report.program.code}-data" / "datapackage.json"
    return out_dir / f"{report.program.code}.{fmt}"


def write_report(report: ConsolidatedReport, out_dir: Path, formats: Sequence[str] = FORMATS, *,
                 unit: Unit = THOUSANDS) -> dict[str, Path]:
    """Write each format (html, docx, xlsx, pdf, datapackage); returns the path written per format."""
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report formats: {', '.join(unknown)}")
    # imported per format: each writer imports its own library (Typst, openpyxl, docxtpl) only when asked for
    written: dict[str, Path] = {}
    for fmt in (f for f in FORMATS if f in formats):
        target = output_path(out_dir, report, fmt)
        if fmt == "html":
            from zvit.report.html import write_html as writer
        elif fmt == "pdf":
            from zvit.report.pdf import write_pdf as writer
        elif fmt == "docx":
            from zvit.report.docx import write_docx as writer
        elif fmt == "xlsx":
            from zvit.report.xlsx import write_xlsx as writer
        else:
            from zvit.report.datapackage import write_datapackage as writer
        written[fmt] = writer(report, target, unit=unit)
    return written
