"""`zvit run --period P`: the quarterly flow in this process (no server to start), then a summary."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from zvit.cli import ExitCode
from zvit.commands._arguments import period_code
from zvit.commands._database import one_line, reports_errors
from zvit.quality.findings import Status

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


#: The modules a run imports on first use (the gate's Great Expectations, the readers, the report's writers, the
#: notices), imported while the temporary Prefect server starts in its own process (flows.server).
FIRST_USE = ("flows.quarterly", "great_expectations", "zvit.quality.gate", "zvit.intake.docx_reader",
             "zvit.intake.xlsx_reader", "zvit.intake.csv_reader", "zvit.warehouse.schema", "zvit.report.gather",
             "zvit.report.html", "zvit.report.docx", "docxtpl", "zvit.report.xlsx", "zvit.report.datapackage",
             "zvit.report.pdf", "zvit.notify")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `run` to the command line."""
    parser = subparsers.add_parser(
        "run", help="collect a period from the inbox: check, store, report, notify (embedded, no server)",
        description="Exit code: 0 when the period was processed (rejected or missing submissions are reported), "
                    "1 with --strict when any was rejected or missing, 2 on usage errors, 3 when the run failed.")
    parser.add_argument("--period", required=True, type=period_code, metavar="PERIOD", help="e.g. 2022-Q3")
    parser.add_argument("--inbox", default=None, metavar="DIR", help="default: ZVIT_INBOX_DIR/<period>")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a submission is rejected or missing")
    parser.set_defaults(func=run)


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Run the collect-quarter flow in-process and summarize the period from the warehouse."""
    # Telemetry off and Prefect's own logging quiet unless asked for: this is a local, embedded run, and a
    # rejected submission (which fails the run on purpose, so it can be retried) is reported in the summary.
    # The temporary API server of an embedded run takes 15-20 s to start on a loaded 2-core machine.
    for name, value in (("DO_NOT_TRACK", "1"), ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
                        ("PREFECT_LOGGING_LEVEL", "CRITICAL"),
                        ("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")):
        os.environ.setdefault(name, value)
    from sqlalchemy.exc import InterfaceError, OperationalError

    from zvit.quarter import report_paths, summarize
    from zvit.settings import Settings
    from zvit.templating import render
    from zvit.warehouse import make_engine

    settings = Settings.load()
    engine = make_engine(settings.database_url)
    try:
        # Checked before the flow starts: an unreachable warehouse costs no Prefect start-up, reads no file
        # and leaves the inbox exactly as it was.
        _ping(engine)
        from flows.server import start_temporary_server

        server = start_temporary_server()
        # What the flow would import on first use, imported while the server starts: there it costs nothing.
        for module in FIRST_USE:
            importlib.import_module(module)
        from flows.quarterly import NothingToCollect, SubmissionsRejected, collect_quarter

        try:
            with server.serving() if server is not None else contextlib.nullcontext():
                state = collect_quarter(args.period, args.inbox or "", return_state=True)
        except Exception as error:  # noqa: BLE001 - the orchestration itself failed: one line, exit code 3
            print(f"zvit: the run failed: {_describe(error, engine)}", file=sys.stderr)
            return ExitCode.RUN_FAILED
        outcome = state.result(raise_on_failure=False)
        if isinstance(outcome, NothingToCollect):
            print(f"zvit: {outcome}", file=sys.stderr)
            return ExitCode.INPUT
        if state.is_failed() and not isinstance(outcome, SubmissionsRejected):
            print(f"zvit: the run failed: {_describe(outcome, engine)}", file=sys.stderr)
            return ExitCode.RUN_FAILED
        summary = summarize(engine, args.period, report_paths(settings.reports_dir / args.period))
    except (OperationalError, InterfaceError) as error:
        print(f"zvit: the run failed: {_unreachable(error, engine)}", file=sys.stderr)
        return ExitCode.RUN_FAILED
    finally:
        engine.dispose()
    if args.json:
        json.dump(summary_data(summary), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render("cli/run.txt.j2", summary=summary))
    incomplete = any(d.status in (Status.REJECTED, Status.MISSING, Status.UNREADABLE) for d in summary.departments)
    return ExitCode.REJECTED if args.strict and incomplete else ExitCode.OK


def _ping(engine: Engine) -> None:
    from sqlalchemy import text

    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _unreachable(error: BaseException, engine: Engine) -> str:
    from zvit.warehouse import display_url

    # The URL is shown with its password hidden; the driver's first line says why (refused, no such host...).
    return _redacted(f"the warehouse {display_url(engine)} is unreachable: {one_line(error)}", engine)


def _redacted(message: str, engine: Engine) -> str:
    # A driver may quote its connection string back; the password must not reach a terminal or a log.
    from zvit.redaction import redact

    password = engine.url.password
    return redact(message, str(password) if password else None)


def _describe(error: object, engine: Engine) -> str:
    """One line for a failed run: an unreachable warehouse said so, anything else by its first line."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    cause: object = error
    while isinstance(cause, BaseException):
        if isinstance(cause, (OperationalError, InterfaceError)):
            return _unreachable(cause, engine)
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, BaseException):
        return _redacted(f"{type(error).__name__}: {one_line(error)}", engine)
    return _redacted((str(error).strip().splitlines() or ["unknown error"])[0], engine)


def summary_data(summary: Any) -> dict[str, Any]:
    """The summary as `zvit run --json` prints it: amounts as JSON numbers."""
    return {
        "period": summary.period,
        "submissions": [{"department": d.department, "program": d.program, "source": d.source,
                         "version": d.version, "status": d.status, "late": d.late,
                         "findings": [f.data() for f in d.findings], "reason": d.reason}
                        for d in summary.departments],
        "totals": {name: None if value is None else float(value) for name, value in summary.totals.items()},
        "reports": summary.reports,
        # every file taken in for the period and what became of it
        "files": [{"source": f.name, "sha256": f.sha256, "size": f.size, "fate": f.fate.value,
                   "department": f.department, "submission_id": f.submission_id, "error": f.reason,
                   "received_at": f.received_at.isoformat()} for f in summary.files],
    }
