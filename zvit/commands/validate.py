"""`zvit validate FILE...`: check department files against every rule, without storing anything."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zvit.cli import ExitCode
from zvit.commands._arguments import period_code
from zvit.commands._database import reports_errors
from zvit.quality.findings import Status

if TYPE_CHECKING:
    from zvit.pipeline import Checked, FileFate


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `validate` to the command line."""
    parser = subparsers.add_parser(
        "validate", help="check report files against every rule without storing them",
        description="Exit code: 0 when every report would be accepted, 1 when one would be rejected, "
                    "2 when a file cannot be read.")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".docx, .xlsx, .csv or .txt")
    parser.add_argument("--period", default=None, type=period_code, metavar="PERIOD",
                        help="the period being collected, e.g. 2022-Q3")
    parser.add_argument("--program", default=None, metavar="CODE", help="the program being collected")
    parser.add_argument("--json", action="store_true", help="print a JSON array, one object per report")
    parser.set_defaults(func=run)


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Read and check the files through the pipeline, storing nothing; earlier periods come from the warehouse
    when it exists."""
    # Imported here: `zvit parse` must not pay for the gate and the warehouse at start-up.
    from zvit.pipeline import Job, process, received
    from zvit.registry import load_registry
    from zvit.settings import Settings
    from zvit.templating import render
    from zvit.warehouse import make_engine
    from zvit.warehouse.engine import warehouse_exists

    settings = Settings.load()
    # Validating stores nothing: with no warehouse yet there is no history, and none is created.
    engine = make_engine(settings.database_url) if warehouse_exists(settings.database_url) else None
    try:
        job = Job(registry=load_registry(settings.registry_dir), engine=engine, period=args.period,
                  program=args.program, store=False, timezone=settings.timezone)
        outcome = process(received(args.files, job), job)
    finally:
        if engine is not None:
            engine.dispose()
    for fate in outcome.refused:
        print(f"zvit: {fate.reason}", file=sys.stderr)
    verdicts = [verdict(item) for item in outcome.reports]
    files = [file_entry(fate) for fate in outcome.files]
    if args.json:
        json.dump(verdicts, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render("cli/validate.txt.j2", verdicts=verdicts, files=files))
    if outcome.refused:
        return ExitCode.INPUT
    return ExitCode.REJECTED if any(v["status"] == Status.REJECTED for v in verdicts) else ExitCode.OK


def verdict(item: Checked) -> dict[str, Any]:
    """One report's status and every finding, intake's repairs included, as `zvit validate --json` prints it."""
    report = item.report
    return {
        "source": report.source,
        "report": report.index,
        "department": report.department,
        "period": report.period,
        "status": item.status.value,
        "findings": [f.data() for f in item.findings],
    }


def file_entry(fate: FileFate) -> dict[str, Any]:
    """A file and its fate as the JSON outputs give it."""
    return {"source": fate.name, "sha256": fate.sha256, "size": fate.size, "fate": fate.fate.value,
            "department": fate.department, "submission_ids": fate.submission_ids, "error": fate.reason}
