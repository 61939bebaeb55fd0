"""An embedded run's temporary Prefect server, started in the background while the command imports the rest."""

from __future__ import annotations

import contextlib
import importlib
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prefect.server.api.server import SubprocessASGIServer


def start_server_while_importing(*modules: str) -> None:
    """Import `modules` while the temporary Prefect server starts (when no PREFECT_API_URL is set); return when
    both are done.

    The server takes 15-20 s to start, mostly in its own process, and a run's heavy imports (Great Expectations
    alone 5-10 s) happen in this one: side by side, the imports cost almost nothing. Prefect starts the same
    server (one per process) on first use, so if this start fails the flow's own attempt reports why.
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return  # a real server: nothing to start, and the imports are paid where they are first needed
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    thread = threading.Thread(target=_start, args=(server,), name="prefect-server-start", daemon=True)
    thread.start()
    for module in modules:
        importlib.import_module(module)
    # joined before any flow runs: Prefect's start is not safe to call twice at once
    thread.join()


def _start(server: SubprocessASGIServer) -> None:
    # any failure is left to Prefect: it starts the server again when the flow runs and reports the error then
    with contextlib.suppress(Exception):
        server.start()
