"""Write a consolidated report in the requested formats into one folder, one file (or package) per format."""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
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
#: printed on a thread of this process (no process start to pay); every other PDF in a printing process that ends
#: when it has printed its group.
PRINT_HERE_LINES = 400
#: A printing process prints consecutive programs up to this many report lines (a larger program alone), so small
#: programs share the cost of starting one while its memory stays under that of one 3,000-line program.
PRINT_GROUP_LINES = 2000


#: Formats drawn by Typst, written where the PDF is printed: Word's chart pictures are Typst's drawing too, and
#: Typst's memory must leave with the printing process, never stay in the run's own.
TYPESET = ("pdf", "docx")


def write_reports(reports: Iterable[ConsolidatedReport], out_dir: Path, formats: Sequence[str] = FORMATS, *,
                  unit: Unit = THOUSANDS) -> list[dict[str, Path]]:
    """Write every report in each format, taking the reports as they come; the paths written per report, in order.

    The typeset formats (the PDF, and Word with its chart pictures) are written one report after another beside
    this thread, which writes the other formats meanwhile: Typst runs outside the GIL, so both cores work, and
    only one report is ever being typeset. Each but a lone small report is typeset in a process that ends with its
    group, so Typst's memory is given back as it goes. Each file is written atomically, as each writer does alone.
    """
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report formats: {', '.join(unknown)}")
    if "pdf" not in formats:
        return [{fmt: _write(report, out_dir, fmt, unit) for fmt in FORMATS if fmt in formats} for report in reports]
    typeset = [fmt for fmt in TYPESET if fmt in formats]
    others = [fmt for fmt in FORMATS if fmt in formats and fmt not in typeset]
    queue = iter(reports)
    first = next(queue, None)
    second = next(queue, None) if first is not None else None
    if first is not None and second is None and len(first.lines) < PRINT_HERE_LINES:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="zvit-pdf") as here:
            printed = here.submit(_typeset, [first], out_dir, unit, typeset)
            paths = {fmt: _write(first, out_dir, fmt, unit) for fmt in others}
            paths.update(printed.result()[0])
        return [{fmt: paths[fmt] for fmt in FORMATS if fmt in paths}]
    written: list[dict[str, Path]] = []
    groups: list[Future[list[dict[str, Path]]]] = []
    group: list[ConsolidatedReport] = []
    # spawned, not forked: a fork would copy this process's threads (Prefect's) half-way through
    printer = ProcessPoolExecutor(max_workers=1, max_tasks_per_child=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        for report in itertools.chain([r for r in (first, second) if r is not None], queue):
            if group and sum(len(r.lines) for r in group) + len(report.lines) > PRINT_GROUP_LINES:
                groups.append(printer.submit(_typeset, group, out_dir, unit, typeset))
                group = []
            group.append(report)
            if all(future.done() for future in groups):  # the printer is idle: it takes what there is now
                groups.append(printer.submit(_typeset, group, out_dir, unit, typeset))
                group = []
            written.append({fmt: _write(report, out_dir, fmt, unit) for fmt in others})
        if group:
            groups.append(printer.submit(_typeset, group, out_dir, unit, typeset))
        done = [paths for future in groups for paths in future.result()]
        for paths, more in zip(written, done, strict=True):
            paths.update(more)
    finally:
        # on a failure here the groups not yet begun are dropped; the report being typeset finishes (it cannot be
        # interrupted) and is written whole, or not at all
        printer.shutdown(wait=True, cancel_futures=True)
    return [{fmt: paths[fmt] for fmt in FORMATS if fmt in paths} for paths in written]


def _typeset(reports: list[ConsolidatedReport], out_dir: Path, unit: Unit,
             formats: Sequence[str]) -> list[dict[str, Path]]:
    """Write a group of reports' typeset formats (in a printing process, or on a thread for a lone small one)."""
    return [{fmt: _write(report, out_dir, fmt, unit) for fmt in formats} for report in reports]


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
