"""Stopping a process zvit started: terminated first, killed only when it will not stop."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from zvit.processes import stop

IGNORES_TERM = "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"


def _started(code: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    return process


def test_a_process_that_stops_when_asked_is_terminated_not_killed() -> None:
    process = _started("import time; print('ready', flush=True); time.sleep(60)")
    stop(process, grace_seconds=10)
    assert process.returncode == -signal.SIGTERM


def test_a_process_that_ignores_the_request_is_killed_after_the_grace_period() -> None:
    process = _started(IGNORES_TERM)
    began = time.monotonic()
    stop(process, grace_seconds=0.5)
    assert process.returncode == -signal.SIGKILL
    assert 0.5 <= time.monotonic() - began < 10


def test_a_process_that_has_exited_is_left_as_it_ended() -> None:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    stop(process, grace_seconds=10)
    assert process.returncode == 3
