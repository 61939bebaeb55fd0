"""`zvit run` with no Prefect server configured launches the temporary one itself, runs the flow on it and stops it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _session_members(session: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session:  # fields after the name: state, ppid, pgrp, session
            members.append(int(stat.parent.name))
    return members


def test_an_embedded_run_starts_its_own_server_records_the_flow_there_and_leaves_no_process(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ZVIT_", "PREFECT_"))}
    env.update({"ZVIT_DATABASE_URL": f"sqlite:///{tmp_path / 'zvit.db'}", "ZVIT_REPORTS_DIR": str(tmp_path / "reports"),
                "ZVIT_OUTBOX_DIR": str(tmp_path / "outbox"), "ZVIT_INBOX_DIR": str(tmp_path / "inbox"),
                "PREFECT_HOME": str(tmp_path / "prefect"), "DO_NOT_TRACK": "1"})
    subprocess.run([sys.executable, "-m", "zvit", "example-inbox"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    run = subprocess.Popen([sys.executable, "-m", "zvit", "run", "--period", "2022-Q3", "--json"], env=env, cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, stderr
    assert stderr == ""
    summary = json.loads(stdout)
    assert sorted(s["status"] for s in summary["submissions"]) == ["accepted_with_warnings",
                                                                   "accepted_with_warnings", "rejected"]
    # the flow ran on the server the run started: its database is in the run's Prefect home
    with sqlite3.connect(tmp_path / "prefect" / "prefect.db") as database:
        flows = database.execute("SELECT flow.name, flow_run.state_type FROM flow_run JOIN flow "
                                 "ON flow.id = flow_run.flow_id").fetchall()
        tasks = {name for (name,) in database.execute("SELECT DISTINCT task_key FROM task_run")}
    assert flows == [("collect-quarter", "FAILED")]  # failed on purpose: a submission was rejected
    assert any(key.startswith("store_submissions") for key in tasks)
    assert _session_members(run.pid) == []  # the server stopped with the run
