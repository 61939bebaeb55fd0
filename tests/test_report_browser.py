"""The HTML report in headless Chromium: no console errors, markup shown as text, prints on A4 landscape.

Screenshots and page images are kept as test artifacts in $ZVIT_TEST_ARTIFACTS (default build/test-artifacts/).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.report_fixtures import SCRIPT
from tests.tools import require_tool
from zvit.processes import stop

ROOT = Path(__file__).resolve().parent.parent
#: Debian's chromium and poppler's pdftoppm, found by tests/tools.py (`.ci/run` installs them)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-debugging-port=0", "--window-size=1280,900")


def artifacts_dir() -> Path:
    """Where the test keeps pictures for people to look at."""
    folder = Path(os.environ.get("ZVIT_TEST_ARTIFACTS") or ROOT / "build" / "test-artifacts") / "report"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class PageVisit:
    """What happened while a page loaded: console messages, uncaught exceptions, failed loads, log errors."""

    problems: list[str] = field(default_factory=list)
    session: str = ""


class Chromium:
    """Headless Chromium driven over the DevTools protocol (a few commands, no library)."""

    def __init__(self, binary: str) -> None:
        from websockets.sync.client import connect

        self.profile = Path(tempfile.mkdtemp(prefix="zvit-chromium-"))
        self.log = (self.profile / "chromium.log").open("wb")
        self.process = subprocess.Popen([binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        port, path = self._endpoint()
        self.socket = connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=30)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def _endpoint(self) -> tuple[str, str]:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if marker.is_file() and len(lines := marker.read_text().splitlines()) >= 2:
                return lines[0], lines[1]
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.close()
        raise RuntimeError(f"Chromium did not start: {(self.profile / 'chromium.log')}")

    def send(self, method: str, session: str | None = None, timeout: float = 30, **params: Any) -> dict[str, Any]:
        """Run one command and return its result; events that arrive meanwhile are kept."""
        number = next(self.ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if reply.get("id") == number:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 30) -> None:
        """Wait until the page sends the event `method`."""
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            self.events.append(json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01))))

    def visit(self, url: str) -> PageVisit:
        """Open `url` in a new tab and collect every error reported while it loads."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session)
        self.send("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired", session)
        self.send("Runtime.evaluate", session, expression="new Promise(r => setTimeout(r, 200))", awaitPromise=True)
        visit = PageVisit(session=session)
        for event in (e for e in self.events if e.get("sessionId") == session):
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                visit.problems.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                visit.problems.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
                visit.problems.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Network.loadingFailed":
                visit.problems.append(f"load failed: {params.get('errorText')}")
        return visit

    def evaluate(self, session: str, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        return self.send("Runtime.evaluate", session, expression=expression, returnByValue=True)["result"].get("value")

    def screenshot(self, session: str) -> bytes:
        """A PNG of the whole page."""
        size = self.send("Page.getLayoutMetrics", session)["cssContentSize"]
        self.send("Emulation.setDeviceMetricsOverride", session, width=1280, height=int(size["height"]),
                  deviceScaleFactor=1, mobile=False)
        return base64.b64decode(self.send("Page.captureScreenshot", session, format="png")["data"])

    def print_pdf(self, session: str) -> bytes:
        """The page printed as the browser prints it, page size from the CSS."""
        return base64.b64decode(self.send("Page.printToPDF", session, preferCSSPageSize=True,
                                          printBackground=True)["data"])

    def close(self) -> None:
        """Stop the browser this object started and remove its profile."""
        if getattr(self, "socket", None) is not None:
            self.socket.close()
        stop(self.process, grace_seconds=10)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """One headless Chromium for the session."""
    browser = Chromium(require_tool("chromium"))
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def report_visit(chromium: Chromium, rendered: dict[str, Path]) -> PageVisit:
    """The seed report's HTML page, opened once."""
    return chromium.visit(rendered["html"].resolve().as_uri())


def pdf_page_png(pdf: Path, target: Path, page: int = 1) -> Path:
    """One PDF page as a PNG (poppler's pdftoppm)."""
    tool = require_tool("pdftoppm")
    stem = target.with_suffix("")
    subprocess.run([tool, "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
                   check=True, capture_output=True)
    return stem.with_suffix(".png")


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_the_html_report_opens_in_chromium_without_console_errors(chromium: Chromium,
                                                                    report_visit: PageVisit) -> None:
    assert report_visit.problems == []
    session = report_visit.session
    assert chromium.evaluate(session, "document.title").startswith("Зведений звіт про результати виконання")
    assert chromium.evaluate(session, "document.querySelectorAll('table.form tr.line').length") == 15
    assert chromium.evaluate(session, "document.querySelector('tr.total td[data-field=financed]').textContent") == \
        "716,34"
    assert chromium.evaluate(session, "document.scripts.length") == 0
    shot = artifacts_dir() / "report-chromium-screenshot.png"
    shot.write_bytes(chromium.screenshot(session))
    width, height = png_size(shot)
    assert width == 1280 and height > 2000  # the whole page, not the first screen


def test_chromium_prints_the_html_on_a4_landscape(chromium: Chromium, report_visit: PageVisit) -> None:
    printed = artifacts_dir() / "report-chromium-print.pdf"
    printed.write_bytes(chromium.print_pdf(report_visit.session))
    info = subprocess.run([require_tool("pdfinfo"), str(printed)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+84\d\.\d+ x 59\d\.\d+ pts \(A4\)", info)  # landscape: wider than high
    width, height = png_size(pdf_page_png(printed, artifacts_dir() / "report-chromium-print-page-1.png"))
    assert width > height


def test_the_pdf_first_page_is_saved_as_a_picture(rendered: dict[str, Path]) -> None:
    page = pdf_page_png(rendered["pdf"], artifacts_dir() / "report-pdf-page-1.png")
    width, height = png_size(page)
    assert abs(width - 935) <= 2 and abs(height - 661) <= 2  # A4 landscape (297 x 210 mm) at 80 dpi


def test_a_script_typed_into_a_cell_is_shown_as_text_in_chromium(chromium: Chromium,
                                                                  hostile_files: dict[str, Path]) -> None:
    visit = chromium.visit(hostile_files["html"].resolve().as_uri())
    # a script that slipped through would also break the page's content security policy: an error here
    assert visit.problems == []
    assert chromium.evaluate(visit.session, "document.scripts.length") == 0
    assert chromium.evaluate(visit.session, "document.images.length") == 0
    # the cell's own text, then the reference to the annex's finding about it
    assert chromium.evaluate(visit.session, "document.querySelector('tr.line td.text').firstChild.textContent") \
        == SCRIPT
    (artifacts_dir() / "hostile-chromium-screenshot.png").write_bytes(chromium.screenshot(visit.session))
