"""Write a consolidated report in the requested formats into one folder, one file (or package) per format."""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
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
    return write_reports([report], out_dir, formats, unit=unit)[0]


#: Typst keeps what it memoized while typesetting for as long as the process lives (some 250 KB per report line:
#: a 3,000-line program leaves 750 MB behind, a second one as much again). A lone report under this many lines is
#: printed on a thread of this process (no process start to pay); every other PDF in a fresh process of its own.
PRINT_HERE_LINES = 400


def write_reports(reports: Iterable[ConsolidatedReport], out_dir: Path, formats: Sequence[str] = FORMATS, *,
                  unit: Unit = THOUSANDS) -> list[dict[str, Path]]:
    """Write every report in each format, taking the reports as they come; the paths written per report, in order.

    The PDFs are printed one after another beside this thread, which writes the other formats meanwhile: Typst
    runs outside the GIL, so both cores work, and only one PDF is ever being typeset. Each PDF but a lone small
    one is printed in a fresh process that ends with it, so Typst's memory is given back after every program.
    Each file is written atomically, as each writer does alone.
    """
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report formats: {', '.join(unknown)}")
    others = [fmt for fmt in FORMATS if fmt in formats and fmt != "pdf"]
    if "pdf" not in formats:
        return [{fmt: _write(report, out_dir, fmt, unit) for fmt in others} for report in reports]
    written: list[dict[str, Path]] = []
    printed: list[Future[Path]] = []
    printer: Executor | None = None
    here = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zvit-pdf")
    queue = iter(reports)
    first = next(queue, None)
    second = next(queue, None) if first is not None else None
    lone = first is not None and second is None
    try:
        for report in itertools.chain([r for r in (first, second) if r is not None], queue):
            if lone and len(report.lines) < PRINT_HERE_LINES:
                printed.append(here.submit(_write, report, out_dir, "pdf", unit))
            else:
                # spawned, not forked: a fork would copy this process's threads (Prefect's) half-way through
                printer = printer or ProcessPoolExecutor(max_workers=1, max_tasks_per_child=1,
                                                         mp_context=multiprocessing.get_context("spawn"))
                printed.append(printer.submit(_write, report, out_dir, "pdf", unit))
            written.append({fmt: _write(report, out_dir, fmt, unit) for fmt in others})
        for paths, pdf in zip(written, printed, strict=True):
            paths["pdf"] = pdf.result()
    finally:
        # on a failure here the PDFs not yet begun are dropped; the one being typeset finishes (it cannot be
        # interrupted) and is written whole, or not at all
        here.shutdown(wait=True, cancel_futures=True)
        if printer is not None:
            printer.shutdown(wait=True, cancel_futures=True)
    return [{fmt: paths[fmt] for fmt in FORMATS if fmt in paths} for paths in written]


def _write(report: ConsolidatedReport, out_dir: Path, fmt: str, unit: Unit) -> Path:
    # imported per format: each writer imports its own library (Typst, openpyxl, docxtpl) only when asked for
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
    return writer(report, target, unit=unit)
