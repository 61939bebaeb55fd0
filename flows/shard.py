"""Flows `load-files` and `collect-quarter-sharded`: one quarter's inbox split over several workers."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.runtime import flow_run

from flows.quarterly import (
    SubmissionsRejected,
    alert_operators,
    flag_rejections,
    inbox_folder,
    notify,
    period_or_last_ended,
    publish_verdicts,
    quoted,
    rejected_reports,
    render_report,
    run_logger,
    task_steps,
)
from models import row_id
from zvit.pipeline import Job, inbox_files, process, received
from zvit.quality.findings import Status
from zvit.reading import file_sha256
from zvit.registry import load_registry
from zvit.settings import Settings
from zvit.warehouse import current_submissions, make_engine

if TYPE_CHECKING:
    from prefect.client.schemas.objects import FlowRun

#: The deployment each shard runs as (prefect.yaml): flow name / deployment name.
LOAD_FILES = "load-files/load-files"
#: How often the sharded run asks the server whether its shards have finished.
POLL_SECONDS = 2.0


class ShardsFailed(Exception):
    """A shard's run failed, crashed or was cancelled: some files may not be stored (not a data problem)."""


def split(paths: Sequence[Path], shards: int) -> list[list[Path]]:
    """Deal the files round-robin into at most `shards` non-empty shards, keeping each shard oldest first."""
    count = max(1, min(shards, len(paths)))
    return [list(paths[index::count]) for index in range(count)] if paths else []


@flow(name="load-files")
def load_files(period: str, paths: list[str]) -> list[int]:
    """Read, check and store exactly these files of the period (one shard of a quarter); the stored ids.

    A rejected report fails its own `flag-rejection` task run (its findings as an artifact) but not this run:
    the sharded run that started it decides, from the warehouse, whether the quarter failed, and alerts.

    Args:
        period: The period the files are collected for, e.g. 2022-Q3.
        paths: The files, as absolute paths every worker sees.
    """
    settings = Settings.load()
    engine = make_engine(settings.database_url)
    try:
        job = Job(registry=load_registry(settings.registry_dir), engine=engine, period=period,
                  timezone=settings.timezone)
        outcome = process(received([Path(path) for path in paths], job), job, steps=task_steps())
        flag_rejections(period, rejected_reports(outcome, engine))
    finally:
        engine.dispose()
    return outcome.submission_ids


@task(name="period-submissions", cache_policy=NO_CACHE)
def period_submissions(period: str, sha256s: list[str]) -> tuple[list[int], list[str]]:
    """The current submissions of the period that came from these files: their ids and the rejected departments."""
    files = set(sha256s)
    engine = make_engine(Settings.load().database_url)
    try:
        found = [s for s in current_submissions(engine, period=period) if s.sha256 in files]
    finally:
        engine.dispose()
    return [row_id(s) for s in found], [s.department_name or "?" for s in found if s.status == Status.REJECTED]


def _wait(run_ids: list[UUID]) -> dict[UUID, Any]:
    """Poll the server until every run has reached a final state; their final states by run id."""
    finished: dict[UUID, Any] = {}
    with get_client(sync_client=True) as client:
        while len(finished) < len(run_ids):
            for run_id in run_ids:
                if run_id not in finished:
                    state = client.read_flow_run(run_id).state
                    if state is not None and state.is_final():
                        finished[run_id] = state
            if len(finished) < len(run_ids):
                time.sleep(POLL_SECONDS)
    return finished


def _sharded_run_name() -> str:
    return f"{period_or_last_ended(flow_run.parameters.get('period'))} / sharded"


@flow(name="collect-quarter-sharded", flow_run_name=_sharded_run_name, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def collect_quarter_sharded(period: str = "", inbox: str = "", shards: int = 4) -> list[int]:
    """The quarterly run spread over the work pool: one `load-files` run per shard, then one report and digest.

    Args:
        period: The period to collect, e.g. 2022-Q3. Empty: the period that has just ended by the city's calendar.
        inbox: The folder to read. Empty: ZVIT_INBOX_DIR/<period>.
        shards: How many `load-files` runs to split the files over (one per worker that should take part).
    """
    period = period_or_last_ended(period or None)
    settings = Settings.load()
    logger = run_logger()
    # Absolute paths: a shard may run on another machine that mounts the inbox at the same place.
    files = [path.resolve() for path in inbox_files(inbox_folder(period, inbox or None, settings))]
    parts = split(files, shards)
    # timeout=0: submit every shard first, so the pool's workers take them up side by side. Called from a
    # synchronous flow, run_deployment returns the run (it is typed as the run or its coroutine).
    runs = [cast("FlowRun", run_deployment(LOAD_FILES, parameters={"period": period, "paths": [str(p) for p in shard]},
                                           flow_run_name=f"{period} / shard {number} of {len(parts)}", timeout=0))
            for number, shard in enumerate(parts, start=1)]
    logger.info("%s: %d files in %d shards", period, len(files), len(runs))
    states = _wait([run.id for run in runs])
    failed = [f"{run.name}: {states[run.id].type.value}" for run in runs if not states[run.id].is_completed()]
    # The warehouse is what every shard shares, so the outcome is read back from it rather than from the runs.
    ids, rejected = period_submissions(period, [file_sha256(path) for path in files])
    engine = make_engine(settings.database_url)
    try:
        publish_verdicts(period, quoted(engine))
        notify(period, ids, render_report(period, quoted(engine), settings), quoted(engine), settings)
    finally:
        engine.dispose()
    if failed:
        raise ShardsFailed(f"{period}: shard runs did not complete: {'; '.join(failed)}")
    if rejected:
        raise SubmissionsRejected(f"{period}: {len(rejected)} submission(s) rejected ({', '.join(sorted(rejected))})")
    return ids
