"""End to end against a real `prefect server start`: a rejected quarter fails, is retried as the UI does, completes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.prefect_servers import api_healthy, api_request, create_process_pool, server_settings, wait_for
from zvit.intake import read_layouts
from zvit.processes import stop
from zvit.samples.docx_writer import write_docx

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
CORRECTED = ("02.12.2020 р. № 1430 та зміни від 23.09.2022 № 279",
             "24.12.2020 № 31 та зміни від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558")
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """A server of the test's own, and a warehouse, inbox, reports and outbox under tmp_path."""
    # Logging at INFO whatever an earlier test left in this process's environment (`zvit run` run in-process sets
    # PREFECT_LOGGING_LEVEL=CRITICAL to keep its console quiet): the run's logs are part of what is checked.
    return {**server_settings(tmp_path / "prefect-home"), "PREFECT_RUNNER_POLL_FREQUENCY": "1",
            "PREFECT_LOGGING_LEVEL": "INFO",
            "ZVIT_DATABASE_URL": f"sqlite:///{tmp_path / 'zvit.db'}", "ZVIT_INBOX_DIR": str(tmp_path / "inbox"),
            "ZVIT_REPORTS_DIR": str(tmp_path / "reports"), "ZVIT_OUTBOX_DIR": str(tmp_path / "outbox")}


@pytest.fixture
def server(environment: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """A real Prefect server where `prefect deploy` registered quarterly-collection for a work pool, then a
    `zvit serve` process beside it (issue 13: both on one server), all stopped after the test."""
    log = (tmp_path / "server.log").open("w")
    processes = [subprocess.Popen([sys.executable, "-m", "prefect", "server", "start"], env=environment,
                                  stdout=log, stderr=subprocess.STDOUT)]
    api = environment["PREFECT_API_URL"]
    try:
        wait_for(lambda: api_healthy(api), 120, "the Prefect server")
        create_process_pool(api, "process")
        subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--name", "quarterly-collection"],
                       env=environment, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=True, timeout=180)
        processes.append(subprocess.Popen([sys.executable, "-m", "zvit", "serve"], env=environment, cwd=ROOT,
                                          stdout=log, stderr=subprocess.STDOUT))
        wait_for(lambda: _deployment_id(api, "collect-quarter", "quarterly-collection-served"), 120, "zvit serve")
        yield api
    finally:
        for process in reversed(processes):
            stop(process, grace_seconds=20)
        log.close()


def _deployment(api: str, flow: str, name: str) -> dict | None:
    response = api_request("GET", f"{api}/deployments/name/{flow}/{name}")
    return response.json() if response.status_code == 200 else None


def _deployment_id(api: str, flow: str, name: str) -> str | None:
    found = _deployment(api, flow, name)
    return found["id"] if found else None


def _final_state(api: str, run_id: str) -> str:
    return str(wait_for(lambda: (state := api_request("GET", f"{api}/flow_runs/{run_id}").json()["state"]["type"])
                     in FINAL and state, 300, "the flow run to finish"))


def test_served_beside_a_work_pool_a_rejected_quarter_fails_and_a_ui_retry_completes_it(
        server: str, environment: dict[str, str], seed_path: Path, tmp_path: Path) -> None:
    # The work pool's deployment is left as `prefect deploy` made it (serving it under its name replaced it, and
    # its runs crashed on FileNotFoundError: '.../None'); the served one leaves the schedule to it.
    pooled = _deployment(server, "collect-quarter", "quarterly-collection")
    assert pooled and pooled["work_pool_name"] == "process" and pooled["schedules"] and pooled["pull_steps"]
    served = _deployment(server, "collect-quarter", "quarterly-collection-served")
    assert served and served["work_pool_name"] is None and served["schedules"] == []
    assert "served without a schedule" in (tmp_path / "server.log").read_text(errors="replace")

    inbox = Path(environment["ZVIT_INBOX_DIR"]) / "2022-Q3"
    subprocess.run([sys.executable, "-m", "zvit", "example-inbox"], env=environment, check=True, capture_output=True)
    deployment = served["id"]
    run = _create_run(server, deployment, {"period": "2022-Q3"})
    assert _final_state(server, run["id"]) == "FAILED"
    # The name is given when the run starts, from the flow's template: the period it collects.
    assert api_request("GET", f"{server}/flow_runs/{run['id']}").json()["name"] == "2022-Q3"

    # The department sends a corrected file: it replaces the rejected one in the inbox.
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(seed_path.read_text(encoding="utf-8").replace(*CORRECTED), encoding="utf-8")
    third = inbox / "zhytomyr-efficient-government-2022-9m-3.docx"
    write_docx([read_layouts(corrected)[2]], third)
    os.utime(third, (1665300000, 1665300000))

    # What the UI's Retry button does: force the failed run back to AwaitingRetry (a Scheduled state).
    retry = api_request("POST", f"{server}/flow_runs/{run['id']}/set_state", json={
        "state": {"type": "SCHEDULED", "name": "AwaitingRetry", "message": "Retry from the UI"}, "force": True})
    assert retry.json()["status"] == "ACCEPT"
    wait_for(lambda: api_request("GET", f"{server}/flow_runs/{run['id']}").json()["state"]["type"] != "SCHEDULED",
          120, "the retried run to start")
    assert _final_state(server, run["id"]) == "COMPLETED"

    from zvit.warehouse import current_submissions, make_engine, view_rows

    engine = make_engine(environment["ZVIT_DATABASE_URL"])
    try:
        zvernen = [s for s in current_submissions(engine) if s.department_name and "звернень" in s.department_name]
        assert [(s.status, s.version) for s in zvernen] == [("accepted_with_warnings", 2)]
        [totals] = view_rows(engine, "v_program_totals", period_code="2022-Q3")
        assert (totals["annual"], totals["financed"]) == (Decimal("2982700.00"), Decimal("868627.84"))
    finally:
        engine.dispose()
    html = (Path(environment["ZVIT_REPORTS_DIR"]) / "2022-Q3" / "efektyvna-vlada.html").read_text(encoding="utf-8")
    assert "402,7" in html  # the corrected department's annual volume, тис. грн, now in the report

    # Issue 13: the operator who retried sees at once, in the run's verdict table, that the correction was accepted.
    verdicts = _verdicts(server, "verdicts-2022-q3")
    assert verdicts["flow_run_id"] == run["id"]
    states = {row["Виконавець"]: row["Стан"] for row in json.loads(verdicts["data"])}
    assert states == {"upravlinnia-zvernen": "прийнято із зауваженнями",
                      "upravlinnia-zviazkiv": "прийнято із зауваженнями",
                      "viddil-deputatskoi-diialnosti": "прийнято із зауваженнями"}

    # Issue 16: zvit's own log lines (the pipeline's count of fates) reach the run's logs in the UI.
    # (a run process sends its log lines in batches: they may reach the server after the run's final state)
    wait_for(lambda: any(entry["name"] == "zvit.pipeline" and "3 files: stored 3" in entry["message"]
                         for entry in _logs(server, run["id"])), 60, "zvit's log line in the run's logs")

    # process-submission for a period with no inbox folder fails naming the folder, never completes doing nothing.
    single = _deployment(server, "process-submission", "process-submission-served")
    assert single is not None
    missing = _create_run(server, single["id"], {"department": "upravlinnia-zvernen", "period": "2023-Q1"})
    assert _final_state(server, missing["id"]) == "FAILED"
    message = api_request("GET", f"{server}/flow_runs/{missing['id']}").json()["state"]["message"]
    assert "2023-Q1" in message and str(inbox.parent / "2023-Q1") in message
    shutil.rmtree(tmp_path / "prefect-home", ignore_errors=True)


def _logs(api: str, run_id: str) -> list[dict]:
    """Every log line of a flow run (the API gives them 200 at a time)."""
    found: list[dict] = []
    while True:
        page = api_request("POST", f"{api}/logs/filter", json={
            "logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200, "offset": len(found)}).json()
        found += page
        if len(page) < 200:
            return found


def _create_run(api: str, deployment: str, parameters: dict) -> dict:
    """A run of a deployment, as the UI's Run button makes it; asked again while `zvit serve` is still registering
    the deployment (the server answers without a run then)."""
    answers: list[object] = []

    def created() -> dict | None:
        answer = api_request("POST", f"{api}/deployments/{deployment}/create_flow_run", json={"parameters": parameters})
        answers.append((answer.status_code, answer.text[:300]))
        body = answer.json() if answer.status_code < 300 else {}
        return body if "id" in body else None

    try:
        return wait_for(created, 60, "a flow run to be created")
    except AssertionError:
        raise AssertionError(f"the server made no run: {answers[-3:]}") from None


def _verdicts(api: str, key: str) -> dict:
    """The newest artifact of a key, as the UI's Artifacts page shows it."""
    response = api_request("GET", f"{api}/artifacts/{key}/latest")
    response.raise_for_status()
    return response.json()
