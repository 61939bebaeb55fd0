"""«Run the quarter» from the portal: the deployment through the Prefect API when a server is configured, else
`zvit run` on this machine, the same code the command line runs, in a process of its own so the page stays up."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class QuarterRun:
    """One run started from the portal."""

    period: str
    started_at: datetime
    #: "prefect" (a flow run on the server) or "local" (`zvit run` here)
    where: str
    flow_run_id: str | None = None
    returncode: int | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        """Whether a local run has ended (a Prefect run is followed in the Prefect UI)."""
        return self.where == "local" and self.returncode is not None


class QuarterRuns:
    """The runs this server started, at most one at a time per period."""

    def __init__(self, prefect_api_url: str | None, workdir: Path) -> None:
        self.prefect_api_url = prefect_api_url
        self.workdir = workdir
        self._runs: dict[str, QuarterRun] = {}
        self._lock = threading.Lock()

    def latest(self, period: str) -> QuarterRun | None:
        """The newest run of a period started here."""
        return self._runs.get(period)

    def start(self, period: str) -> QuarterRun:
        """Start the period's run unless one started here is still going; the run (new or going) is returned."""
        with self._lock:
            going = self._runs.get(period)
            if going is not None and going.where == "local" and not going.finished:
                return going
            if self.prefect_api_url:
                run = QuarterRun(period, datetime.now(UTC), "prefect")
                try:
                    from flows.start import start_quarterly_run

                    run.flow_run_id = start_quarterly_run(period)
                except Exception as error:  # noqa: BLE001 - shown on the page in one line; the server stays up
                    run.error = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                    log.warning("quarterly run of %s not started: %s", period, run.error)
            else:
                run = QuarterRun(period, datetime.now(UTC), "local")
                threading.Thread(target=self._local, args=(run,), daemon=True, name=f"zvit-run-{period}").start()
            self._runs[period] = run
            return run

    def _local(self, run: QuarterRun) -> None:
        # `zvit run` with this server's environment (its ZVIT_* settings): the command prints its own summary,
        # which the page does not need; its exit code says whether the run itself failed (3).
        command = [sys.executable, "-m", "zvit", "run", "--period", run.period]
        log.info("quarterly run of %s started here", run.period)
        result = subprocess.run(command, cwd=self.workdir, capture_output=True, text=True, check=False)  # noqa: S603
        run.returncode = result.returncode
        if result.returncode >= 2:
            run.error = (result.stderr.strip().splitlines() or ["failed"])[-1]
        log.info("quarterly run of %s ended with exit code %d", run.period, result.returncode)
