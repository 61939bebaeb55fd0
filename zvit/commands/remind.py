"""`zvit remind --period P`: send the reminders and overdue notices due today, and whatever is still queued."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from zvit.cli import ExitCode
from zvit.commands._arguments import period_code
from zvit.commands._database import reports_errors


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `remind` to the command line."""
    parser = subparsers.add_parser(
        "remind", help="email departments that have not submitted: a reminder before the deadline, then overdue "
                       "notices",
        description="Each notice goes out at most once per department, period and kind, however often this runs. "
                    "Exit code 1 when a notice could not be delivered (it stays queued for the next run).")
    parser.add_argument("--period", required=True, type=period_code, metavar="PERIOD",
                        help="the period being collected, e.g. 2022-Q3")
    parser.add_argument("--program", default=None, metavar="CODE", help="only this program (default: all)")
    parser.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD",
                        help="act as if it were this day (default: today in the city's time zone)")
    parser.add_argument("--dry-run", action="store_true", help="show what is due; send and record nothing")
    parser.set_defaults(func=run)


def iso_date(text: str) -> date:
    """Parse --today; argparse shows the error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Flush the queue, then send what is due; print one line per notice."""
    # Imported here: the other commands must not pay for the warehouse and the mail code at start-up.
    import models
    from zvit.formatting import city_date, period_label, uk_date
    from zvit.notify import flush_queue, send_due_reminders, transport_from_settings
    from zvit.notify.dispatch import utc_now
    from zvit.registry import load_registry
    from zvit.settings import Settings
    from zvit.templating import render
    from zvit.warehouse import count_rows, ensure_schema, make_engine, sync_registry

    settings = Settings.load()
    registry = load_registry(settings.registry_dir)
    transport = transport_from_settings(settings)
    today = args.today or city_date(utc_now(), settings.timezone)
    engine = make_engine(settings.database_url)
    try:
        ensure_schema(engine)
        if count_rows(engine, models.Department) == 0:
            # a fresh warehouse knows no department yet, so it would find nobody to remind
            sync_registry(engine, registry, timezone=settings.timezone)
        flushed = [] if args.dry_run else flush_queue(engine, transport)
        outcomes = send_due_reminders(engine, args.period, registry=registry, transport=transport, today=today,
                                      settings=settings, program=args.program, dry_run=args.dry_run)
    finally:
        engine.dispose()
    sys.stdout.write(render("cli/remind.txt.j2", period=period_label(args.period), period_code=args.period,
                            deadline=uk_date(registry.calendar.deadline(args.period)), today=uk_date(today),
                            dry_run=args.dry_run, channel=transport.channel, flushed=flushed, outcomes=outcomes))
    undelivered = [o for o in [*flushed, *outcomes] if o.status in ("queued", "failed")]
    return ExitCode.REJECTED if undelivered else ExitCode.OK
