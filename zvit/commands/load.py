"""`zvit load FILE...`: read department files and store every report in the warehouse."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from zvit.cli import ExitCode
from zvit.commands._arguments import period_code
from zvit.commands._database import reports_errors
from zvit.quality.findings import Severity, Status

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from zvit.warehouse import LoadResult


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `load` to the command line."""
    parser = subparsers.add_parser("load", help="read report files, check them and store them in the warehouse")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".docx, .xlsx, .csv or .txt")
    parser.add_argument("--period", default=None, type=period_code, metavar="PERIOD",
                        help="the period being collected, e.g. 2022-Q3: a report for another period is rejected")
    parser.add_argument("--program", default=None, metavar="CODE",
                        help="the program being collected: a report on another program is rejected")
    parser.add_argument("--received-at", type=received_at, default=None, metavar="ISO",
                        help="when the files were received, e.g. 2022-10-07T09:30 (city time unless an offset "
                             "is given; default: now)")
    parser.set_defaults(func=run)


def received_at(text: str) -> datetime:
    """Parse --received-at; argparse shows the ValueError's message."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date and time: {text!r}") from None


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Check and store every report of every file; an unreadable file is reported and the others still load."""
    # The warehouse is imported here, not at the top: `zvit parse` must not pay for it at start-up.
    from zoneinfo import ZoneInfo

    from zvit.pipeline import Job, process, received
    from zvit.registry import load_registry
    from zvit.settings import Settings
    from zvit.warehouse import ensure_schema, make_engine
    from zvit.warehouse.receipts import Fate

    settings = Settings.load()
    moment = args.received_at or datetime.now(UTC)
    if moment.tzinfo is None:  # a time without an offset is the city's
        moment = moment.replace(tzinfo=ZoneInfo(settings.timezone))
    engine = make_engine(settings.database_url)
    try:
        ensure_schema(engine)
        job = Job(registry=load_registry(settings.registry_dir), engine=engine, period=args.period,
                  program=args.program, received_at=moment, timezone=settings.timezone)
        outcome = process(received(args.files, job), job)
        for fate in outcome.files:
            if not fate.reports:
                print(f"zvit: {fate.reason}", file=sys.stderr)
            for item in fate.reports:
                assert item.result is not None
                print(f"{fate.name} #{item.report.index}: {describe(engine, item.result)}"
                      + ("" if fate.fate == Fate.STORED else f" [{fate.fate}]"))
    finally:
        engine.dispose()
    return ExitCode.INPUT if outcome.refused else ExitCode.OK


def describe(engine: Engine, result: LoadResult) -> str:
    """One line: whose report for which period, and what happened to it."""
    from zvit.warehouse import check_results

    who = f"{result.department or '?'} {result.period or '?'}"
    if result.already_loaded:
        return f"{who}: already loaded (version {result.version}, {result.status})"
    text = f"{who}: {result.status}, version {result.version}"
    if result.superseded_version is not None:
        text += f", supersedes version {result.superseded_version}"
    elif not result.is_current:
        text += ", older than the current version (kept as history)"
    if result.status == Status.REJECTED:
        reasons = [c.rule_code for c in check_results(engine, result.submission_id) if c.severity == Severity.CRITICAL]
        text += f" ({', '.join(dict.fromkeys(reasons))})"
    return text
