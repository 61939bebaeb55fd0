"""The portal as people meet it: `zvit web` in a process of its own over a real warehouse (SQLite or PostgreSQL),
under the path prefix /zvit, with the example's files written by the repo's own generators."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PERIOD, PROGRAM = "2022-Q3", "efektyvna-vlada"
#: the example's third department: its report cites a wrong decision (№1430) and a wrong date for №279
THIRD = "upravlinnia-zvernen"
FIRST = "viddil-deputatskoi-diialnosti"
SECOND = "upravlinnia-zviazkiv"
#: what the corrected third report cites instead (the same fix tests/test_flows.py makes)
CORRECTED = ("02.12.2020 р. № 1430 та зміни від 23.09.2022 № 279",
             "24.12.2020 № 31 та зміни від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558")
PREFIX = "/zvit"
#: the system Chromium, never a downloaded one
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ExampleFiles:
    """The example's three reports as the Word files departments send, and the third one corrected."""

    first: Path
    second: Path
    third: Path
    corrected: Path


def write_example_files(folder: Path, seed_path: Path) -> ExampleFiles:
    """`zvit example-inbox` into a folder, and the third report with its decisions corrected."""
    from zvit.intake import read_layouts
    from zvit.samples.docx_writer import write_docx

    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "zvit", "example-inbox", "--inbox", str(folder)], check=True,
                   capture_output=True, cwd=folder)
    files = sorted(folder.glob("*.docx"))
    text = folder / "corrected.txt"
    text.write_text(seed_path.read_text(encoding="utf-8").replace(*CORRECTED), encoding="utf-8")
    corrected = write_docx([read_layouts(text)[2]], folder / "zvit-vypravlenyi.docx")
    text.unlink()
    return ExampleFiles(files[0], files[1], files[2], corrected)


class WebServer:
    """`zvit web` in a process of its own, with its own warehouse, inbox, reports and outbox folders."""

    def __init__(self, home: Path, database_url: str, *, base_url: str | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.home = home
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base = f"{self.origin}{PREFIX}"
        self.env = {**os.environ, "ZVIT_DATABASE_URL": database_url, "ZVIT_INBOX_DIR": str(home / "inbox"),
                    "ZVIT_REPORTS_DIR": str(home / "reports"), "ZVIT_OUTBOX_DIR": str(home / "outbox"),
                    "ZVIT_WEB_PORT": str(self.port), "ZVIT_WEB_ROOT_PATH": PREFIX,
                    "ZVIT_WEB_BASE_URL": base_url or self.base, "ZVIT_CONSOLIDATOR_EMAILS": "",
                    "PREFECT_HOME": str(home / "prefect"), "DO_NOT_TRACK": "1", **(extra_env or {})}
        self.env.pop("PREFECT_API_URL", None)
        self.log = home / "access.log"
        self.errors = home / "server.err"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WebServer:
        """Start the server and wait until /healthz answers."""
        self.home.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out, self.errors.open("wb") as err:
            self.process = subprocess.Popen([sys.executable, "-m", "zvit", "web"], env=self.env, cwd=self.home,
                                            stdout=out, stderr=err)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"zvit web exited: {self.errors.read_text(errors='replace')}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"zvit web did not answer: {self.errors.read_text(errors='replace')}")

    def stop(self) -> None:
        """Stop the server this object started."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def zvit(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A `zvit` command with the server's settings."""
        return subprocess.run([sys.executable, "-m", "zvit", *args], env=self.env, cwd=self.home,
                              capture_output=True, text=True, timeout=300, check=False)

    def link(self, who: str, role: str = "department") -> str:
        """A one-time sign-in link from `zvit web link`."""
        result = self.zvit("web", "link", who, "--role", role)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def url(self, path: str) -> str:
        """The address of a page."""
        return f"{self.base}{path}"


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def signed_in_client(server: WebServer, who: str, role: str = "department") -> httpx.Client:
    """An HTTP client signed in through a one-time link, as a browser would be."""
    link = server.link(who, role)
    client = httpx.Client(timeout=60)
    page = client.get(link)
    assert page.status_code == 200, page.text
    answer = client.post(link, data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303, answer.text
    return client


def upload(client: httpx.Client, server: WebServer, path: Path, *, name: str | None = None,
           period: str = PERIOD, program: str = PROGRAM) -> httpx.Response:
    """Upload a file through the form (the response is the redirect to its verdict, or the refusal)."""
    form = client.get(server.url("/upload"))
    assert form.status_code == 200, form.text
    with path.open("rb") as handle:
        return client.post(server.url("/upload"), files={"file": (name or path.name, handle)},
                           data={"csrf": csrf_of(form.text), "period": period, "program": program})


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def web_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new, empty warehouse for the module's server: SQLite, then PostgreSQL (the server migrates it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('web-sqlite') / 'zvit.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture(scope="module")
def example_files(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> ExampleFiles:
    """The example's reports as .docx, and the third one corrected."""
    return write_example_files(tmp_path_factory.mktemp("web-example"), seed_path)


@pytest.fixture(scope="module")
def web_server(web_database: str, tmp_path_factory: pytest.TempPathFactory,
               example_files: ExampleFiles) -> Iterator[WebServer]:
    """`zvit web` over a warehouse holding the first two example departments' reports (loaded by `zvit load`)."""
    server = WebServer(tmp_path_factory.mktemp("web-home"), web_database).start()
    try:
        loaded = server.zvit("load", "--period", PERIOD, str(example_files.first), str(example_files.second))
        assert loaded.returncode == 0, loaded.stderr
        yield server
    finally:
        server.stop()
