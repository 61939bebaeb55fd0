"""zvit's own log lines (zvit.*) in the Prefect run logs, whoever starts the flows."""

from __future__ import annotations

import logging
import os


def show_zvit_logs() -> None:
    """Send the `zvit` loggers where Prefect sends a flow run's, at the level Prefect's own loggers use (`zvit run`
    keeps the console quiet by setting it to CRITICAL)."""
    # Prefect reads PREFECT_LOGGING_EXTRA_LOGGERS when it is first imported: that covers a process that imports
    # the flows first. A worker's or `zvit serve`'s run process configures Prefect's logging before it loads the
    # flow's file, so there zvit's logger gets the handlers Prefect gave the flow runs' logger.
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "zvit")
    zvit = logging.getLogger("zvit")
    zvit.setLevel(os.environ.get("PREFECT_LOGGING_LEVEL", "INFO").upper())
    if not zvit.handlers:
        for handler in logging.getLogger("prefect.flow_runs").handlers:
            zvit.addHandler(handler)
