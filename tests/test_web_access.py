"""Issue 17: who may see what on a real `zvit web` (SQLite, then PostgreSQL): no department sees another's data by
any URL, a link works once and not after it expires, a form without its CSRF token is refused, an upload past the
limits is refused in one line with nothing stored, and the access log holds no secret."""

from __future__ import annotations

import email
import hashlib
import json
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import models
from models.access import WebLink
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
from zvit.registry import load_registry
from zvit.settings import DEFAULT_REGISTRY_DIR
from zvit.warehouse import make_engine
from zvit.warehouse.portal import department_submissions
from zvit.web import auth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(web_server: WebServer) -> Iterator[Engine]:
    """The server's warehouse, to look at what it stored."""
    warehouse = make_engine(web_server.env["ZVIT_DATABASE_URL"])
    yield warehouse
    warehouse.dispose()


@pytest.fixture(scope="module")
def other(web_server: WebServer) -> httpx.Client:
    """The first example department, signed in: its report was loaded, and it uploads a broken file."""
    client = signed_in_client(web_server, FIRST)
    yield client
    client.close()


@pytest.fixture(scope="module")
def mine(web_server: WebServer) -> httpx.Client:
    """The third example department, signed in."""
    client = signed_in_client(web_server, THIRD)
    yield client
    client.close()


def _received_count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.scalars(select(models.ReceivedFile)).all())


def _inbox(server: WebServer) -> list[str]:
    folder = server.home / "inbox" / PERIOD
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_department_cannot_open_list_or_download_anything_of_another(
        web_server: WebServer, engine: Engine, other: httpx.Client, mine: httpx.Client, tmp_path: Path) -> None:
    broken = tmp_path / "zvit.docx"
    broken.write_bytes(b"this is not a Word file")
    refused = upload(other, web_server, broken)
    assert refused.status_code == 303 and "/files/" in refused.headers["location"]
    file_id = int(refused.headers["location"].rsplit("/", 1)[1])
    [theirs] = department_submissions(engine, FIRST)
    their_file = theirs.submission.source_file
    # the guard: the owner sees all of it, so a refusal below is the role check, not a broken page
    assert other.get(web_server.url(f"/submissions/{theirs.id}")).status_code == 200
    assert other.get(web_server.url(f"/files/{file_id}")).status_code == 200
    nowhere = mine.get(web_server.url("/submissions/999999"))
    assert nowhere.status_code == 404

    urls = [f"/submissions/{theirs.id}", f"/submissions/{theirs.id}/file", f"/files/{file_id}",
            f"/departments/{FIRST}", "/quarter", f"/quarter?period={PERIOD}",
            f"/reports/{PERIOD}/efektyvna-vlada.html", f"/reports/{PERIOD}/efektyvna-vlada-data/datapackage.json"]
    # ids guessed one after another: every one that is not the department's own is the same «not found»
    urls += [f"/submissions/{n}" for n in range(1, 30)] + [f"/submissions/{n}/file" for n in range(1, 30)]
    urls += [f"/files/{n}" for n in range(1, 30)]
    for url in urls:
        answer = mine.get(web_server.url(url))
        assert answer.status_code == 404, url
        assert answer.text == nowhere.text, url  # nothing tells an existing id from a missing one
        assert their_file not in answer.text and "депутатської" not in answer.text, url
    listing = mine.get(web_server.url(f"/departments/{THIRD}"))
    assert listing.status_code == 200 and their_file not in listing.text and "zvit.docx" not in listing.text
    remind = mine.get(web_server.url(f"/departments/{THIRD}"))
    answer = mine.post(web_server.url("/quarter/remind"), data={
        "csrf": csrf_of(remind.text), "period": PERIOD, "program": "efektyvna-vlada", "department": FIRST})
    assert answer.status_code == 404


def test_pages_and_downloads_need_a_sign_in(web_server: WebServer) -> None:
    for path in ("/quarter", f"/departments/{THIRD}", "/submissions/1", "/submissions/1/file", "/files/1",
                 "/upload", f"/reports/{PERIOD}/efektyvna-vlada.html"):
        answer = httpx.get(web_server.url(path))
        assert (answer.status_code, answer.headers["location"]) == (303, f"{PREFIX}/sign-in"), path
    health = httpx.get(web_server.url("/healthz"))
    assert (health.status_code, health.json()) == (200, {"status": "ok", "database": "ok"})


def test_a_used_link_is_refused(web_server: WebServer, engine: Engine) -> None:
    link = web_server.link(THIRD)
    token = link.rsplit("/", 1)[1]
    with Session(engine) as session:
        row = session.scalars(select(WebLink).where(WebLink.token_sha256 == hashlib.sha256(token.encode())
                                                    .hexdigest())).one()
    assert token not in (row.token_sha256, row.email, row.programs)  # only the hash is kept
    first = httpx.Client()
    page = first.get(link)
    answer = first.post(link, data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303 and "zvit_session" in answer.cookies
    second = httpx.Client()
    assert second.get(link).status_code == 410
    page = second.get(web_server.url("/sign-in"))
    again = second.post(link, data={"csrf": csrf_of(page.text)})
    assert again.status_code == 410 and "zvit_session" not in again.cookies
    assert "вже використано або строк його дії минув" in again.text


def test_an_expired_link_is_refused(web_server: WebServer, engine: Engine) -> None:
    grant = auth.department_grant(load_registry(DEFAULT_REGISTRY_DIR), THIRD)
    token = auth.issue_link(engine, grant, minutes=30, now=datetime.now(UTC) - timedelta(minutes=31))
    client = httpx.Client()
    assert client.get(web_server.url(f"/link/{token}")).status_code == 410
    page = client.get(web_server.url("/sign-in"))
    answer = client.post(web_server.url(f"/link/{token}"), data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 410 and "zvit_session" not in answer.cookies


def test_a_form_without_its_csrf_token_is_refused(web_server: WebServer, engine: Engine, mine: httpx.Client,
                                                  other: httpx.Client, example_files: ExampleFiles) -> None:
    files, received = _inbox(web_server), _received_count(engine)
    with example_files.third.open("rb") as handle:
        bare = mine.post(web_server.url("/upload"), files={"file": ("zvit.docx", handle)},
                         data={"period": PERIOD, "program": "efektyvna-vlada"})
    assert bare.status_code == 403 and "Форму відхилено" in bare.text
    # a token of another session is no better
    foreign = csrf_of(other.get(web_server.url("/upload")).text)
    with example_files.third.open("rb") as handle:
        crossed = mine.post(web_server.url("/upload"), files={"file": ("zvit.docx", handle)},
                            data={"csrf": foreign, "period": PERIOD, "program": "efektyvna-vlada"})
    assert crossed.status_code == 403
    assert (_inbox(web_server), _received_count(engine)) == (files, received)
    assert mine.post(web_server.url("/sign-out")).status_code == 403
    assert mine.get(web_server.url(f"/departments/{THIRD}")).status_code == 200  # still signed in
    assert httpx.post(web_server.url("/sign-in"), data={"email": "zvit@zvernennia.example.org"}).status_code == 403


def test_an_upload_over_the_limits_is_refused_in_one_line_and_nothing_is_stored(
        web_server: WebServer, engine: Engine, mine: httpx.Client, tmp_path: Path) -> None:
    files, received = _inbox(web_server), _received_count(engine)
    big = tmp_path / "zvit.csv"
    big.write_bytes(b"a;b\n" * (5 * 2**20 // 4 + 1))  # past the intake's 5 MB for a text file
    answer = upload(mine, web_server, big)
    assert answer.status_code == 413
    [line] = re.findall(r'<p class="error-line"><a href="#file">([^<]*)</a></p>', answer.text)
    assert line.startswith("Файл «zvit.csv» завеликий: 5,0 МБ") and line.endswith("Нічого не збережено.")
    assert (_inbox(web_server), _received_count(engine)) == (files, received)
    # a declared size past every limit is answered before the body is read
    with socket.create_connection(("127.0.0.1", web_server.port), timeout=30) as raw:
        raw.sendall(f"POST {PREFIX}/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                    f"boundary=x\r\nCookie: zvit_session={mine.cookies['zvit_session']}\r\n"
                    f"Content-Length: {60 * 2**20}\r\n\r\n--x\r\n".encode())
        assert raw.recv(4096).split(b"\r\n", 1)[0] == b"HTTP/1.1 413 Request Entity Too Large"
    assert (_inbox(web_server), _received_count(engine)) == (files, received)


def test_a_link_asked_for_by_mail_reaches_the_registered_address_and_requests_are_limited(
        web_server: WebServer) -> None:
    client = httpx.Client()
    answers = []
    for _ in range(4):
        page = client.get(web_server.url("/sign-in"))
        answers.append(client.post(web_server.url("/sign-in"), data={
            "csrf": csrf_of(page.text), "email": "zvit@zvernennia.example.org", "role": "department"}))
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "Перевірте пошту" in answers[0].text and "Забагато запитів" in answers[3].text
    unknown = client.post(web_server.url("/sign-in"), data={
        "csrf": csrf_of(client.get(web_server.url("/sign-in")).text), "email": "nobody@example.org"})
    assert unknown.status_code == 200 and "Перевірте пошту" in unknown.text  # the same answer: nothing revealed
    letters = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
               for p in sorted((web_server.home / "outbox").glob("*.eml"))]
    assert len(letters) == 3 and {str(m["To"]) for m in letters} == {"zvit@zvernennia.example.org"}
    body = letters[0].get_body(preferencelist=("plain",)).get_content()
    [link] = re.findall(r"http://\S+/link/\S+", body)
    assert link.startswith(web_server.base)
    browser = httpx.Client()
    page = browser.get(link)
    signed = browser.post(link, data={"csrf": csrf_of(page.text)})
    assert signed.status_code == 303
    [cookie] = [c for c in signed.headers.get_list("set-cookie") if c.startswith("zvit_session=")]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and f"Path={PREFIX}" in cookie
    assert "Secure" not in cookie  # served over plain HTTP here; over HTTPS the cookie is Secure
    assert browser.get(web_server.url("/")).headers["location"] == f"{PREFIX}/departments/{THIRD}"


def test_the_access_log_is_json_lines_without_tokens_or_cookies(web_server: WebServer, mine: httpx.Client) -> None:
    link = web_server.link(THIRD)
    httpx.get(link)
    mine.get(web_server.url(f"/departments/{THIRD}?secret=42"))
    lines = [json.loads(line) for line in web_server.log.read_text(encoding="utf-8").splitlines() if line]
    assert {"method", "path", "status", "ms", "role", "client"} <= set(lines[-1])
    text = web_server.log.read_text(encoding="utf-8")
    assert link.rsplit("/", 1)[1] not in text and f"{PREFIX}/link/…" in text
    assert mine.cookies["zvit_session"] not in text and "secret=42" not in text
    assert any(line["role"] == "department" and line["department"] == THIRD for line in lines)
