"""The portal as people meet it: `zvit web` in a process of its own over a real warehouse (SQLite or PostgreSQL),
under the path prefix /zvit, with the example's files written by the repo's own generators (the server and the
files are bench/web.py's, which the benchmark uses too)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.web import (
    CHROMIUM_ARGS,
    CORRECTED,
    PERIOD,
    PREFIX,
    PROGRAM,
    THIRD,
    ExampleFiles,
    WebServer,
    free_port,
    submit,
    write_example_files,
)
from tests.warehouse_fixtures import fresh_url

FIRST = "viddil-deputatskoi-diialnosti"
SECOND = "upravlinnia-zviazkiv"
__all__ = ["CHROMIUM_ARGS", "CORRECTED", "FIRST", "PERIOD", "PREFIX", "PROGRAM", "SECOND", "THIRD", "ExampleFiles",
           "WebServer", "csrf_of", "free_port", "signed_in_client", "submit", "upload",
           "write_example_files"]


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
    yield from fresh_url(request.param, request, tmp_path_factory.mktemp("web-sqlite"), name="zvit.db")


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
