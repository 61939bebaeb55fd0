"""Flows `collect-quarter` and `process-submission`: one period's inbox through the pipeline, then report and notify.

The pipeline (zvit.pipeline) decides every file's fate; the flows only wrap its steps as tasks (names, retries,
a cache per group of files), publish what happened to the Prefect UI and fail a run that has something to redo.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.exceptions import MissingContextError
from prefect.runtime import flow_run, task_run
from prefect.utilities.annotations import quote
from sqlalchemy.engine import Engine

from flows.logs import show_zvit_logs
from zvit.normalize.periods import last_ended, parse_period_code
from zvit.notify import send_due_reminders, send_operator_alert, transport_from_settings
from zvit.notify.artifact import rejection_markdown
from zvit.pipeline import Checked, Job, Outcome, Steps, check, inbox_files, process, received, store
from zvit.quarter import notify_period, render_reports, summarize, verdict_rows
from zvit.reading import Submitted, Unreadable, file_sha256, read_files, reading_pool, stable_groups
from zvit.registry import load_registry
from zvit.settings import Settings
from zvit.version import reading_code_version
from zvit.warehouse import make_engine, sync_registry
from zvit.warehouse.queries import current_rejected

show_zvit_logs()

T = TypeVar("T")


class SubmissionsRejected(Exception):
    """The period was processed, but some submissions were rejected: the run fails so it can be retried."""


class NothingToCollect(FileNotFoundError):
    """The inbox folder is missing, or holds no file for the department: the run would do nothing, so it fails."""


def run_logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The run's logger inside a flow or task run, else a plain one."""
    # The run's logger shows in the Prefect UI; outside a run (task.fn() in tests) a plain one serves.
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("zvit.flows")


def inbox_folder(period: str, inbox: str | None, settings: Settings) -> Path:
    """`inbox` if given, else the period's folder under ZVIT_INBOX_DIR (default ./inbox/<period>); NothingToCollect
    when it is not a folder (a missing folder must not read as an inbox where every department sent nothing)."""
    # A deployment, the UI or the API pass the period unchecked: only a real period code becomes a folder name.
    code = parse_period_code(period).code
    folder = Path(inbox) if inbox else settings.inbox_dir / code
    if not folder.is_dir():
        raise NothingToCollect(f"{code}: the inbox {str(folder)!r} is not a folder")
    return folder


#: Files are read in this many groups at most, grouped by name (see `stable_groups`): a Prefect task per group
#: keeps retries and caching per group while a thousand files cost sixteen task runs, not a thousand.
READ_GROUPS = 16


def _files_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    # A group is read again only when a file's bytes, the group's files or the reading code change: Retry reuses
    # the rest. The path is part of the key because the reading remembers where the file is (arrival time).
    digest = hashlib.sha256()
    for path in sorted(Path(p).resolve() for p in parameters["paths"]):
        digest.update(f"{path}\0{file_sha256(path)}\n".encode())
    return f"read-files-{digest.hexdigest()}-{reading_code_version()}"


def _group_name() -> str:
    names = [Path(p).name for p in task_run.parameters["paths"]]
    return names[0] if len(names) == 1 else f"{len(names)} files: {names[0]} … {names[-1]}"


# persisted (a rerun reads no file twice) but not also kept in memory: the batch is let go before the report renders
@task(name="read-files", task_run_name=_group_name, cache_key_fn=_files_key, persist_result=True,
      cache_result_in_memory=False, retries=2, retry_delay_seconds=2)
def read_group(paths: list[Path], pool: Any = None) -> tuple[list[Submitted], list[Unreadable]]:
    """Every report of a group of files, on the reading pool when there is one (an unreadable file is returned
    as such, not raised)."""
    return read_files(paths, pool=pool)


def read_inbox(paths: list[Path]) -> tuple[list[Submitted], list[Unreadable]]:
    """Read every file, the groups concurrently and the files over the machine's cores; in the inbox's order."""
    order = {path: index for index, path in enumerate(paths)}
    submitted: list[Submitted] = []
    unreadable: list[Unreadable] = []
    with reading_pool(len(paths)) as pool:
        futures = read_group.map(stable_groups(paths, READ_GROUPS), pool=unmapped(pool))
        for reports, problems in futures.result():
            submitted += reports
            unreadable += problems
    submitted.sort(key=lambda item: order[item.path])
    unreadable.sort(key=lambda item: order[item.path])
    return submitted, unreadable


@task(name="check-batch", task_run_name="check {count} reports", cache_policy=NO_CACHE)
def check_batch(submitted: list[Submitted], job: Job, count: int) -> list[Checked]:
    """The data-quality gate over the whole batch, in one run."""
    return check(submitted, job)


@task(name="store-submissions", task_run_name="store {count} reports", cache_policy=NO_CACHE, retries=3,
      retry_delay_seconds=5)
def store_submissions(checked: list[Checked], job: Job, count: int) -> list[Checked]:
    """Store every checked report (a file already stored is a no-op, so a retry is safe)."""
    return store(checked, job)


def quoted(value: T) -> T:
    """`quote(value)` as a task's argument: Prefect passes the value itself to the task without walking it for
    futures (a batch is thousands of objects). Typed as the value, which is what the task receives."""
    return cast("T", quote(value))


def task_steps() -> Steps:
    """The pipeline's steps as this flow's tasks."""
    return Steps(read=read_inbox,
                 check=lambda submitted, job: check_batch(quoted(submitted), quoted(job), len(submitted)),
                 store=lambda checked, job: store_submissions(quoted(checked), quoted(job), len(checked)))


@task(name="flag-rejection", task_run_name="{period} / {department}", cache_policy=NO_CACHE)
def flag_rejection(period: str, department: str, item: Checked) -> None:
    """Fail visibly for one rejected submission: its findings as a markdown artifact and in the log."""
    markdown = rejection_markdown(item, period=period, department=department)
    create_markdown_artifact(markdown=markdown, key=artifact_key(period, department, item),
                             description=f"{period} / {department}: rejected")
    run_logger().error("%s / %s rejected:\n%s", period, department, markdown)
    raise SubmissionsRejected(f"{period} / {department}: rejected ({item.submitted.path.name})")


def artifact_key(period: str, department: str, item: Checked) -> str:
    """The key of a rejection's markdown artifact: by department code, else by submission."""
    # Prefect takes only [a-z0-9-] in a key; a department the registry does not know is named by its report
    # (Cyrillic, or anything), so it is keyed by the submission instead.
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", department):
        return f"rejected-{department}-{period.lower()}"
    return f"rejected-submission-{item.result.submission_id if item.result else 0}-{period.lower()}"


@task(name="publish-verdicts", task_run_name="verdicts of {period}", cache_policy=NO_CACHE)
def publish_verdicts(period: str, engine: Engine) -> None:
    """The period's verdicts as a table artifact: every department, and every refused file with why."""
    rows = verdict_rows(summarize(engine, period))
    create_table_artifact(table=rows, key=f"verdicts-{period.lower()}",
                          description=f"{period}: вердикти виконавців і файли, які не взято як звіт")


@task(name="notify", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def notify(period: str, ids: list[int], reports: dict[str, Path], engine: Engine, settings: Settings) -> list[str]:
    """Rejection notices, the queue of undelivered ones and the digest (mail failures are queued, not raised)."""
    # The run is named in the digest's text; the digest is sent again only when the period's state changed.
    return notify_period(engine, period, ids, reports, run_label=str(flow_run.id or period),
                         registry=load_registry(settings.registry_dir), transport=transport_from_settings(settings),
                         settings=settings)


def alert_operators(flow: Any, flow_run: Any, state: Any) -> None:
    """on_failure / on_crashed: tell the operators, unless the run failed only because data was rejected."""
    if isinstance(state.result(raise_on_failure=False), SubmissionsRejected):
        return
    settings = Settings.load()
    engine = make_engine(settings.database_url)
    try:
        send_operator_alert(flow_run.name, str(flow_run.id), state.message or str(state.type), engine=engine,
                            transport=transport_from_settings(settings), state=state.name, settings=settings)
    finally:
        engine.dispose()


@task(name="render-report", cache_policy=NO_CACHE, retries=1)
def render_report(period: str, engine: Engine, settings: Settings) -> dict[str, Path]:
    """Write the consolidated report from the warehouse."""
    return render_reports(engine, period, settings.reports_dir / period, settings=settings)


def collect(period: str, inbox: str | None, department: str | None) -> list[int]:
    """Take the period's files through the pipeline, publish the verdicts, report and notify; fail at the end if
    anything was rejected. The stored submissions' ids."""
    settings = Settings.load()
    folder = inbox_folder(period, inbox, settings)
    paths = inbox_files(folder)
    engine = make_engine(settings.database_url)
    try:
        job = Job(registry=load_registry(settings.registry_dir), engine=engine, period=period,
                  department=department, timezone=settings.timezone)
        outcome = process(received(paths, job), job, steps=task_steps())
        # A quarter with an empty inbox is still reported (every department missing, reminders due); a run for one
        # department that finds none of its files would do nothing at all.
        if department is not None and not outcome.files:
            raise NothingToCollect(f"{period}: no file from {department} in {folder.resolve()} "
                                   f"({len(paths)} files there)")
        ids, rejected = outcome.submission_ids, rejected_reports(outcome, engine)
        # The batch's reports are let go before the report renders, whose memory then reuses theirs (issue 15):
        # a failed task keeps its traceback, and through it the frames that called it, so none may hold the batch.
        del outcome
        publish_verdicts(period, quoted(engine))
        flags = flag_rejections(period, rejected)
        notify(period, ids, render_report(period, quoted(engine), settings), quoted(engine), settings)
    finally:
        engine.dispose()
    if flags:
        raise SubmissionsRejected(f"{period}: {len(flags)} submission(s) rejected")
    return ids


def rejected_reports(outcome: Outcome, engine: Engine) -> list[Checked]:
    """The batch's rejected reports that are still their department's current version."""
    rejected = set(current_rejected(engine, outcome.submission_ids))
    return [item for item in outcome.reports if item.result is not None and item.result.submission_id in rejected]


def flag_rejections(period: str, rejected: list[Checked]) -> list[Any]:
    """A failed task per rejected report."""
    return [flag_rejection(period, (item.result and item.result.department) or "?", quoted(item), return_state=True)
            for item in rejected]


def period_or_last_ended(period: str | None, timezone: str | None = None) -> str:
    """The period given (checked, as `2022-Q3`), else the one that has just ended by the city's calendar (a
    scheduled run names none); the city's time zone from the settings unless given."""
    if period:
        return parse_period_code(period).code
    zone = timezone or Settings.load().timezone
    return last_ended(datetime.now(ZoneInfo(zone)).date()).code


def _run_name() -> str:
    parameters = flow_run.parameters
    name = period_or_last_ended(parameters.get("period"))
    return f"{name} / {parameters['department']}" if parameters.get("department") else name


@flow(name="collect-quarter", flow_run_name=_run_name, on_failure=[alert_operators], on_crashed=[alert_operators])
def collect_quarter(period: str = "", inbox: str = "") -> list[int]:
    """The quarterly run: every department's newest file in the period's inbox.

    Args:
        period: The period to collect, e.g. 2022-Q3 (cumulative: Q3 is 9 months). Empty: the period that has
            just ended by the city's calendar.
        inbox: The folder to read. Empty: ZVIT_INBOX_DIR/<period>.
    """
    return collect(period_or_last_ended(period or None), inbox or None, None)


@flow(name="process-submission", flow_run_name=_run_name, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def process_submission(department: str, period: str = "", inbox: str = "") -> list[int]:
    """One department's files for the period, alone (after it sent a corrected file).

    Args:
        department: The department's code in the registry (registry/departments.yaml), e.g. upravlinnia-zvernen.
        period: The period, e.g. 2022-Q3. Empty: the period that has just ended by the city's calendar.
        inbox: The folder to read. Empty: ZVIT_INBOX_DIR/<period>.
    """
    return collect(period_or_last_ended(period or None), inbox or None, department)


@flow(name="remind-departments", flow_run_name=_run_name, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def remind_departments(period: str = "") -> list[str]:
    """Reminders before the deadline and overdue notices after it, to departments that have not submitted.

    Args:
        period: The period, e.g. 2022-Q3. Empty: the period that has just ended by the city's calendar.
    """
    settings = Settings.load()
    engine = make_engine(settings.database_url)
    try:
        registry = load_registry(settings.registry_dir)
        sync_registry(engine, registry, timezone=settings.timezone)
        outcomes = send_due_reminders(engine, period_or_last_ended(period or None, settings.timezone),
                                      registry=registry, transport=transport_from_settings(settings),
                                      settings=settings)
    finally:
        engine.dispose()
    return [f"{o.kind} {o.status}" for o in outcomes]
