"""Stage times of a finished `zvit run`, read from the task runs in its temporary Prefect server's database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

#: Which stage each task of flows/quarterly.py belongs to; a task not listed here counts as "other".
TASK_STAGES = {
    "read_group": "parse",
    "check_batch": "validate",
    "store_submissions": "load",
    "render_report": "render",
    "flag_rejection": "notify",
}
_NOTIFY_HINTS = ("notify", "digest", "remind", "alert", "email", "flush")


@dataclass(frozen=True)
class FlowTimes:
    """The flow run's span and, per stage, the summed task time, the span from first start to last end, runs.

    Only a stage whose tasks run together (parse: the read-files groups, concurrently) has a meaningful span; notify's
    tasks (flag-rejection before render, notify after it) straddle other stages.
    """

    #: None when the flow never ended (the run was stopped)
    flow_seconds: float | None
    #: from the flow's start to the first task's start: listing the inbox and starting the run
    collect_seconds: float
    stages: dict[str, dict[str, float]]
    #: the flow's start and end, seconds since the epoch (end None when it never ended)
    started_at: float
    ended_at: float | None
    #: idle time between one stage's last task and the next stage's first: Prefect preparing the next task
    #: (it walks every value of a task's parameters), as (from stage, to stage, seconds)
    handovers: tuple[tuple[str, str, float], ...] = ()


def stage_of(task_key: str) -> str:
    """The stage of a task run, from its task key («read_group-b3885771» → parse)."""
    name = task_key.rsplit("-", 1)[0]
    if name in TASK_STAGES:
        return TASK_STAGES[name]
    return "notify" if any(hint in name for hint in _NOTIFY_HINTS) else "other"


def flow_times(prefect_home: Path) -> FlowTimes | None:
    """Per-stage times of the (single) flow run recorded under PREFECT_HOME, or None if there is none."""
    database = prefect_home / "prefect.db"
    if not database.exists():
        return None
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        flow = connection.execute("SELECT start_time, end_time FROM flow_run WHERE parent_task_run_id IS NULL "
                                  "ORDER BY start_time LIMIT 1").fetchone()
        tasks = connection.execute("SELECT task_key, start_time, end_time FROM task_run "
                                   "WHERE start_time IS NOT NULL AND end_time IS NOT NULL").fetchall()
    if flow is None or flow[0] is None:
        return None
    # A run stopped by a timeout never ended: its finished tasks still count, the flow's span does not.
    flow_start = _time(flow[0])
    flow_end = _time(flow[1]) if flow[1] else max((_time(end) for _, _, end in tasks), default=flow_start)
    stages: dict[str, dict[str, float]] = {}
    first_task = min((_time(start) for _, start, _ in tasks), default=flow_end)
    for key, start, end in tasks:
        began, ended = _time(start), _time(end)
        entry = stages.setdefault(stage_of(key), {"task_seconds": 0.0, "runs": 0, "first": began, "last": ended})
        entry["task_seconds"] += (ended - began).total_seconds()
        entry["runs"] += 1
        entry["first"], entry["last"] = min(entry["first"], began), max(entry["last"], ended)
    result = {stage: {"task_seconds": round(e["task_seconds"], 3), "runs": e["runs"],
                      "span_seconds": round((e["last"] - e["first"]).total_seconds(), 3)}
              for stage, e in stages.items()}
    flow_seconds = round((flow_end - flow_start).total_seconds(), 3) if flow[1] else None
    return FlowTimes(flow_seconds, round((first_task - flow_start).total_seconds(), 3), result,
                     flow_start.timestamp(), flow_end.timestamp() if flow[1] else None, _handovers(tasks))


def _handovers(tasks: list[tuple[str, str, str]]) -> tuple[tuple[str, str, float], ...]:
    """Where the stage changes (tasks by start): from the last end of every task before to the next one's start
    (the parse tasks run together: the last to start is not the last to end)."""
    ordered = sorted((_time(start), _time(end), stage_of(key)) for key, start, end in tasks)
    found = []
    for index, ((_, _, before), (began, _, after)) in enumerate(pairwise(ordered), start=1):
        if before != after:
            ended = max(end for _, end, _ in ordered[:index])
            found.append((before, after, round((began - ended).total_seconds(), 3)))
    return tuple(found)


def _time(text: str) -> datetime:
    # The server stores UTC without an offset.
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
