"""A loader killed with SIGKILL in the middle of a load leaves nothing half-written, and loading again works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

import models
from zvit.intake import read_reports
from tests.loading import load_report
from zvit.warehouse import count_rows, current_submissions, view_rows

ROOT = Path(__file__).resolve().parent.parent
RECEIVED = datetime(2022, 10, 7, tzinfo=UTC)

#: The child loads the seed, but stalls right after inserting the first report's lines, inside the transaction.
CHILD = textwrap.dedent("""
    import sys, time
    from datetime import UTC, datetime
    from pathlib import Path

    import zvit.warehouse.load as load_module
    from zvit.intake import read_reports
    from tests.loading import load_report
    from zvit.warehouse import make_engine

    url, seed, marker = sys.argv[1:4]
    insert_rows = load_module._insert_rows

    def insert_then_stall(session, model, rows):
        insert_rows(session, model, rows)
        if model is not load_module.models.ReportLine:
            return
        session.flush()
        # Written then renamed, so the parent never reads a marker that exists but is still empty.
        Path(marker + ".tmp").write_text(str(len(rows)))
        Path(marker + ".tmp").rename(marker)
        time.sleep(300)

    load_module._insert_rows = insert_then_stall
    engine = make_engine(url)
    for report in read_reports(Path(seed)):
        load_report(engine, report, sha256="k" * 64, received_at=datetime(2022, 10, 7, tzinfo=UTC))
""")


@pytest.mark.slow
def test_sigkill_during_a_load_leaves_no_partial_submission(warehouse: Engine, warehouse_url: str,
                                                            seed_path: Path, tmp_path: Path) -> None:
    script = tmp_path / "stalling_loader.py"
    script.write_text(CHILD, encoding="utf-8")
    marker = tmp_path / "lines-inserted"
    child = subprocess.Popen([sys.executable, str(script), warehouse_url, str(seed_path), str(marker)],
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.communicate()[0].decode(errors="replace")
            assert time.monotonic() < deadline, "the child never reached the line insert"
            time.sleep(0.05)
        assert marker.read_text() == "5"  # the first report's lines are in, uncommitted
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()

    assert count_rows(warehouse, models.Submission) == 0
    assert count_rows(warehouse, models.ReportLine) == 0
    assert count_rows(warehouse, models.CheckResult) == 0
    assert count_rows(warehouse, models.Measure) == 0

    outcomes = [load_report(warehouse, report, sha256="k" * 64, received_at=RECEIVED).outcome
                for report in read_reports(seed_path)]
    assert outcomes == ["loaded"] * 3
    assert len(current_submissions(warehouse)) == 3
    assert count_rows(warehouse, models.ReportLine) == 16
    assert len(view_rows(warehouse, "v_report_lines")) == 16
