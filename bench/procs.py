"""Running a command while sampling the resident memory of its whole process tree from /proc (no psutil)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE_KIB = 1024


@dataclass(frozen=True)
class Measured:
    """What a measured command did: exit code, output, wall time and the peak RSS of its process tree."""

    returncode: int
    stdout: str
    stderr: str
    wall_seconds: float
    peak_rss_bytes: int
    #: the plain sum of VmRSS, counting a fork that has not exec'd yet as a second copy of its parent
    peak_rss_naive_bytes: int
    #: the most processes seen alive at once in the tree (the command, a server it started, ...)
    peak_processes: int
    #: when the command started and ended, seconds since the epoch (to place events it logged)
    started_at: float
    ended_at: float
    #: the machine's 1-minute load average when the command started and when it ended (other work on the machine)
    load_average: tuple[float, float] = (0.0, 0.0)


def descendants(pid: int) -> list[tuple[int, int | None]]:
    """(pid, parent pid) of the process and of every process below it, via /proc/<pid>/task/*/children."""
    found: list[tuple[int, int | None]] = []
    pending: list[tuple[int, int | None]] = [(pid, None)]
    while pending:
        current, parent = pending.pop()
        found.append((current, parent))
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pending.extend((int(child), current) for child in (task / "children").read_text().split())
            except OSError:
                continue  # the task ended while we looked
    return found


def rss_bytes(pid: int) -> int:
    """VmRSS of one process (0 once it is gone or a zombie)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * _PAGE_KIB
    except OSError:
        pass
    return 0


def cmdline(pid: int) -> bytes:
    """The process's command line, NUL-separated (empty once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def tree_rss(pid: int) -> tuple[int, int, int]:
    """(RSS without unexec'd forks, naive RSS sum, process count) of a process tree.

    A child forked (or vforked) but not yet exec'd still runs its parent's program and shares its pages:
    its VmRSS repeats the parent's. WeasyPrint's library lookup spawns gcc/ld this way, so the naive sum
    briefly doubles the zvit process; such a child (same command line as its parent) is left out.
    """
    tree = descendants(pid)
    commands = {current: cmdline(current) for current, _ in tree}
    total = naive = 0
    for current, parent in tree:
        rss = rss_bytes(current)
        naive += rss
        if parent is None or commands[current] != commands.get(parent):
            total += rss
    return total, naive, len(tree)


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree every `interval` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_rss_naive = self.peak_processes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Sample until stop() is called."""
        while not self._stop_event.is_set():
            total, naive, processes = tree_rss(self.pid)
            self.peak_rss = max(self.peak_rss, total)
            self.peak_rss_naive = max(self.peak_rss_naive, naive)
            self.peak_processes = max(self.peak_processes, processes)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._stop_event.set()
        self.join()


def run_measured(command: list[str], *, env: dict[str, str], cwd: Path, timeout: float | None = None) -> Measured:
    """Run a command to completion, timing it and sampling its process tree's memory."""
    began, started_at, load_before = time.perf_counter(), time.time(), os.getloadavg()[0]
    # A session of its own, so that a timeout can stop the command and whatever it started (Prefect's server).
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    sampler = TreeSampler(process.pid)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        stderr += f"\n[bench] killed after {timeout} s"
    finally:
        sampler.stop()
    wall = time.perf_counter() - began
    return Measured(process.returncode, stdout, stderr, wall, sampler.peak_rss, sampler.peak_rss_naive,
                    sampler.peak_processes, started_at, time.time(), (load_before, os.getloadavg()[0]))
