"""Stopping a process zvit started: asked to stop first, killed if it has not within a grace period."""

from __future__ import annotations

import subprocess
from typing import Any


def stop(process: subprocess.Popen[Any], grace_seconds: float) -> None:
    """Terminate the process if it still runs, and kill it if it has not exited `grace_seconds` later."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
