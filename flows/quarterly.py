"""Flows `collect-quarter` and `process-submission`: read, check, store, report and notify one period."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.context import TaskRunContext
from prefect.exceptions import MissingContextError
from prefect.runtime import flow_run

from zvit.normalize.periods import last_ended
from zvit.notify import send_due_reminders, send_operator_alert, transport_from_settings
from zvit.quality.markdown import rejection_markdown
from zvit.quarter import notify_period, render_reports
from zvit.registry import load_registry
from zvit.settings import Settings
from zvit.submissions import (
    Checked, Submitted, Unreadable, check, current_rejections, file_sha256, inbox_files, read_files, store,
)
from zvit.version import reading_code_version
from zvit.warehouse import make_engine, sync_registry


class SubmissionsRejected(Exception):
    """The period was processed, but some submissions were rejected: the run fails so it can be retried."""


def _logger() -> logging.Logger | logging.LoggerAdapter:
    # The run's logger shows in the Prefect UI; outside a run (task.fn() in tests) a plain one serves.
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("zvit.flows")


def inbox_folder(period: str, inbox: str | None) -> Path:
    """`inbox` if given, else the period's folder under ZVIT_INBOX_DIR (default ./inbox/<period>)."""
    return Path(inbox) if inbox else Settings.from_env().inbox_dir / period


def _file_key(context: TaskRunContext, parameters: dict) -> str:
    # A file is read again only when its bytes or the reading code change: Retry reuses the rest. The path is
    # part of the key because the reading remembers where the file is (its arrival time is read from it).
    path = Path(parameters["path"]).resolve()
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    return f"read-file-{digest}-{file_sha256(path)}-{reading_code_version()}"


@task(name="read-file", task_run_name="{path.name}", cache_key_fn=_file_key, persist_result=True,
      retries=2, retry_delay_seconds=2)
def read_file(path: Path) -> tuple[list[Submitted], list[Unreadable]]:
    """Every report of one file (an unreadable file is returned as such, not raised)."""
    return read_files([path])


@task(name="check-batch")
def check_batch(submitted: list[Submitted], period: str) -> list[Checked]:
    """The data-quality gate over the whole batch, in one run."""
    engine = make_engine()
    try:
        return check(submitted, registry=load_registry(), period=period, engine=engine)
    finally:
        engine.dispose()


@task(name="store-submissions", retries=3, retry_delay_seconds=5)
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


@task(name="flag-rejection", task_run_name="{period} / {department}")
def flag_rejection(period: str, department: str, item: Checked) -> None:
    """Fail visibly for one rejected submission: its findings as a markdown artifact and in the log."""
    markdown = rejection_markdown(item, period=period, department=department)
    create_markdown_artifact(markdown=markdown, key=f"rejected-{department}-{period}".lower(),
                             description=f"{period} / {department}: rejected")
    _logger().error("%s / %s rejected:\n%s", period, department, markdown)
    raise SubmissionsRejected(f"{period} / {department}: rejected ({item.submitted.path.name})")


@task(name="notify", retries=2, retry_delay_seconds=10)
def notify(period: str, stored: list[Checked], reports: dict[str, Path]) -> list[str]:
    """Rejection notices, the queue of undelivered ones and the digest (mail failures are queued, not raised)."""
    engine = make_engine()
    try:
        ids = [item.result.submission_id for item in stored if item.result is not None]
        # A retried run keeps its id, so its digest is not sent twice.
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


@task(name="render-report", retries=1)
def render_report(period: str) -> dict[str, Path]:
    """Write the consolidated report from the warehouse."""
    engine = make_engine()
    try:
        return render_reports(engine, period, Settings.from_env().reports_dir / period)
    finally:
        engine.dispose()


def process(period: str, inbox: str | None, department: str | None) -> list[Checked]:
    """Read (cached per file), check, store, report; fail at the end if anything was rejected."""
    logger = _logger()
    submitted: list[Submitted] = []
    for path in inbox_files(inbox_folder(period, inbox)):
        reports, unreadable = read_file(path)
        submitted += reports
        for problem in unreadable:
            logger.warning("%s", problem.message)
    if department is not None:
        registry = load_registry()
        submitted = [s for s in submitted if registry.resolve_department(s.report.department) == department]
    stored, rejected = store_submissions(check_batch(submitted, period))
    flags = [flag_rejection(period, item.result.department or "?", item, return_state=True) for item in rejected]
    notify(period, stored, render_report(period))
    if flags:
        raise SubmissionsRejected(f"{period}: {len(flags)} submission(s) rejected")
    return stored


def _period(period: str | None) -> str:
    # A scheduled run names no period: it collects the one that has just ended, by the city's calendar.
    return period or last_ended(datetime.now(ZoneInfo(Settings.from_env().timezone)).date()).code


def _run_name() -> str:
    parameters = flow_run.parameters
    name = _period(parameters.get("period"))
    return f"{name} / {parameters['department']}" if parameters.get("department") else name


@flow(name="collect-quarter", flow_run_name=_run_name, on_failure=[alert_operators], on_crashed=[alert_operators])
def collect_quarter(period: str | None = None, inbox: str | None = None) -> list[Checked]:
    """The quarterly run: every department's newest file in the period's inbox."""
    return process(_period(period), inbox, None)


@flow(name="process-submission", flow_run_name=_run_name, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def process_submission(department: str, period: str | None = None, inbox: str | None = None) -> list[Checked]:
    """One department's files for the period, alone (after it sent a corrected file)."""
    return process(_period(period), inbox, department)


@flow(name="remind-departments", flow_run_name=_run_name, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def remind_departments(period: str | None = None) -> list[str]:
    """Reminders before the deadline and overdue notices after it, to departments that have not submitted."""
    engine = make_engine()
    try:
        registry = load_registry()
        sync_registry(engine, registry)
        outcomes = send_due_reminders(engine, _period(period), registry=registry,
                                      transport=transport_from_settings())
    finally:
        engine.dispose()
    return [f"{o.kind} {o.status}" for o in outcomes]
