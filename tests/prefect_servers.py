"""Real `prefect server start` processes for the tests that need one: settings, start, health and waiting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from zvit.processes import stop


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(predicate: Callable[[], Any], seconds: float, what: str, every: float = 0.5) -> Any:
    """Poll until `predicate` returns something truthy, and return it; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


#: what a busy Prefect server answers (503: its SQLite database was locked); Prefect's own client asks again
_BUSY = {429, 502, 503}


def api_request(method: str, url: str, *, json: Any = None, timeout: float = 10, seconds: float = 60) -> httpx.Response:
    """The Prefect API's answer to one request, asked again while the server says it is busy, as Prefect's own
    client does: a 503 means the request's transaction was rolled back, so asking again makes nothing twice."""
    deadline = time.monotonic() + seconds
    while True:
        response = httpx.request(method, url, json=json, timeout=timeout)
        if response.status_code not in _BUSY or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def create_process_pool(api: str, name: str) -> None:
    """`prefect work-pool create NAME --type process`, over the API (the CLI would take seconds to import)."""
    from prefect.workers.process import ProcessWorker

    api_request("POST", f"{api}/work_pools/", json={
        "name": name, "type": "process", "base_job_template": ProcessWorker.get_default_base_job_template(),
    }).raise_for_status()


def api_healthy(api: str) -> bool:
    """True once the server at `api` answers its health check."""
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def server_settings(home: Path, port: int | None = None) -> dict[str, str]:
    """This process's environment plus a Prefect server of its own: PREFECT_HOME, its port and API URL, no UI,
    no telemetry, no Prefect Cloud key."""
    port = port or free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_API_HOST": "127.0.0.1", "PREFECT_SERVER_API_PORT": str(port),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_KEY", None)
    return env


@contextmanager
def running_server(env: dict[str, str], log: Path, *, seconds: float = 180) -> Iterator[subprocess.Popen]:
    """`prefect server start` with `env`, its output in `log`; healthy when entered, stopped when left."""
    with log.open("w") as stream:
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start"], env=env, stdout=stream,
                                  stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: server.poll() is not None or api_healthy(env["PREFECT_API_URL"]), seconds,
                     "the Prefect server")
            assert server.poll() is None, log.read_text(errors="replace")
            yield server
        finally:
            stop(server, grace_seconds=20)
