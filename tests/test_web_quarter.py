"""Issue 17: the consolidator's quarter on a real `zvit web` (SQLite, then PostgreSQL): «send the reminder now» goes
through the notification ledger and never twice; «run the quarter» (no Prefect server: `zvit run` here) writes the
consolidated report, which the page links in every format for the consolidator and no one else."""

from __future__ import annotations

import email
import time
from email import policy

import httpx
import pytest

from tests.web_fixtures import (
    FIRST,
    PERIOD,
    PREFIX,
    THIRD,
    ExampleFiles,
    WebServer,
    csrf_of,
    signed_in_client,
    upload,
)
from zvit.warehouse import make_engine
from zvit.warehouse.portal import department_submissions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def consolidator(web_server: WebServer) -> httpx.Client:
    """A responsible executor of the program, signed in as its consolidator."""
    client = signed_in_client(web_server, FIRST, "consolidator")
    yield client
    client.close()


def _quarter(client: httpx.Client, server: WebServer) -> httpx.Response:
    answer = client.get(server.url(f"/quarter?period={PERIOD}"))
    assert answer.status_code == 200, answer.text
    return answer


def test_send_the_reminder_now_goes_once_through_the_ledger(web_server: WebServer,
                                                              consolidator: httpx.Client) -> None:
    page = _quarter(consolidator, web_server)
    assert page.text.count("Надіслати нагадування зараз") == 1  # the third department sent nothing yet
    form = {"csrf": csrf_of(page.text), "period": PERIOD, "program": "efektyvna-vlada", "department": THIRD}
    first = consolidator.post(web_server.url("/quarter/remind"), data=form)
    assert first.headers["location"] == f"{PREFIX}/quarter?period={PERIOD}&notice=sent&about={THIRD}"
    assert "Нагадування надіслано" in consolidator.get(web_server.url(first.headers["location"]
                                                                      .removeprefix(PREFIX))).text
    second = consolidator.post(web_server.url("/quarter/remind"), data=form)
    assert second.headers["location"].endswith("notice=skipped&about=" + THIRD)
    letters = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
               for p in (web_server.home / "outbox").glob("*.eml")]
    assert [str(m["To"]) for m in letters] == ["zvit@zvernennia.example.org"]
    assert letters[0]["X-Zvit-Notice"].startswith(f"overdue/efektyvna-vlada/{PERIOD}/{THIRD}/")
    # a department that sent its report gets none
    sent = consolidator.post(web_server.url("/quarter/remind"), data={**form, "department": FIRST})
    assert sent.headers["location"].endswith(f"notice=none&about={FIRST}")


def test_run_the_quarter_writes_the_report_linked_in_every_format_for_the_consolidator_only(
        web_server: WebServer, consolidator: httpx.Client, example_files: ExampleFiles) -> None:
    clerk = signed_in_client(web_server, THIRD)
    assert upload(clerk, web_server, example_files.corrected).status_code == 303
    page = _quarter(consolidator, web_server)
    assert "Зведений звіт за цей період ще не складено" in page.text
    started = consolidator.post(web_server.url("/quarter/run"), data={"csrf": csrf_of(page.text), "period": PERIOD})
    assert started.status_code == 303
    deadline = time.monotonic() + 400
    while "Завершено" not in (state := _quarter(consolidator, web_server).text) and time.monotonic() < deadline:
        assert "Запуск не вдався" not in state
        time.sleep(2)
    assert "Завершено" in state, state
    links = {fmt: f"/reports/{PERIOD}/efektyvna-vlada{suffix}" for fmt, suffix in (
        ("html", ".html"), ("pdf", ".pdf"), ("docx", ".docx"), ("xlsx", ".xlsx"),
        ("datapackage", "-data/datapackage.json"))}
    for path in links.values():
        assert f'href="{PREFIX}{path}"' in state, path
        download = consolidator.get(web_server.url(path))
        assert download.status_code == 200 and len(download.content) > 1000, path
    assert consolidator.get(web_server.url(links["html"])).text.count("управління звернень") >= 1
    for path in links.values():
        assert clerk.get(web_server.url(path)).status_code == 404, path
    assert consolidator.get(web_server.url(f"/reports/{PERIOD}/..%2F..%2Fzvit.db")).status_code == 404
    # the run found the uploaded file already stored: the department still has the one version it uploaded
    engine = make_engine(web_server.env["ZVIT_DATABASE_URL"])
    try:
        versions = department_submissions(engine, THIRD, period=PERIOD)
    finally:
        engine.dispose()
    assert [(v.submission.version, v.submission.is_current) for v in versions] == [(1, True)]
