"""zvit's own log lines (zvit.*) in the Prefect run logs, whoever starts the flows."""

from __future__ import annotations

import logging
import os


class RunLogs(logging.Handler):
    """Passes a zvit record to the handlers of Prefect's flow-run logger (the run's log in the UI), inside a flow
    or task run only: outside one (a command checking files) there is no run to log to."""

    def emit(self, record: logging.LogRecord) -> None:
        """Hand the record on when a run is current."""
        from prefect.context import FlowRunContext, TaskRunContext

        if FlowRunContext.get() is None and TaskRunContext.get() is None:
            return
        for handler in logging.getLogger("prefect.flow_runs").handlers:
            if record.levelno >= handler.level:
                handler.handle(record)


def show_zvit_logs() -> None:
    """Send the `zvit` loggers where Prefect sends a flow run's, at the level Prefect's own loggers use (`zvit run`
    keeps the console quiet by setting it to CRITICAL)."""
    # Prefect's PREFECT_LOGGING_EXTRA_LOGGERS would do this only where it is set before Prefect is imported, and a
    # worker's or `zvit serve`'s run process configures Prefect before it loads the flow's file.
    zvit = logging.getLogger("zvit")
    zvit.setLevel(os.environ.get("PREFECT_LOGGING_LEVEL", "INFO").upper())
    if not any(isinstance(handler, RunLogs) for handler in zvit.handlers):
        zvit.addHandler(RunLogs())
