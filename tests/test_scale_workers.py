"""Past one machine: one Prefect server, one PostgreSQL warehouse and two process workers share a sharded quarter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlalchemy import text

from bench.generate import GeneratedQuarter, generate_quarter
from flows.shard import split
from tests.prefect_servers import api_healthy, api_request, create_process_pool, free_port, wait_for
from tests.warehouse_fixtures import PostgresServer
from zvit.notify import notifications
from zvit.reading import file_sha256
from zvit.warehouse import make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2022-Q3"
FILES, SHARDS = 20, 4
#: The sharded run's worker has room for it alone, so its shards can only run on the other worker. Prefect
#: does not promise to spread runs otherwise: two workers of three slots each once ran all four shards on one
#: (the CI run of stop 22), a worker reusing slots its finished shards freed.
SHARDED_WORKER, SHARD_WORKER = ("worker-a", 1), ("worker-b", 3)
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (Prefect starts each flow run in a session of its own, out of reach of killpg)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # the command name in field 2 may hold spaces; the parent pid is the second field after it
                parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


class Processes:
    """Long-running subprocesses of one test, all stopped (with whatever they started) at the end."""

    def __init__(self, log: Path, env: dict[str, str]) -> None:
        self.log = log.open("w")
        self.env = env
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """`python -m <args>` in the checkout, its output in the test's log."""
        process = subprocess.Popen([sys.executable, "-m", *args], env=self.env, cwd=ROOT, stdout=self.log,
                                   stderr=subprocess.STDOUT)
        self.started.append(process)
        return process

    def stop(self) -> None:
        """Terminate every process and its descendants; kill what is left after a grace period."""
        tree = [pid for process in self.started for pid in (process.pid, *_descendants(process.pid))]
        for pid in tree:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in self.started:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        # again: a worker may have started a flow run after the first look
        tree += [pid for process in self.started for pid in _descendants(process.pid)]
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for process in self.started:
            process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def warehouse_url(postgres_server: PostgresServer) -> Iterator[str]:
    """An empty PostgreSQL database migrated to head, as `zvit db upgrade` leaves it."""
    name = postgres_server.create_database()
    url = postgres_server.url(name)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    postgres_server.drop_database(name)


@pytest.fixture
def environment(tmp_path: Path, warehouse_url: str) -> dict[str, str]:
    """Everything under tmp_path; the workers' flow runs inherit it, as on a real worker machine."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "ZVIT_"))}
    env.update({
        "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_API_HOST": "127.0.0.1", "PREFECT_SERVER_API_PORT": str(port), "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
        # workers look for scheduled runs every second rather than every ten
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "ZVIT_DATABASE_URL": warehouse_url, "ZVIT_REGISTRY_DIR": str(tmp_path / "quarter" / "registry"),
        "ZVIT_INBOX_DIR": str(tmp_path / "quarter" / "inbox"), "ZVIT_REPORTS_DIR": str(tmp_path / "reports"),
        "ZVIT_OUTBOX_DIR": str(tmp_path / "outbox")})
    return env


class Cluster(NamedTuple):
    """A Prefect server with the sharded deployments and one worker, and the quarter waiting in the inbox."""

    api: str
    quarter: GeneratedQuarter
    processes: Processes

    def start_worker(self, name: str, limit: int) -> None:
        """`prefect worker start` on the `process` pool, running at most `limit` flow runs at once."""
        self.processes.start("prefect", "worker", "start", "--pool", "process", "--type", "process", "--name", name,
                             "--limit", str(limit))
        wait_for(lambda: name in _worker_names(self.api), 120, f"worker {name}")


@pytest.fixture
def cluster(environment: dict[str, str], tmp_path: Path) -> Iterator[Cluster]:
    """A Prefect server, the sharded deployments registered from prefect.yaml, the sharded run's worker on their
    pool, and a quarter of twenty reports on one program (one PDF to render), one of them rejected by the gate."""
    processes = Processes(tmp_path / "cluster.log", environment)
    api = environment["PREFECT_API_URL"]
    try:
        processes.start("prefect", "server", "start")
        # Written while the server starts: both take seconds.
        quarter = generate_quarter(tmp_path / "quarter", FILES, seed=8, programs=1, broken_share=0.0,
                                   rejected_share=0.05)
        wait_for(lambda: api_healthy(api), 120, "the Prefect server")
        create_process_pool(api, "process")
        deploy = processes.start("prefect", "--no-prompt", "deploy", "--name", "quarterly-collection-sharded",
                                 "--name", "load-files")
        cluster = Cluster(api, quarter, processes)
        cluster.start_worker(*SHARDED_WORKER)
        assert deploy.wait(timeout=180) == 0, (tmp_path / "cluster.log").read_text()
        yield cluster
    finally:
        processes.stop()


def _worker_names(api: str) -> list[str]:
    response = api_request("POST", f"{api}/work_pools/process/workers/filter", json={})
    return [worker["name"] for worker in response.json()] if response.status_code == 200 else []


def _deployment_id(api: str, flow: str, name: str) -> str:
    return str(api_request("GET", f"{api}/deployments/name/{flow}/{name}").raise_for_status().json()["id"])


def _flow_run(api: str, run_id: str) -> dict[str, Any]:
    return dict(api_request("GET", f"{api}/flow_runs/{run_id}").raise_for_status().json())


def _runs_of(api: str, deployment_id: str) -> list[dict[str, Any]]:
    return list(api_request("POST", f"{api}/flow_runs/filter", json={"deployments": {"id": {"any_": [deployment_id]}}})
                .raise_for_status().json())


@pytest.mark.slow
@pytest.mark.postgres
def test_a_quarter_split_over_two_workers_stores_every_submission_exactly_once(
        cluster: Cluster, environment: dict[str, str], tmp_path: Path) -> None:
    api, quarter = cluster.api, cluster.quarter
    sharded = _deployment_id(api, "collect-quarter-sharded", "quarterly-collection-sharded")
    # CI once got no run here (stop 24): the server was busy and said 503, which api_request now asks again
    run = api_request("POST", f"{api}/deployments/{sharded}/create_flow_run",
                      json={"parameters": {"period": PERIOD}}).raise_for_status().json()
    # The second worker joins once the first is full with the sharded run: the shards wait for it.
    wait_for(lambda: _flow_run(api, run["id"])["labels"].get("prefect.worker.name"), 120,
             "the sharded run to be taken by its worker")
    cluster.start_worker(*SHARD_WORKER)
    finished = wait_for(lambda: (found := _flow_run(api, run["id"]))["state"]["type"] in FINAL and found, 300,
                     "the sharded run to finish")

    # The one rejected report fails the quarter, as in collect-quarter; every shard itself completed.
    assert finished["state"]["type"] == "FAILED", finished["state"]
    assert "1 submission(s) rejected" in finished["state"]["message"]
    shards = _runs_of(api, _deployment_id(api, "load-files", "load-files"))
    assert sorted(s["name"] for s in shards) == [f"{PERIOD} / shard {n} of {SHARDS}" for n in range(1, SHARDS + 1)]
    assert {s["state"]["type"] for s in shards} == {"COMPLETED"}
    # Each file went to exactly one shard; the shards stored on one worker what the sharded run, on the other,
    # found in the warehouse and reported.
    given = Counter(path for s in shards for path in s["parameters"]["paths"])
    assert given == Counter(str(path.resolve()) for path in quarter.paths())
    assert finished["labels"]["prefect.worker.name"] == SHARDED_WORKER[0]
    assert {s["labels"]["prefect.worker.name"] for s in shards} == {SHARD_WORKER[0]}

    engine = make_engine(environment["ZVIT_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT sha256, count(*) FROM submission GROUP BY sha256")).all()
            lines = connection.execute(text("SELECT count(*), count(DISTINCT (submission_id, line_no)) "
                                            "FROM report_line")).one()
            statuses = Counter(connection.execute(text("SELECT status FROM submission WHERE is_current")).scalars())
        sent = Counter((n.kind, n.status) for n in notifications(engine))
    finally:
        engine.dispose()
    assert dict(stored) == {file_sha256(path): 1 for path in quarter.paths()}
    assert tuple(lines) == (sum(f.lines for f in quarter.files),) * 2
    assert statuses["rejected"] == 1 and sum(statuses.values()) == FILES

    # One consolidated report, one digest and one rejection notice for the whole quarter, from the sharded run.
    [program] = {f.program for f in quarter.files}
    assert (tmp_path / "reports" / PERIOD / f"{program}.html").is_file()
    assert sent == {("digest", "sent"): 1, ("rejection", "sent"): 1}
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2


def test_a_quarter_is_dealt_round_robin_into_shards_each_file_once_and_oldest_first() -> None:
    files = [Path(f"{n:02}.docx") for n in range(1, 11)]  # oldest first, as inbox_files lists them
    assert [[p.stem for p in shard] for shard in split(files, 4)] == [
        ["01", "05", "09"], ["02", "06", "10"], ["03", "07"], ["04", "08"]]


def test_fewer_files_than_shards_make_one_shard_per_file_and_an_empty_inbox_none() -> None:
    assert split([Path("a.docx"), Path("b.xlsx")], 4) == [[Path("a.docx")], [Path("b.xlsx")]]
    assert split([Path("a.docx")], 0) == [[Path("a.docx")]]
    assert split([], 4) == []
