"""The SMTP password and the database password never appear in anything zvit leaves behind (issue 9).

Real runs of `zvit run` against a real Prefect server, a PostgreSQL server that checks passwords (SCRAM, over
TCP) and an SMTP server that requires AUTH: runs that succeed, and runs that fail on every path that holds a
secret (wrong SMTP password, wrong database password, database down, no mail server). Then every output is
searched for each secret, as typed and as SMTP AUTH encodes it: stdout, stderr, the Prefect server's log,
database and API (logs, artifacts, runs), its result storage, the reports (inside .docx/.xlsx too, the PDF as
text), the outbox, the messages the SMTP server received, and a dump of every warehouse.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pypdf import PdfReader
from sqlalchemy import text

from tests.prefect_servers import api_request, running_server, server_settings
from tests.smtp_fixtures import HOST, Received, free_port
from tests.tools import postgres_bindir
from tests.warehouse_fixtures import PostgresServer

pytestmark = [pytest.mark.slow, pytest.mark.postgres,
              pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]
ROOT = Path(__file__).resolve().parent.parent
SMTP_USER, SMTP_SECRET, WRONG_SMTP_SECRET = "zvit-mailer", "SmtpSekret7q2Wx9", "WrongSmtp4Fh8Kd3"
DB_USER, DB_SECRET, WRONG_DB_SECRET = "zvit_loader", "DbSekret5n3Vb8", "WrongDb6Jm2Pz7"
SECRETS = (SMTP_SECRET, WRONG_SMTP_SECRET, DB_SECRET, WRONG_DB_SECRET)
DATABASES = ("zvit_ok", "zvit_mail_refused", "zvit_outbox")
FORBIDDEN = "zvit_forbidden"


def _forms(secret: str, user: str) -> list[bytes]:
    """The secret as typed, and as SMTP AUTH PLAIN and LOGIN send it (base64)."""
    return [secret.encode(), base64.b64encode(secret.encode()),
            base64.b64encode(f"\0{user}\0{secret}".encode())]


FORMS = {secret: _forms(secret, SMTP_USER if "Smtp" in secret else DB_USER) for secret in SECRETS}


@dataclass
class Run:
    """One `zvit run` and what it printed."""

    name: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Runs:
    """Every run, the folder holding their inbox, reports and outboxes, and what the SMTP server saw."""

    runs: dict[str, Run]
    root: Path
    messages: list[Received]
    logins: list[tuple[str, str]]


class _Relay:
    """aiosmtpd handler keeping every message (the AUTH check is the server's authenticator)."""

    def __init__(self, messages: list[Received]) -> None:
        self.messages = messages

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def relay() -> Iterator[tuple[int, list[Received], list[tuple[str, str]]]]:
    """A plain SMTP relay on 127.0.0.1 that requires AUTH as SMTP_USER / SMTP_SECRET."""
    messages: list[Received] = []
    logins: list[tuple[str, str]] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        offered = (data.login.decode(), data.password.decode())
        logins.append(offered)
        return AuthResult(success=offered == (SMTP_USER, SMTP_SECRET), handled=False)

    controller = Controller(_Relay(messages), hostname=HOST, port=free_port(), ready_timeout=5,
                            authenticator=authenticate, auth_required=True, auth_require_tls=False)
    controller.start()
    yield controller.port, messages, logins
    controller.stop()


@pytest.fixture(scope="module")
def scram_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own where `zvit_loader` must give its password over TCP (SCRAM)."""
    server = PostgresServer(postgres_bindir())
    try:
        server.start()
        admin = server.admin()
        with admin.connect() as connection:
            connection.execute(text(f"CREATE ROLE {DB_USER} LOGIN PASSWORD '{DB_SECRET}'"))
            for name in DATABASES:
                connection.execute(text(f'CREATE DATABASE "{name}" OWNER {DB_USER}'))
            # zvit may connect but not create its tables: the run fails inside the flow, on a database error
            connection.execute(text(f'CREATE DATABASE "{FORBIDDEN}"'))
        admin.dispose()
        # the test's own admin stays trusted; zvit's role must authenticate
        (server.data / "pg_hba.conf").write_text("local all all trust\n"
                                                 "host all postgres 127.0.0.1/32 trust\n"
                                                 f"host all {DB_USER} 127.0.0.1/32 scram-sha-256\n")
        reload = server._run(str(server.bindir / "pg_ctl"), "-D", str(server.data), "reload")
        assert reload.returncode == 0, reload.stderr
        time.sleep(1)  # the postmaster rereads pg_hba.conf on SIGHUP, asynchronously
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """A real `prefect server start`: its API URL, its PREFECT_HOME and its log file."""
    folder = tmp_path_factory.mktemp("prefect")
    env = server_settings(folder / "home")
    with running_server(env, folder / "server.log", seconds=120):
        yield env["PREFECT_API_URL"], folder / "home", folder / "server.log"


@pytest.fixture(scope="module")
def outcome(scram_postgres: PostgresServer, prefect_api: tuple[str, Path, Path],
            relay: tuple[int, list[Received], list[tuple[str, str]]],
            tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Every run, successful or failing on a path that holds a secret."""
    api, prefect_home, _ = prefect_api
    smtp_port, messages, logins = relay
    root = tmp_path_factory.mktemp("secrets")
    subprocess.run([sys.executable, "-m", "zvit", "example-inbox", "--inbox", str(root / "inbox" / "2022-Q3")],
                   cwd=ROOT, check=True, capture_output=True)

    def database(name: str, password: str = DB_SECRET, port: int | None = None) -> str:
        return f"postgresql+psycopg://{DB_USER}:{password}@127.0.0.1:{port or scram_postgres.port}/{name}"

    mail = {"ZVIT_SMTP_HOST": HOST, "ZVIT_SMTP_PORT": str(smtp_port), "ZVIT_SMTP_SECURITY": "plain",
            "ZVIT_SMTP_USERNAME": SMTP_USER, "ZVIT_SMTP_PASSWORD": SMTP_SECRET}
    cases = {
        # everything works: notices and the digest go out through the authenticated relay
        "delivered": {**mail, "ZVIT_DATABASE_URL": database("zvit_ok")},
        # the relay refuses the password: notices are queued, the error is recorded in the ledger and logged
        "mail-refused": {**mail, "ZVIT_SMTP_PASSWORD": WRONG_SMTP_SECRET,
                         "ZVIT_DATABASE_URL": database("zvit_mail_refused")},
        # no relay: messages become .eml files (the password is set, and unused)
        "outbox": {"ZVIT_SMTP_PASSWORD": SMTP_SECRET, "ZVIT_DATABASE_URL": database("zvit_outbox")},
        # the database refuses the password: the run fails (exit 3) before its flow starts
        "database-refused": {**mail, "ZVIT_DATABASE_URL": database("zvit_ok", WRONG_DB_SECRET)},
        # the database is down: the same
        "database-down": {**mail, "ZVIT_DATABASE_URL": database("zvit_ok", port=free_port())},
        # the database refuses to create the tables: the flow fails, its hook alerts the operators by mail
        "database-forbidden": {**mail, "ZVIT_DATABASE_URL": database(FORBIDDEN)},
    }

    def run(name: str) -> Run:
        folder = root / name
        env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": str(prefect_home),
               "PREFECT_LOGGING_LEVEL": "DEBUG", "PREFECT_LOGGING_EXTRA_LOGGERS": "zvit,sqlalchemy,smtplib",
               "DO_NOT_TRACK": "1", "ZVIT_INBOX_DIR": str(root / "inbox"), "ZVIT_REPORTS_DIR": str(folder / "reports"),
               "ZVIT_OUTBOX_DIR": str(folder / "outbox"), **cases[name]}
        folder.mkdir()
        done = subprocess.run([sys.executable, "-m", "zvit", "run", "--period", "2022-Q3"], cwd=folder,
                              env=env, capture_output=True, text=True, timeout=600, check=False)
        return Run(name, done.returncode, done.stdout, done.stderr)

    # the successful runs share nothing but the inbox (each has its own database); the failing ones store nothing
    with ThreadPoolExecutor(3) as pool:
        done = {r.name: r for r in pool.map(run, cases)}
    return Runs(done, root, messages, logins)


def _leaks(data: bytes) -> list[str]:
    return [secret for secret, forms in FORMS.items() if any(form in data for form in forms)]


def _file_texts(folder: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file under `folder` as bytes, with Office files' members inflated and PDFs as their text."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield path, data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield path / member, archive.read(member)
        if path.suffix == ".pdf":
            yield path, "\n".join(page.extract_text() for page in PdfReader(path).pages).encode()


def _api_records(api: str) -> dict[str, list[dict]]:
    """What the Prefect UI shows: runs (with parameters and state messages), task runs, logs and artifacts."""
    found: dict[str, list[dict]] = {}
    for kind in ("flow_runs", "task_runs", "logs", "artifacts", "deployments", "variables"):
        records: list[dict] = []
        while True:
            page = api_request("POST", f"{api}/{kind}/filter", json={"limit": 200, "offset": len(records)},
                               timeout=30).json()
            records += page
            if len(page) < 200:
                break
        found[kind] = records
    return found


def test_the_runs_ended_as_each_path_should(outcome: Runs) -> None:
    assert {name: run.returncode for name, run in outcome.runs.items()} == {
        "delivered": 0, "mail-refused": 0, "outbox": 0, "database-refused": 3, "database-down": 3,
        "database-forbidden": 3}
    assert "permission denied" in outcome.runs["database-forbidden"].stderr
    assert f'password authentication failed for user "{DB_USER}"' in outcome.runs["database-refused"].stderr
    assert (SMTP_USER, WRONG_SMTP_SECRET) in outcome.logins and (SMTP_USER, SMTP_SECRET) in outcome.logins
    subjects = sorted(str(message.message["Subject"]) for message in outcome.messages)
    assert any(subject.startswith("Звіт відхилено") for subject in subjects), subjects
    assert "[Звіти за програмами] Запуск «2022-Q3»: помилка" in subjects  # the operators' alert from the failed flow


def test_no_secret_is_printed(outcome: Runs) -> None:
    printed = {name: _leaks((run.stdout + run.stderr).encode()) for name, run in outcome.runs.items()}
    assert printed == {name: [] for name in outcome.runs}


def test_no_secret_reaches_the_prefect_api_its_database_or_its_log(
        outcome: Runs, prefect_api: tuple[str, Path, Path]) -> None:
    api, home, log = prefect_api
    records = _api_records(api)
    # the three runs that reached the warehouse and the one it refused inside the flow (the other two fail
    # before a flow run starts: the warehouse is checked first)
    assert len(records["flow_runs"]) == 4 and records["logs"] and records["artifacts"]
    assert _leaks(json.dumps(records, ensure_ascii=False).encode()) == []
    # the server's own SQLite database (and its write-ahead log), result storage and everything else it keeps
    leaks = {str(path): found for path, data in _file_texts(home) if (found := _leaks(data))}
    assert leaks == {}
    assert _leaks(log.read_bytes()) == []


def test_no_secret_in_reports_outbox_or_mail(outcome: Runs) -> None:
    reports = list((outcome.root / "delivered" / "reports").rglob("*.html"))
    outbox = list((outcome.root / "outbox" / "outbox").glob("*.eml"))
    assert reports and len(outbox) >= 2  # there was something to search: the report, the notice and digest
    leaks = {str(path): found for path, data in _file_texts(outcome.root) if (found := _leaks(data))}
    assert leaks == {}
    assert outcome.messages and [_leaks(m.data) for m in outcome.messages] == [[]] * len(outcome.messages)


def test_no_secret_in_any_warehouse(outcome: Runs, scram_postgres: PostgresServer) -> None:
    for name in DATABASES:
        dump = subprocess.run([str(scram_postgres.bindir / "pg_dump"), "-h", "127.0.0.1", "-p",
                               str(scram_postgres.port), "-U", "postgres", "--data-only", name],
                              capture_output=True, check=True).stdout
        assert b"COPY public.notification" in dump  # the ledger, where delivery errors are recorded
        assert _leaks(dump) == [], name


def test_a_malformed_database_url_is_refused_without_its_password(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from zvit.cli import main

    monkeypatch.setenv("ZVIT_DATABASE_URL", f"postgresql://{DB_USER}:{DB_SECRET}@127.0.0.1:54x32/zvit")
    assert main(["db", "upgrade"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("zvit: invalid database URL") and _leaks(error.encode()) == []
