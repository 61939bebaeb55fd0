"""The machine and software a benchmark ran on: cores, memory, CPU model, Python and key package versions."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

PACKAGES = ("prefect", "great-expectations", "sqlalchemy", "sqlmodel", "python-docx", "openpyxl", "typst",
            "docxtpl", "pydantic")


def describe(repo: Path) -> dict[str, str]:
    """Facts worth printing above a table of timings."""
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": str(len(os.sched_getaffinity(0))),
        "memory": _memory(),
        "cpu": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
        "commit": _commit(repo),
    }


def _memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    return "?"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _commit(repo: Path) -> str:
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=repo, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
