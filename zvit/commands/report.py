"""`zvit report --period 2022-Q3`: each program's consolidated report as HTML, Word, Excel, PDF and open data."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from zvit.cli import ExitCode
from zvit.commands._arguments import period_code
from zvit.commands._database import reports_errors
from zvit.errors import ZvitError
from zvit.report import FORMATS

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

UNIT_CHOICES = ("thousands", "grn")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `report` to the command line."""
    parser = subparsers.add_parser("report", help="write the consolidated report of a program for a period")
    parser.add_argument("--period", required=True, type=period_code, metavar="YYYY-Qn",
                        help="cumulative period, e.g. 2022-Q3 (9 months of 2022)")
    parser.add_argument("--program", default=None, metavar="CODE",
                        help="program code (default: every program that runs in the period's year)")
    parser.add_argument("--format", dest="formats", type=format_list, default=FORMATS, metavar="LIST",
                        help=f"comma-separated formats: {','.join(FORMATS)} (default: all)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="output folder (default: ZVIT_REPORTS_DIR/<period>, reports/<period>/ unless set)")
    parser.add_argument("--unit", choices=UNIT_CHOICES, default="thousands",
                        help="amounts in the documents: thousands of hryvnias with two decimals as in the official "
                             "form (default), or grn with kopecks; the open data is always in hryvnias")
    parser.add_argument("--number", default=None, metavar="TEXT",
                        help="the outgoing registration number the clerk gave the report (default: a blank line)")
    parser.add_argument("--dated", type=iso_date, default=None, metavar="YYYY-MM-DD",
                        help="the date of that registration (default: a blank line)")
    parser.set_defaults(func=run)


def iso_date(text: str) -> date:
    """Parse --dated 2022-11-02."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: expected YYYY-MM-DD") from None


def format_list(text: str) -> tuple[str, ...]:
    """Parse --format html,pdf into formats in writing order."""
    asked = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [fmt for fmt in asked if fmt not in FORMATS]
    if unknown or not asked:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or '(none)'}: choose from "
                                         f"{', '.join(FORMATS)}")
    return tuple(fmt for fmt in FORMATS if fmt in asked)


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Gather each program's report from the warehouse and write every requested format."""
    # Heavy imports here, not at the top: every `zvit` start imports this module.
    from zvit.formatting import UNITS, amount, ratio
    from zvit.registry import load_registry
    from zvit.report.gather import gather_report, report_programs
    from zvit.report.model import Outgoing
    from zvit.report.write import write_report
    from zvit.settings import Settings
    from zvit.warehouse import make_engine

    settings = Settings.load()
    # who signs and approves each report
    registry = load_registry(settings.registry_dir)
    outgoing = Outgoing(number=args.number, date=args.dated)
    engine = make_engine(settings.database_url)
    try:
        _require_warehouse(engine)
        programs = [args.program] if args.program else report_programs(engine, args.period)
        if not programs:
            raise ZvitError(f"no registered program runs in {args.period}")
        out_dir = args.out if args.out is not None else settings.reports_dir / args.period
        unit = UNITS[args.unit]
        for program in programs:
            report = gather_report(engine, program=program, period=args.period, timezone=settings.timezone,
                                   registry=registry, outgoing=outgoing)
            written = write_report(report, out_dir, args.formats, unit=unit)
            counted = len(report.counted_sections)
            print(f"{program} {args.period}: {counted} of {len(report.statuses)} departments counted, "
                  f"{len(report.lines)} lines, financed {amount(report.total.financed, UNITS['grn'])} UAH "
                  f"({ratio(report.total.ratio) or 'n/a'})")
            for path in written.values():
                print(f"  {path}")
    finally:
        engine.dispose()
    return ExitCode.OK


def _require_warehouse(engine: Engine) -> None:
    from zvit.warehouse import current_revision, head_revision

    # a report of an empty or missing database would only say «не подано» everywhere: say what is wrong instead
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:") \
            and not Path(engine.url.database).is_file():
        raise ZvitError(f"no warehouse at {engine.url.database}: load reports first (`zvit load FILE...`)")
    revision = current_revision(engine)
    if revision is None:
        raise ZvitError("the warehouse is empty: load reports first (`zvit load FILE...`)")
    if revision != head_revision():
        raise ZvitError(f"the database is at revision {revision}, zvit needs {head_revision()}: run `zvit db upgrade`")
