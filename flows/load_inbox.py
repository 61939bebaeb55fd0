"""Flow `load-inbox`: check and store every department file of one period's inbox folder in the warehouse."""

from __future__ import annotations

import logging
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.exceptions import MissingContextError

from zvit.registry import load_registry
from zvit.settings import Settings
from zvit.submissions import inbox_files, process_files
from zvit.warehouse import make_engine, sync_registry


def _logger() -> logging.Logger | logging.LoggerAdapter:
    # The run's logger shows in the Prefect UI; outside a run (task.fn() in tests) a plain one serves.
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("zvit.flows")


def inbox_folder(period: str, inbox: str | None) -> Path:
    """`inbox` if given, else the period's folder under ZVIT_INBOX_DIR (default ./inbox/<period>)."""
    return Path(inbox) if inbox else Settings.from_env().inbox_dir / period


@task(name="check-and-store", task_run_name="{period}: {count} files")
def check_and_store(files: list[Path], period: str, count: int) -> list[str]:
    """Check the files in one gate run and store each report; unreadable files are logged, never fatal."""
    logger = _logger()
    engine = make_engine()
    try:
        registry = load_registry()
        sync_registry(engine, registry)
        batch = process_files(engine, files, registry=registry, period=period)
    finally:
        engine.dispose()
    for problem in batch.unreadable:
        logger.warning("%s", problem.message)
    return [f"{item.result.department} {item.result.period}: {item.result.status}"
            for item in batch.checked if item.result is not None]


@flow(name="load-inbox", flow_run_name="{period}")
def load_inbox(period: str, inbox: str | None = None) -> list[str]:
    """Check and store the period's files; a broken file is reported and never stops the others."""
    files = inbox_files(inbox_folder(period, inbox))
    return check_and_store(files, period, len(files))
