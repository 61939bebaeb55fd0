"""The benchmark's reading of a run's task times: the idle time between stages (issue 15's figures)."""

from __future__ import annotations

from bench.prefect_runs import _handovers


def test_the_handover_after_concurrent_tasks_counts_from_the_last_to_end_not_the_last_to_start() -> None:
    tasks = [("read_group-1", "2026-12-01T10:00:00", "2026-12-01T10:00:15"),
             ("read_group-2", "2026-12-01T10:00:01", "2026-12-01T10:00:03"),  # the last to start ends first
             ("check_batch-1", "2026-12-01T10:00:15.5", "2026-12-01T10:00:17"),
             ("store_submissions-1", "2026-12-01T10:00:17", "2026-12-01T10:00:22")]
    assert _handovers(tasks) == (("parse", "validate", 0.5), ("validate", "load", 0.0))
