"""`zvit run --period P`: the quarterly flow in this process (no server to start), then a summary."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from zvit.cli import ExitCode
from zvit.commands._arguments import period_code
from zvit.commands._database import one_line, reports_errors
from zvit.quality.findings import Status

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


#: The modules a run imports on first use (the gate's Great Expectations, the readers, the report's writers, the
#: notices), imported while the temporary Prefect server starts in its own process (see the function).
FIRST_USE = ("flows.quarterly", "great_expectations", "zvit.quality.gate", "zvit.intake.docx_reader",
             "zvit.intake.xlsx_reader", "zvit.intake.csv_reader", "zvit.warehouse.schema", "zvit.report.gather",
             "zvit.report.html", "zvit.report.docx", "docxtpl", "zvit.report.xlsx", "zvit.report.datapackage",
             "zvit.report.pdf", "typst", "zvit.notify")


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
        server = _start_temporary_server()
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


class TemporaryServer:
    """The temporary Prefect API server of an embedded run, started as Prefect starts it but before the rest of the
    run is imported: Prefect would first import its whole server (5-15 s) in this process only to launch it."""

    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process, self.port = process, port

    @property
    def api_url(self) -> str:
        """The API's URL."""
        return f"http://127.0.0.1:{self.port}/api"

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Prefect pointed at this server once it answers (else at none: Prefect starts its own and says why not)."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        if not self.ready():
            self.stop()
            yield
            return
        try:
            with temporary_settings({PREFECT_API_URL: self.api_url}):
                yield
        finally:
            self.stop()

    def ready(self) -> bool:
        """Wait until the server answers its health check; False if it exits or does not answer in time."""
        import httpx
        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        deadline = time.monotonic() + PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        with httpx.Client() as client:
            while time.monotonic() < deadline and self.process.poll() is None:
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.api_url}/health", timeout=5).status_code == 200:
                        return True
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        """Stop the server (as Prefect stops its own: terminate, then kill after 5 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _start_temporary_server() -> TemporaryServer | None:
    """Launch Prefect's temporary API server when no API URL is set (as Prefect would, with the same command and
    environment), without waiting for it; None when a server is configured."""
    import prefect
    from prefect.settings import PREFECT_API_URL, get_current_settings

    if PREFECT_API_URL.value():
        return None
    port = _free_port()
    environment = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                   "PREFECT__SERVER_FINAL": "1", **get_current_settings().to_environment_variables(exclude_unset=True)}
    process = subprocess.Popen(  # noqa: S603 - this interpreter and Prefect's own arguments
        [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
         "--lifespan", "on"], env=environment)
    server = TemporaryServer(process, port)
    atexit.register(server.stop)
    return server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
