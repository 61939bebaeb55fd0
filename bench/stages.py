"""Stage times without Prefect: zvit's own functions called in the flow's order, each stage timed, in one process.

`python -m bench.stages --inbox DIR --period P` with ZVIT_DATABASE_URL, ZVIT_REGISTRY_DIR, ZVIT_REPORTS_DIR and
ZVIT_OUTBOX_DIR set (a fresh warehouse). Prints one JSON line per finished stage as it goes (so a run stopped
by a timeout still tells what it measured), then one line with the totals.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGES = ("import", "collect", "parse", "validate", "load", "render", "notify")


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _stage(name: str, step: Callable[[], Any], **extra: Any) -> Any:
    began = time.perf_counter()
    result = step()
    _emit({"stage": name, "seconds": round(time.perf_counter() - began, 3), **extra})
    return result


def measure(inbox: Path, period: str) -> dict[str, Any]:
    """Run collect → parse → validate → load → render → notify on one inbox; seconds per stage and counts."""
    began = time.perf_counter()
    # The heavy imports the stages would otherwise pay on first use (Great Expectations, WeasyPrint).
    import great_expectations  # noqa: F401
    import weasyprint  # noqa: F401

    from zvit.registry import load_registry
    from zvit.settings import Settings
    from zvit.submissions import check, current_rejections, file_sha256, inbox_files, store
    from zvit.warehouse import make_engine, sync_registry

    _emit({"stage": "import", "seconds": round(time.perf_counter() - began, 3)})
    settings = Settings.from_env()
    files = _stage("collect", lambda: [path for path in inbox_files(inbox) if file_sha256(path)])
    submitted, unreadable = _stage("parse", lambda: _read(files), files=len(files))
    engine = make_engine()
    registry = load_registry()
    checked = _stage("validate", lambda: check(submitted, registry=registry, period=period, engine=engine),
                     reports=len(submitted))

    def load() -> tuple[list, list]:
        sync_registry(engine, registry)
        stored = store(engine, checked)
        return stored, current_rejections(engine, stored)

    stored, rejected = _stage("load", load)
    reports = _stage("render", lambda: _render(engine, period, settings.reports_dir / period))
    notify_error = None
    try:
        _stage("notify", lambda: _notify(engine, period, stored, rejected, reports, registry, settings))
    except Exception as error:  # noqa: BLE001 - notification is still being built; report it, do not fail
        notify_error = f"{type(error).__name__}: {error}"
    engine.dispose()
    statuses = Counter(item.result.status for item in stored if item.result is not None)
    return {"files": len(files), "reports": len(submitted), "unreadable": len(unreadable),
            "lines": sum(len(s.report.rows) for s in submitted), "statuses": dict(statuses),
            "rejected_current": len(rejected), "report_files": len(reports), "notify_error": notify_error}


def _read(files: list[Path]) -> tuple[list, list]:
    """What the flow's read-files tasks do together: every file on a process pool over the cores."""
    from zvit.reading import read_files, reading_pool

    with reading_pool(len(files)) as pool:
        return read_files(files, pool=pool)


def _render(engine: Any, period: str, out_dir: Path) -> dict[str, Path]:
    """What zvit.quarter.render_reports does, one program and format at a time, so the time per format shows."""
    from zvit.report import FORMATS
    from zvit.report.gather import gather_report, report_programs
    from zvit.report.write import write_report
    from zvit.settings import Settings

    written: dict[str, Path] = {}
    limit = Settings.from_env().pdf_max_lines
    programs = report_programs(engine, period)
    for program in programs:
        report = _stage("render:gather", lambda: gather_report(engine, program=program, period=period),
                        program=program)
        # as render_reports: no PDF for a program over ZVIT_PDF_MAX_LINES
        too_long = bool(limit) and len(report.lines) > limit
        for fmt in (f for f in FORMATS if not (f == "pdf" and too_long)):
            paths = _stage(f"render:{fmt}", lambda: write_report(report, out_dir, formats=(fmt,)),  # noqa: B023
                           program=program, lines=_line_count(report))
            written.update(paths if len(programs) == 1 else {f"{program}.{k}": p for k, p in paths.items()})
    return written


def _line_count(report: Any) -> int | None:
    try:
        return sum(len(measure.lines) for section in report.counted_sections for measure in section.measures)
    except AttributeError:
        return None


def _notify(engine: Any, period: str, stored: list, rejected: list, reports: dict, registry: Any,
            settings: Any) -> None:
    """What the flow's notify task does (zvit.quarter.notify_period), into the outbox: no SMTP host is set."""
    import zvit.quarter

    notify_period = getattr(zvit.quarter, "notify_period", None)
    if notify_period is not None:
        ids = [item.result.submission_id for item in stored if item.result is not None]
        notify_period(engine, period, ids, reports, run_label="bench")
        return
    # Older checkouts: the notification functions themselves.
    from zvit.notify import notify_rejections, send_digest, transport_from_settings
    from zvit.report.gather import report_programs

    transport = transport_from_settings(settings)
    notify_rejections(engine, [item.result.submission_id for item in rejected], registry=registry,
                      transport=transport, settings=settings)
    for program in report_programs(engine, period):
        send_digest(engine, period, program, reports, registry=registry, transport=transport, run_label="bench",
                    settings=settings)


def summarize(output: str) -> dict[str, Any]:
    """Seconds per stage, render split by format and by program, and the totals, from the lines printed."""
    seconds: dict[str, float] = {}
    formats: dict[str, float] = {}
    by_program: dict[str, dict[str, float]] = {}
    program_lines: dict[str, int] = {}
    summary: dict[str, Any] = {}
    for line in output.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        stage = record.get("stage")
        if stage is None:
            summary.update(record)
        elif stage.startswith("render:"):
            part = stage.removeprefix("render:")
            formats[part] = round(formats.get(part, 0.0) + record["seconds"], 3)
            by_program.setdefault(record.get("program", ""), {})[part] = record["seconds"]
            if record.get("lines") is not None:
                program_lines[record.get("program", "")] = record["lines"]
        else:
            seconds[stage] = record["seconds"]
    return {**summary, "seconds": seconds, "render_formats": formats, "render_by_program": by_program,
            "render_lines": program_lines}


def main(argv: list[str] | None = None) -> int:
    """Print the stage times of one inbox as JSON lines."""
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__)
    parser.add_argument("--inbox", type=Path, required=True)
    parser.add_argument("--period", default="2022-Q3")
    args = parser.parse_args(argv)
    _emit(measure(args.inbox, args.period))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
