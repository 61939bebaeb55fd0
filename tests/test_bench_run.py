"""The benchmark runs `zvit run` as every run after a machine's first meets Prefect: its database already made."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench.prefect_runs import flow_times
from bench.run import PERIOD, REPO, prefect_database, run_env, zvit_run

pytestmark = pytest.mark.slow  # creates Prefect's database, then one `zvit run` with its temporary server


def test_a_run_in_a_used_prefect_home_keeps_its_database_and_records_only_its_own_flow_run(tmp_path: Path) -> None:
    database = prefect_database(tmp_path)
    with sqlite3.connect(database.path) as made:
        assert made.execute("SELECT count(*) FROM flow_run").fetchone() == (0,)
        [version] = made.execute("SELECT version_num FROM alembic_version").fetchone()
    assert database.seconds > 0
    work, registry = tmp_path / "example", REPO / "registry"
    inbox = work / "inbox" / PERIOD
    subprocess.run([sys.executable, "-m", "zvit", "example-inbox", "--inbox", str(inbox)], env=run_env(work, registry),
                   cwd=REPO, check=True, capture_output=True, timeout=120)
    measured = zvit_run(inbox, work, registry, database, timeout=300)
    assert measured.returncode == 0, measured.stderr[-2000:]
    with sqlite3.connect(work / "prefect" / "prefect.db") as used:
        assert used.execute("SELECT version_num FROM alembic_version").fetchone() == (version,)
        assert used.execute("SELECT count(*) FROM flow_run").fetchone() == (1,)
    times = flow_times(work / "prefect")
    assert times is not None and times.stages["render"]["runs"] == 1
    # the database made once is left as it was, for the next run to copy
    with sqlite3.connect(database.path) as made:
        assert made.execute("SELECT count(*) FROM flow_run").fetchone() == (0,)
