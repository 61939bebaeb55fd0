"""Flows `collect-quarter` and `process-submission`: read, check, store, report and notify one period."""

from __future__ import annotations

import hashlib
import logging
import re
from concurrent.futures import Executor
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.exceptions import MissingContextError
from prefect.runtime import flow_run, task_run
from prefect.utilities.annotations import quote

from zvit.normalize.periods import last_ended, parse_period_code
from zvit.notify import send_due_reminders, send_operator_alert, transport_from_settings
from zvit.quality.markdown import rejection_markdown
from zvit.quarter import notify_period, render_reports
from zvit.reading import reading_pool, stable_groups
from zvit.registry import load_registry
from zvit.settings import Settings
from zvit.submissions import (
    Checked,
    Submitted,
    Unreadable,
    check,
    current_rejections,
    file_sha256,
    inbox_files,
    read_files,
    store,
)
from zvit.version import reading_code_version
from zvit.warehouse import make_engine, sync_registry
from zvit.warehouse.load import LoadResult


class SubmissionsRejected(Exception):
    """The period was processed, but some submissions were rejected: the run fails so it can be retried."""


def run_logger() -> logging.Logger | logging.LoggerAdapter:
    """The run's logger inside a flow or task run, else a plain one."""
    # The run's logger shows in the Prefect UI; outside a run (task.fn() in tests) a plain one serves.
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("zvit.flows")


def inbox_folder(period: str, inbox: str | None) -> Path:
    """`inbox` if given, else the period's folder under ZVIT_INBOX_DIR (default ./inbox/<period>)."""
    # A deployment, the UI or the API pass the period unchecked: only a real period code becomes a folder name.
    return Path(inbox) if inbox else Settings.from_env().inbox_dir / parse_period_code(period).code


#: Files are read in this many groups at most, grouped by name (see `stable_groups`): a Prefect task per group
#: keeps retries and caching per group while a thousand files cost sixteen task runs, not a thousand.
READ_GROUPS = 16


def _files_key(context: TaskRunContext, parameters: dict) -> str:
    # A group is read again only when a file's bytes, the group's files or the reading code change: Retry reuses
    # the rest. The path is part of the key because the reading remembers where the file is (arrival time).
    digest = hashlib.sha256()
    for path in sorted(Path(p).resolve() for p in parameters["paths"]):
        digest.update(f"{path}\0{file_sha256(path)}\n".encode())
    return f"read-files-{digest.hexdigest()}-{reading_code_version()}"


def _group_name() -> str:
    names = [Path(p).name for p in task_run.parameters["paths"]]
    return names[0] if len(names) == 1 else f"{len(names)} files: {names[0]} … {names[-1]}"


@task(name="read-files", task_run_name=_group_name, cache_key_fn=_files_key, persist_result=True,
      retries=2, retry_delay_seconds=2)
def read_group(paths: list[Path], pool: Executor | None = None) -> tuple[list[Submitted], list[Unreadable]]:
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


@task(name="check-batch", cache_policy=NO_CACHE)
def check_batch(submitted: list[Submitted], period: str) -> list[Checked]:
    """The data-quality gate over the whole batch, in one run."""
    engine = make_engine()
    try:
        return check(submitted, registry=load_registry(), period=period, engine=engine)
    finally:
        engine.dispose()


@task(name="store-submissions", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=5)
def store_submissions(checked: list[Checked]) -> tuple[list[Checked], list[Checked]]:
    """Store every checked report (a file already stored is a no-op, so a retry is safe); also the rejected
    ones that remain current."""
    engine = make_engine()
    try:
        sync_registry(engine, load_registry())
        stored = store(engine, checked)
        return stored, current_rejections(engine, stored)
    finally:
        engine.dispose()


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


@task(name="notify", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def notify(period: str, ids: list[int], reports: dict[str, Path]) -> list[str]:
    """Rejection notices, the queue of undelivered ones and the digest (mail failures are queued, not raised)."""
    engine = make_engine()
    try:
        # The run is named in the digest's text; the digest is sent again only when the period's state changed.
        return notify_period(engine, period, ids, reports, run_label=str(flow_run.id or period))
    finally:
        engine.dispose()


def alert_operators(flow: Any, run: Any, state: Any) -> None:
    """on_failure / on_crashed: tell the operators, unless the run failed only because data was rejected."""
    if isinstance(state.result(raise_on_failure=False), SubmissionsRejected):
        return
    engine = make_engine()
    try:
        send_operator_alert(run.name, str(run.id), state.message or str(state.type), engine=engine,
                            transport=transport_from_settings(), state=state.name)
    finally:
        engine.dispose()


@task(name="render-report", cache_policy=NO_CACHE, retries=1)
def render_report(period: str) -> dict[str, Path]:
    """Write the consolidated report from the warehouse."""
    engine = make_engine()
    try:
        return render_reports(engine, period, Settings.from_env().reports_dir / period)
    finally:
        engine.dispose()


def process(period: str, inbox: str | None, department: str | None) -> list[LoadResult]:
    """Read (cached per file), check, store, report; fail at the end if anything was rejected."""
    logger = run_logger()
    submitted, unreadable = read_inbox(inbox_files(inbox_folder(period, inbox)))
    for problem in unreadable:
        logger.warning("%s", problem.message)
    if department is not None:
        registry = load_registry()
        submitted = [s for s in submitted if registry.resolve_department(s.report.department) == department]
    # quote(): a batch is thousands of objects that Prefect would otherwise walk looking for futures.
    stored, rejected = store_submissions(quote(check_batch(quote(submitted), period)))
    flags = [flag_rejection(period, item.result.department or "?", quote(item), return_state=True)
             for item in rejected]
    ids = [item.result.submission_id for item in stored if item.result is not None]
    notify(period, ids, render_report(period))
    if flags:
        raise SubmissionsRejected(f"{period}: {len(flags)} submission(s) rejected")
    # What storing did, not the reports themselves: Prefect walks a flow's return value.
    return [item.result for item in stored if item.result is not None]


def period_or_last_ended(period: str | None) -> str:
    """The period given (checked, as `2022-Q3`), else the one that has just ended by the city's calendar (a
    scheduled run names none)."""
    if period:
        return parse_period_code(period).code
    return last_ended(datetime.now(ZoneInfo(Settings.from_env().timezone)).date()).code


def _run_name() -> str:
    parameters = flow_run.parameters
    name = period_or_last_ended(parameters.get("period"))
    return f"{name} / {parameters['department']}" if parameters.get("department") else name


@flow(name="collect-quarter", flow_run_name=_run_name, on_failure=[alert_operators], on_crashed=[alert_operators])
def collect_quarter(period: str | None = None, inbox: str | None = None) -> list[LoadResult]:
    """The quarterly run: every department's newest file in the period's inbox."""
    return process(period_or_last_ended(period), inbox, None)


@flow(name="process-submission", flow_run_name=_run_name, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def process_submission(department: str, period: str | None = None, inbox: str | None = None) -> list[LoadResult]:
    """One department's files for the period, alone (after it sent a corrected file)."""
    return process(period_or_last_ended(period), inbox, department)


@flow(name="remind-departments", flow_run_name=_run_name, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def remind_departments(period: str | None = None) -> list[str]:
    """Reminders before the deadline and overdue notices after it, to departments that have not submitted."""
    engine = make_engine()
    try:
        registry = load_registry()
        sync_registry(engine, registry)
        outcomes = send_due_reminders(engine, period_or_last_ended(period), registry=registry,
                                      transport=transport_from_settings())
    finally:
        engine.dispose()
    return [f"{o.kind} {o.status}" for o in outcomes]
