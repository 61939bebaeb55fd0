"""`zvit run --period P`: the quarterly flow in this process (no server to start), then a summary."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from zvit.commands._arguments import period_code
from zvit.commands._database import reports_errors

#: Exit codes: the quarter was processed / --strict and something was rejected or missing / the run failed.
PROCESSED, INCOMPLETE, RUN_FAILED = 0, 1, 3


def register(subparsers: argparse._SubParsersAction) -> None:
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
    from flows.quarterly import SubmissionsRejected, collect_quarter
    from zvit.quarter import report_paths, summarize
    from zvit.settings import Settings
    from zvit.templating import render
    from zvit.warehouse import make_engine

    try:
        state = collect_quarter(args.period, args.inbox, return_state=True)
    except Exception as error:  # noqa: BLE001 - the orchestration itself failed: one line, exit code 3
        print(f"zvit: the run failed: {type(error).__name__}: {error}", file=sys.stderr)
        return RUN_FAILED
    outcome = state.result(raise_on_failure=False)
    if state.is_failed() and not isinstance(outcome, SubmissionsRejected):
        print(f"zvit: the run failed: {outcome}", file=sys.stderr)
        return RUN_FAILED
    engine = make_engine()
    try:
        summary = summarize(engine, args.period, report_paths(Settings.from_env().reports_dir / args.period))
    finally:
        engine.dispose()
    if args.json:
        json.dump(summary_data(summary), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render("cli/run.txt.j2", summary=summary))
    incomplete = any(d.status in ("rejected", "missing") for d in summary.departments)
    return INCOMPLETE if args.strict and incomplete else PROCESSED


def summary_data(summary: Any) -> dict[str, Any]:
    """The summary as `zvit run --json` prints it: amounts as JSON numbers."""
    return {
        "period": summary.period,
        "submissions": [{"department": d.department, "program": d.program, "source": d.source,
                         "version": d.version, "status": d.status, "late": d.late, "findings": d.findings}
                        for d in summary.departments],
        "totals": {name: None if value is None else float(value) for name, value in summary.totals.items()},
        "reports": summary.reports,
    }
