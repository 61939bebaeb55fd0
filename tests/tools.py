"""The programs from outside Python that some tests need, found in one place, with one policy when one is missing.

On a machine with only Python, a test that needs Chromium, PostgreSQL or poppler is skipped with one line naming
the Debian package to install. `.ci/run` installs them all and sets ZVIT_TESTS_REQUIRE_ALL=1: then a missing
program fails the test instead, and the session fails if any test was skipped for any reason (see conftest.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

#: set by `.ci/run`: every test must run, none may be skipped
REQUIRE_ALL = "ZVIT_TESTS_REQUIRE_ALL"


def require_all() -> bool:
    """True under ZVIT_TESTS_REQUIRE_ALL=1; when the variable is unset, on a CI service (CI=true) too."""
    value = os.environ.get(REQUIRE_ALL, "").strip() or os.environ.get("CI", "").strip()
    return value.lower() in {"1", "true", "yes"}


def _chromium() -> str | None:
    return os.environ.get("ZVIT_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _initdb() -> str | None:
    """initdb from $ZVIT_TEST_PG_BINDIR, `pg_config --bindir` or the newest Debian install, beside its pg_ctl."""
    candidates: list[str] = []
    if os.environ.get("ZVIT_TEST_PG_BINDIR"):
        candidates.append(os.environ["ZVIT_TEST_PG_BINDIR"])
    if pg_config := shutil.which("pg_config"):
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)  # noqa: S603
        candidates.append(result.stdout.strip())
    # Debian keeps the server's programs off PATH, one folder per major version
    candidates += [str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True,
                                          key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)]
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return str(Path(candidate) / "initdb")
    return None


def _executable(path: str) -> str | None:
    """The path when it is a program this user may run (Debian keeps daemons in /usr/sbin, off a user's PATH)."""
    return path if os.access(path, os.X_OK) else None


@dataclass(frozen=True)
class Tool:
    """A program a test needs, how to find it, and the Debian package that has it."""

    package: str
    find: Callable[[], str | None]
    hint: str = ""


TOOLS = {
    "chromium": Tool("chromium", _chromium, " or set ZVIT_TEST_CHROMIUM"),
    "dovecot": Tool("dovecot-imapd", lambda: shutil.which("dovecot") or _executable("/usr/sbin/dovecot")),
    "soffice": Tool("libreoffice-writer-nogui", lambda: shutil.which("soffice")),
    "initdb": Tool("postgresql", _initdb, " or set ZVIT_TEST_PG_BINDIR"),
    "pdfinfo": Tool("poppler-utils", lambda: shutil.which("pdfinfo")),
    "pdftoppm": Tool("poppler-utils", lambda: shutil.which("pdftoppm")),
    "pdftotext": Tool("poppler-utils", lambda: shutil.which("pdftotext")),
}


def find_tool(name: str) -> str | None:
    """The program's path, or None when this machine does not have it."""
    return TOOLS[name].find()


def require_tool(name: str) -> str:
    """The program's path; when it is missing, skip the test (fail it under ZVIT_TESTS_REQUIRE_ALL)."""
    found = find_tool(name)
    if found:
        return found
    tool = TOOLS[name]
    reason = f"{name} not found (apt-get install -y {tool.package}{tool.hint})"
    if require_all():
        pytest.fail(f"{reason}; {REQUIRE_ALL} is set, so the tests that need it must run", pytrace=False)
    pytest.skip(reason)


def postgres_bindir() -> Path:
    """The folder of initdb, pg_ctl and pg_dump (skips or fails the test when PostgreSQL is not installed)."""
    return Path(require_tool("initdb")).parent
