"""Write a consolidated report in the requested formats into one folder, one file (or package) per format."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from zvit.formatting import THOUSANDS, Unit
from zvit.heap import collecting_only_new, release_freed_memory
from zvit.report import FORMATS
from zvit.report.model import ConsolidatedReport

if TYPE_CHECKING:
    from zvit.report.chart_images import ChartPictures


def output_path(out_dir: Path, report: ConsolidatedReport, fmt: str) -> Path:
    """Where a format goes: `<out>/<program>.<ext>`, the data package in `<out>/<program>-data/`."""
    if fmt == "datapackage":
        return out_dir / f"{report.program.code}-data" / "datapackage.json"
    return out_dir / f"{report.program.code}.{fmt}"


def write_report(report: ConsolidatedReport, out_dir: Path, formats: Sequence[str] = FORMATS, *,
                 unit: Unit = THOUSANDS) -> dict[str, Path]:
    """Write each format (html, docx, xlsx, pdf, datapackage); returns the path written per format."""
    return write_reports([report], out_dir, formats, unit=unit)[0]


def write_reports(reports: Iterable[ConsolidatedReport], out_dir: Path, formats: Sequence[str] = FORMATS, *,
                  unit: Unit = THOUSANDS) -> list[dict[str, Path]]:
    """Write every report in each format, taking the reports as they come; the paths written per report, in order.

    The PDFs are printed one report after another on a thread beside this one: each PDF is typeset by Typst
    processes of its own, so the cores work while this thread writes the other formats. A report's PDF is queued
    before the previous report's other formats are written, so the printer does not wait for them. Its Typst
    processes yield to Word's chart pictures (zvit.report.typeset), which another thread has drawn while this one
    writes the other formats: Word is written last. Each file is written atomically, as each writer does alone.
    After each report, the memory its writers freed goes back to the system; meanwhile the cycle collector looks
    only at what the writing makes (zvit.heap `collecting_only_new`).
    """
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report formats: {', '.join(unknown)}")
    others = [fmt for fmt in FORMATS if fmt in formats and fmt != "pdf"]
    written: list[dict[str, Path]] = []
    printed: list[Future[Path]] = []
    # the reports whose other formats are still to be written: the last one taken waits while the one before it
    # is written (a 3,000-line report is some 6 MB)
    waiting: deque[ConsolidatedReport] = deque()
    printer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zvit-pdf")
    drawer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zvit-pictures")

    def write_others(report: ConsolidatedReport) -> None:
        # Word's chart pictures are typeset by a Typst process while this thread writes the other formats
        pictures = drawer.submit(_chart_pictures, report, unit) if "docx" in others else None
        paths = {fmt: _write(report, out_dir, fmt, unit) for fmt in others if fmt != "docx"}
        if pictures is not None:
            paths["docx"] = _write_word(report, out_dir, unit, pictures.result())
        written.append(paths)
        release_freed_memory()

    release_freed_memory()  # what the run let go before (its batch) is freed, not set aside with what lives
    with collecting_only_new():
        try:
            for report in reports:
                if "pdf" in formats:
                    printed.append(printer.submit(_print_beside, report, out_dir, unit))
                waiting.append(report)
                if len(waiting) > 1:
                    write_others(waiting.popleft())
                if len(printed) >= 2:  # the next report is not taken before the one before this is printed: memory
                    printed[-2].result()
            while waiting:
                write_others(waiting.popleft())
            if printed:
                for paths, pdf in zip(written, printed, strict=True):
                    paths["pdf"] = pdf.result()
        finally:
            # on a failure here the PDFs not yet begun are dropped; the one being printed is written whole or not at all
            printer.shutdown(wait=True, cancel_futures=True)
            drawer.shutdown(wait=True, cancel_futures=True)
    return [{fmt: paths[fmt] for fmt in FORMATS if fmt in paths} for paths in written]


def _print_beside(report: ConsolidatedReport, out_dir: Path, unit: Unit) -> Path:
    from zvit.report.pdf import write_pdf

    return write_pdf(report, output_path(out_dir, report, "pdf"), unit=unit, beside=True)


def _chart_pictures(report: ConsolidatedReport, unit: Unit) -> list[ChartPictures]:
    from zvit.report.chart_images import chart_pictures

    return chart_pictures(report, unit)


def _write_word(report: ConsolidatedReport, out_dir: Path, unit: Unit, pictures: list[ChartPictures]) -> Path:
    from zvit.report.docx import write_docx

    return write_docx(report, output_path(out_dir, report, "docx"), unit=unit, pictures=pictures)


def _write(report: ConsolidatedReport, out_dir: Path, fmt: str, unit: Unit) -> Path:
    # imported per format: each writer imports its own library (openpyxl) only when asked for; the PDF is printed
    # beside, by _print_beside, and Word written with its pictures drawn beside, by _write_word
    target = output_path(out_dir, report, fmt)
    if fmt == "html":
        from zvit.report.html import write_html as writer
    elif fmt == "xlsx":
        from zvit.report.xlsx import write_xlsx as writer
    else:
        from zvit.report.datapackage import write_datapackage as writer
    return writer(report, target, unit=unit)
