"""The temporary Prefect API server of an embedded run (`zvit run` with no PREFECT_API_URL), launched first thing.

Prefect would start the same server on the flow's first call, but it first imports its whole server into the run's
process (5-15 s on a 2-core machine) only to launch it in another one. Launched with Prefect's own command and
environment before the rest of the run is imported, the server starts while the run imports what it needs.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

from zvit.processes import stop

#: uvicorn's exit code when the port it was given is taken
_PORT_TAKEN = 3


class TemporaryServer:
    """The temporary Prefect API server of an embedded run, started as Prefect starts it but before the rest of the
    run is imported: Prefect would first import its whole server (5-15 s) in this process only to launch it."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment
        self.port = _free_port()
        self.process = self._launch()

    def _launch(self) -> subprocess.Popen[bytes]:
        import prefect

        return subprocess.Popen(  # noqa: S603 - this interpreter and Prefect's own arguments
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port), "--log-level",
             "error", "--lifespan", "on"], env=self.environment)

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
            while time.monotonic() < deadline:
                if self.process.poll() == _PORT_TAKEN:  # taken since we looked: another port, as Prefect does
                    self.port = _free_port()
                    self.process = self._launch()
                elif self.process.poll() is not None:
                    return False
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.api_url}/health", timeout=5).status_code == 200:
                        return True
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        """Stop the server (as Prefect stops its own: terminate, then kill after 5 s)."""
        stop(self.process, grace_seconds=5)


def start_temporary_server() -> TemporaryServer | None:
    """Launch Prefect's temporary API server when no API URL is set (as Prefect would, with the same command and
    environment), without waiting for it; None when a server is configured."""
    from prefect.settings import PREFECT_API_URL, get_current_settings

    if PREFECT_API_URL.value():
        return None
    server = TemporaryServer({**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                              "PREFECT__SERVER_FINAL": "1",
                              **get_current_settings().to_environment_variables(exclude_unset=True)})
    atexit.register(server.stop)
    return server


def _free_port() -> int:
    """A free port from Prefect's range, 8000-8999: below the system's ephemeral ports, so no outgoing connection
    (the health checks' own) can take it between the check and the server's start."""
    for _attempt in range(50):
        port = random.randrange(8000, 9000)  # noqa: S311 - spreading ports, not a secret
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8000-8999 for Prefect's temporary server")
