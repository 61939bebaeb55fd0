"""`zvit run` killed at any point, run twice at once, or without its database: the warehouse and reports stay whole.

Every run is a real `zvit run` process against one real Prefect server started for this module; the runs share
one inbox (the example's three Word files), so each warehouse is compared with one uninterrupted run.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

import models
from tests.prefect_servers import free_port, running_server, server_settings
from tests.warehouse_fixtures import PostgresServer
from zvit.report.atomic import remove_orphans, write_atomic
from zvit.warehouse import make_engine, view_rows

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2022-Q3"
#: The date-and-time a report is prepared at: the one part of a report that differs between two runs.
PREPARED = re.compile(r"Сформовано[^<\n]*")


@pytest.fixture(scope="module")
def prefect_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One real `prefect server start` for the module: a `zvit run` pointed at it starts no server of its own."""
    home = tmp_path_factory.mktemp("prefect")
    env = {**server_settings(home), "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    with running_server(env, home / "server.log"):
        print(f"\nPrefect server started in {time.monotonic() - started:.1f}s")
        yield env


@pytest.fixture(scope="module")
def inbox(prefect_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's three Word files in `<inbox>/2022-Q3/`, shared by every run of the module."""
    root = tmp_path_factory.mktemp("inbox")
    subprocess.run([sys.executable, "-m", "zvit", "example-inbox"], env={**prefect_env, "ZVIT_INBOX_DIR": str(root)},
                   cwd=root, check=True, capture_output=True)
    return root


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its bytes and modification time."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass(frozen=True)
class Place:
    """Where one run keeps its warehouse, reports and outbox."""

    env: dict[str, str]
    root: Path

    @property
    def reports(self) -> Path:
        """The period's report folder."""
        return Path(self.env["ZVIT_REPORTS_DIR"]) / PERIOD

    @property
    def outbox(self) -> Path:
        """Where notices are written as .eml files."""
        return Path(self.env["ZVIT_OUTBOX_DIR"])

    @property
    def database_url(self) -> str:
        """The warehouse URL."""
        return self.env["ZVIT_DATABASE_URL"]


def _place(prefect_env: dict[str, str], inbox: Path, root: Path, database_url: str | None = None) -> Place:
    root.mkdir(parents=True, exist_ok=True)
    env = {**prefect_env, "ZVIT_INBOX_DIR": str(inbox), "ZVIT_REPORTS_DIR": str(root / "reports"),
           "ZVIT_OUTBOX_DIR": str(root / "outbox"),
           "ZVIT_DATABASE_URL": database_url or f"sqlite:///{root / 'zvit.db'}"}
    return Place(env, root)


@dataclass
class Run:
    """A `zvit run --json` process, its own process group, output in files (a pipe could fill and stall it)."""

    process: subprocess.Popen[bytes]
    out: Path
    err: Path

    @classmethod
    def start(cls, place: Place, name: str) -> Run:
        """Start `zvit run --period 2022-Q3 --json` in `place`."""
        out, err = place.root / f"{name}.out", place.root / f"{name}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen([sys.executable, "-m", "zvit", "run", "--period", PERIOD, "--json"],
                                       env=place.env, cwd=place.root, stdout=stdout, stderr=stderr,
                                       start_new_session=True)
        return cls(process, out, err)

    def finish(self, timeout: float = 300) -> int:
        """Wait for the exit code."""
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL the whole process group, as the OOM killer or `kill -9` of a session would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL

    def output(self) -> str:
        """Both streams, for assertion messages."""
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")

    def summary(self) -> dict[str, Any]:
        """The --json summary, without the report paths (they name this run's folder)."""
        data = json.loads(self.out.read_text(encoding="utf-8"))
        data["reports"] = sorted(data["reports"])
        return data


def _complete(place: Place, name: str) -> Run:
    run = Run.start(place, name)
    assert run.finish() == 0, run.output()
    return run


def _number(value: Any) -> Any:
    # PostgreSQL sums integers as numeric: a count comes back as Decimal('15'), on SQLite as 15.
    if isinstance(value, Decimal) and value.as_tuple().exponent == 0:
        return int(value)
    return str(Decimal(str(value)).quantize(Decimal("0.01"))) if isinstance(value, Decimal | float) else value


def warehouse_content(url: str) -> dict[str, Any]:
    """The warehouse as a run leaves it, with ids and processing times left out: submissions by file and
    report, each with its lines, findings and cited decisions; measures; the period's views."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            submissions = list(session.scalars(select(models.Submission)))
            by_id = {s.id: (s.sha256, s.report_index) for s in submissions}
            codes = {d.id: d.code for d in session.scalars(select(models.Department))}
            programs = {p.id: p.code for p in session.scalars(select(models.Program))}
            measures = {m.id: (programs[m.program_id], codes[m.department_id], m.number, m.task)
                        for m in session.scalars(select(models.Measure))}
            content: dict[str, Any] = {}
            for s in submissions:
                key = f"{s.sha256[:12]}#{s.report_index}"
                row = {name: _number(value) for name, value in s.model_dump().items()
                       if name not in ("id", "processed_at", "superseded_by_id", "department_id", "program_id",
                                       "period_id")}
                row["department"] = codes.get(s.department_id)
                row["program"] = programs.get(s.program_id)
                row["superseded_by"] = by_id.get(s.superseded_by_id)
                row["lines"] = [
                    {**{n: _number(v) for n, v in line.model_dump().items()
                        if n not in ("id", "submission_id", "measure_id")}, "measure": measures.get(line.measure_id)}
                    for line in session.scalars(select(models.ReportLine).where(
                        models.ReportLine.submission_id == s.id).order_by(models.ReportLine.line_no))]
                row["findings"] = sorted(
                    (c.origin, c.rule_code, c.severity, c.measure or "", c.source_part or "", c.row or 0,
                     c.column or "", c.value or "", c.expected or "", c.message)
                    for c in session.scalars(select(models.CheckResult).where(
                        models.CheckResult.submission_id == s.id)))
                row["decisions"] = sorted((d.number or "", d.date.isoformat()) for d in session.scalars(
                    select(models.CitedDecision).where(models.CitedDecision.submission_id == s.id)))
                content[key] = row
        return {
            "submissions": content,
            "measures": sorted(measures.values(), key=repr),
            "program_totals": [{n: _number(v) for n, v in row.items()}
                               for row in view_rows(engine, "v_program_totals", period_code=PERIOD)],
            "department_status": [{n: _number(v) for n, v in row.items() if n != "submission_id"}
                                  for row in view_rows(engine, "v_department_status", period_code=PERIOD)],
        }
    finally:
        engine.dispose()


def notices(url: str) -> list[tuple[str, str, str]]:
    """(kind, what about, status) of every notice in the ledger: a submission by its file and report (ids differ
    between warehouses), a digest by program and period (its key also names the state of the period it reports)."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            files = {s.id: f"{s.sha256[:12]}#{s.report_index}" for s in session.scalars(select(models.Submission))}
            found = [(n.kind, files[n.submission_id] if n.submission_id else n.key.rsplit("/", 1)[0], n.status)
                     for n in session.scalars(select(models.Notification))]
    finally:
        engine.dispose()
    return sorted(found)


def assert_sqlite_intact(url: str) -> None:
    """SQLite's own checks: pages and indexes sound, no row pointing at a missing one."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def report_content(folder: Path) -> dict[str, Any]:
    """Each report file under its final name, reduced to what two runs must agree on; a file cut short
    fails here (a truncated zip, JSON or PDF does not parse)."""
    found: dict[str, Any] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        name = str(path.relative_to(folder))
        data = path.read_bytes()
        if path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), name
            found[name] = PREPARED.sub("", data.decode("utf-8"))
        elif path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as package:
                assert package.testzip() is None, name
                # docProps/core.xml holds the creation time; every other part must be the same
                found[name] = {part: _part(package.read(part), part) for part in sorted(package.namelist())
                               if part != "docProps/core.xml"}
        elif path.suffix == ".pdf":
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), name
            found[name] = len(re.findall(rb"/Type\s*/Page\b", data))
        elif path.suffix == ".json":
            descriptor = json.loads(data)
            found[name] = {k: v for k, v in descriptor.items() if k not in ("created", "version")}
        else:
            found[name] = data.decode("utf-8")
    return found


def _part(data: bytes, name: str) -> str | bytes:
    return PREPARED.sub("", data.decode("utf-8")) if name.endswith((".xml", ".rels")) else data


def temporaries(folder: Path) -> list[str]:
    """Temporary files an atomic write leaves while it writes (hidden: `.<name>.<...>.tmp`)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*.tmp"))


@dataclass(frozen=True)
class Outcome:
    """What one uninterrupted run leaves: the warehouse, the reports, the notices and its summary."""

    warehouse: dict[str, Any]
    reports: dict[str, Any]
    notices: list[tuple[str, str, str]]
    summary: dict[str, Any]
    seconds: float


@pytest.fixture(scope="module")
def uninterrupted(prefect_env: dict[str, str], inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """One `zvit run` of the example quarter on a fresh SQLite warehouse, nothing in its way."""
    place = _place(prefect_env, inbox, tmp_path_factory.mktemp("uninterrupted"))
    started = time.monotonic()
    run = _complete(place, "run")
    seconds = time.monotonic() - started
    print(f"\nan uninterrupted `zvit run` took {seconds:.1f}s")
    outcome = Outcome(warehouse_content(place.database_url), report_content(place.reports),
                      notices(place.database_url), run.summary(), seconds)
    # The example: two departments accepted, one rejected (it cites a decision the council never made).
    assert sorted(s["status"] for s in outcome.warehouse["submissions"].values()) == [
        "accepted_with_warnings", "accepted_with_warnings", "rejected"]
    assert sum(len(s["lines"]) for s in outcome.warehouse["submissions"].values()) == 16
    assert sorted(outcome.reports) == [
        "efektyvna-vlada-data/datapackage.json", "efektyvna-vlada-data/departments.csv",
        "efektyvna-vlada-data/findings.csv", "efektyvna-vlada-data/lines.csv", "efektyvna-vlada-data/totals.csv",
        "efektyvna-vlada.docx", "efektyvna-vlada.html", "efektyvna-vlada.pdf", "efektyvna-vlada.xlsx"]
    [rejected] = [key for key, s in outcome.warehouse["submissions"].items() if s["status"] == "rejected"]
    assert outcome.notices == [("digest", "digest/efektyvna-vlada/2022-Q3", "sent"), ("rejection", rejected, "sent")]
    return outcome


def _sqlite_count(url: str, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True, timeout=0.1) as db:
            return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608 - a fixed name
    except sqlite3.Error:  # not created yet, or locked this instant
        return 0


def _any_file(folder: Path, pattern: str) -> bool:
    return folder.is_dir() and any(folder.rglob(pattern))


def _kill_when(place: Place, name: str, reached: Callable[[], bool], what: str) -> None:
    run = Run.start(place, name)
    try:
        deadline = time.monotonic() + 300
        while not reached():
            assert run.process.poll() is None, f"the run ended before {what}:\n{run.output()}"
            assert time.monotonic() < deadline, f"the run never reached {what}"
            time.sleep(0.01)
        run.kill()
    finally:
        if run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
            run.process.wait()


def _assert_whole(place: Place, reference: Outcome) -> None:
    """After a kill: every submission stored is whole (the same as in the uninterrupted run, lines and findings
    included), the database passes its checks, and every report file under its final name is complete."""
    assert_sqlite_intact(place.database_url)
    stored = warehouse_content(place.database_url)["submissions"]
    for key, submission in stored.items():
        expected = reference.warehouse["submissions"][key]
        assert {n: v for n, v in submission.items() if n not in ("version", "is_current", "status")} == \
            {n: v for n, v in expected.items() if n not in ("version", "is_current", "status")}
    if place.reports.is_dir():
        written = report_content(place.reports)
        assert written == {name: reference.reports[name] for name in written}


@pytest.mark.slow
def test_sigkill_while_storing_rendering_and_notifying_then_a_rerun_ends_as_an_uninterrupted_run(
        prefect_env: dict[str, str], inbox: Path, uninterrupted: Outcome, tmp_path: Path) -> None:
    before = _files(inbox)
    place = _place(prefect_env, inbox, tmp_path / "crashed")
    url = place.database_url
    # Each rerun is killed at the next step, so one warehouse goes through every crash in turn.
    kills = [("store", lambda: _sqlite_count(url, "submission") > 0, "the first stored submission"),
             ("render", lambda: _any_file(place.reports, "*"), "the first report file (or its temporary file)"),
             ("notify", lambda: _any_file(place.outbox, "*.eml"), "the first notice")]
    for name, reached, what in kills:
        _kill_when(place, name, reached, what)
        _assert_whole(place, uninterrupted)

    rerun = _complete(place, "rerun")

    assert warehouse_content(url) == uninterrupted.warehouse
    assert report_content(place.reports) == uninterrupted.reports
    assert temporaries(place.reports) == []  # the killed writers' temporary files are swept by the rerun
    assert rerun.summary()["submissions"] == uninterrupted.summary["submissions"]
    assert rerun.summary()["totals"] == uninterrupted.summary["totals"]
    # The rejection notice is recorded once: sent, or, when the kill came between writing it and recording it,
    # still held by the killed run's lease (a later run sends it then). A digest is recorded per state reported.
    ledger = notices(url)
    [(_, about, status)] = [notice for notice in ledger if notice[0] == "rejection"]
    assert (about, status in ("sent", "queued")) == (uninterrupted.notices[1][1], True)
    assert {notice[:2] for notice in ledger if notice[0] == "digest"} == {uninterrupted.notices[0][:2]}
    assert_sqlite_intact(url)
    assert _files(inbox) == before


@pytest.mark.slow
@pytest.mark.postgres
def test_two_runs_of_one_period_at_once_store_each_submission_once_on_sqlite_and_postgresql(
        prefect_env: dict[str, str], inbox: Path, uninterrupted: Outcome, postgres_server: PostgresServer,
        tmp_path: Path) -> None:
    # Both engines at once: four processes on brand-new databases, so even creating the schema races.
    database = postgres_server.create_database()
    places = [_place(prefect_env, inbox, tmp_path / "sqlite"),
              _place(prefect_env, inbox, tmp_path / "postgresql", postgres_server.url(database))]
    runs = [(place, Run.start(place, f"run-{n}")) for place in places for n in (1, 2)]
    try:
        for _, run in runs:
            assert run.finish() == 0, run.output()
    finally:
        for _, run in runs:
            if run.process.poll() is None:
                os.killpg(run.process.pid, signal.SIGKILL)

    for place, run in runs:
        assert run.summary()["submissions"] == uninterrupted.summary["submissions"]
        assert run.summary()["totals"] == uninterrupted.summary["totals"]
    for place in places:
        assert warehouse_content(place.database_url) == uninterrupted.warehouse
        assert report_content(place.reports) == uninterrupted.reports
        assert temporaries(place.reports) == []
        engine = make_engine(place.database_url)
        try:
            with engine.connect() as connection:
                assert connection.execute(text("SELECT count(*) FROM submission")).scalar_one() == 3
                assert connection.execute(text("SELECT count(*) FROM report_line")).scalar_one() == 16
        finally:
            engine.dispose()
        # The rejection notice and the digest go out once: both runs report the same final state.
        ledger = notices(place.database_url)
        assert [notice for notice in ledger if notice[0] == "rejection"] == uninterrupted.notices[1:]
        assert [notice for notice in ledger if notice[0] == "digest"] == [uninterrupted.notices[0]]
    assert_sqlite_intact(places[0].database_url)


@pytest.mark.slow
@pytest.mark.postgres
def test_an_unreachable_warehouse_fails_the_run_in_one_line_leaves_the_inbox_and_a_later_run_succeeds(
        prefect_env: dict[str, str], inbox: Path, uninterrupted: Outcome, postgres_server: PostgresServer,
        tmp_path: Path) -> None:
    before = _files(inbox)
    password = "Sekret-7f3a"
    down = f"postgresql+psycopg://zvit:{password}@127.0.0.1:{free_port()}/zvit"  # nothing listens there
    place = _place(prefect_env, inbox, tmp_path, down)

    run = Run.start(place, "down")
    assert run.finish() == 3, run.output()

    lines = run.err.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("zvit: the run failed: the warehouse postgresql+psycopg://zvit:***@127.0.0.1:")
    assert "is unreachable: connection failed:" in lines[0] and "Connection refused" in lines[0]
    assert password not in run.output() and "Traceback" not in run.output()
    assert run.out.read_text() == ""
    assert _files(inbox) == before
    assert not place.reports.exists() and not place.outbox.exists()

    later = _place(prefect_env, inbox, tmp_path / "later", postgres_server.url(postgres_server.create_database()))
    rerun = _complete(later, "later")
    assert rerun.summary()["submissions"] == uninterrupted.summary["submissions"]
    assert warehouse_content(later.database_url) == uninterrupted.warehouse
    assert report_content(later.reports) == uninterrupted.reports
    assert notices(later.database_url) == uninterrupted.notices
    assert _files(inbox) == before


def test_a_write_sweeps_temporary_files_of_dead_writers_but_not_of_live_ones(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = socket.gethostname()
    orphan = tmp_path / f".report.html.{host}.{dead.pid}.0badc0de.tmp"
    live = tmp_path / f".report.html.{host}.{os.getpid()}.5eed5eed.tmp"
    other_host = tmp_path / f".report.html.elsewhere.example.{dead.pid}.0badc0de.tmp"
    other_file = tmp_path / f".report.pdf.{host}.{dead.pid}.0badc0de.tmp"
    for path in (orphan, live, other_host, other_file):
        path.write_text("half")

    write_atomic(target, "<html></html>")

    assert target.read_text() == "<html></html>"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, live.name, other_host.name, other_file.name])
    assert remove_orphans(tmp_path / "report.pdf") == [other_file]
