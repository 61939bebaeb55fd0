"""Stage times without Prefect: zvit's own functions called in the flow's order, each stage timed, in one process.

`python -m bench.stages --inbox DIR --period P` with ZVIT_DATABASE_URL, ZVIT_REGISTRY_DIR, ZVIT_REPORTS_DIR and
ZVIT_OUTBOX_DIR set (a fresh warehouse). Prints one JSON line per finished stage as it goes (so a run stopped
by a timeout still tells what it measured), then one line with the totals.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

STAGES = ("import", "collect", "parse", "validate", "load", "render", "notify")
#: After the stages: the largest program's report again, timed per format (render:<format>).


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _stage(name: str, step: Callable[[], Any], **extra: Any) -> Any:
    began = time.perf_counter()
    result = step()
    _emit({"stage": name, "seconds": round(time.perf_counter() - began, 3), **extra})
    return result


def measure(inbox: Path, period: str) -> dict[str, Any]:
    """Run collect → parse → validate → load → render → notify on one inbox; seconds per stage and counts.

    The files go through zvit.pipeline as every entry point sends them; each of its steps is timed as a stage.
    """
    began = time.perf_counter()
    # The heavy import the stages would otherwise pay on first use (Typst runs in processes of its own).
    importlib.import_module("great_expectations")

    from zvit.pipeline import Job, Steps, check, inbox_files, process, received, store
    from zvit.quality.findings import Status
    from zvit.reading import read_all
    from zvit.registry import load_registry
    from zvit.settings import Settings
    from zvit.warehouse import make_engine

    _emit({"stage": "import", "seconds": round(time.perf_counter() - began, 3)})
    settings = Settings.load()
    files = _stage("collect", lambda: inbox_files(inbox))
    engine = make_engine(settings.database_url)
    job = Job(registry=load_registry(settings.registry_dir), engine=engine, period=period,
              timezone=settings.timezone)
    steps = Steps(read=lambda paths: _stage("parse", lambda: read_all(paths), files=len(paths)),
                  check=lambda submitted, job: _stage("validate", lambda: check(submitted, job),
                                                      reports=len(submitted)),
                  store=lambda checked, job: _stage("load", lambda: store(checked, job)))
    outcome = process(received(files, job), job, steps=steps)
    reports = _stage("render", lambda: _render(engine, period, settings.reports_dir / period))
    notify_error = None
    try:
        _stage("notify", lambda: _notify(engine, period, outcome.submission_ids, reports, job.registry, settings))
    except Exception as error:  # noqa: BLE001 - notification is still being built; report it, do not fail
        notify_error = f"{type(error).__name__}: {error}"
    _render_largest(engine, period, settings.reports_dir / "largest" / period)
    engine.dispose()
    stored = outcome.reports
    statuses = Counter(item.result.status.value for item in stored if item.result is not None)
    return {"files": len(files), "reports": len(stored), "unreadable": len(outcome.refused),
            "lines": sum(len(item.report.rows) for item in stored), "statuses": dict(statuses),
            "rejected_current": statuses.get(Status.REJECTED, 0), "report_files": len(reports),
            "notify_error": notify_error}


def _render(engine: Any, period: str, out_dir: Path) -> dict[str, Path]:
    """What the flow's render task does: zvit.quarter `render_reports`, every program in every format."""
    from zvit.quarter import render_reports
    from zvit.settings import Settings

    return render_reports(engine, period, out_dir, settings=Settings.load())


def _render_largest(engine: Any, period: str, out_dir: Path) -> None:
    """The largest program's report again, one format at a time and nothing beside it: what each format costs."""
    from zvit.report import FORMATS
    from zvit.report.gather import gather_report, report_programs
    from zvit.report.write import write_report
    from zvit.settings import Settings

    settings = Settings.load()
    reports = [gather_report(engine, program=program, period=period, timezone=settings.timezone)
               for program in report_programs(engine, period)]
    if not reports:
        return
    report = max(reports, key=lambda item: _line_count(item) or 0)
    program = report.program.code
    _stage("render:gather", partial(gather_report, engine, program=program, period=period,
                                    timezone=settings.timezone), program=program)
    for fmt in FORMATS:
        _stage(f"render:{fmt}", partial(write_report, report, out_dir, formats=(fmt,)), program=program,
               lines=_line_count(report))


def _line_count(report: Any) -> int | None:
    try:
        return sum(len(measure.lines) for section in report.counted_sections for measure in section.measures)
    except AttributeError:
        return None


def _notify(engine: Any, period: str, ids: list[int], reports: dict, registry: Any, settings: Any) -> None:
    """What the flow's notify task does (zvit.quarter.notify_period), into the outbox: no SMTP host is set."""
    from zvit.notify import transport_from_settings
    from zvit.quarter import notify_period

    notify_period(engine, period, ids, reports, run_label="bench", registry=registry,
                  transport=transport_from_settings(settings), settings=settings)


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
