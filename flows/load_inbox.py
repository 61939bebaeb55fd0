"""Flow `load-inbox`: store every department file of one period's inbox folder in the warehouse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task

from zvit.errors import ZvitError
from zvit.registry import load_registry
from zvit.settings import Settings
from zvit.warehouse import make_engine, sync_registry
from zvit.warehouse.ingest import inbox_files, ingest_file


def inbox_folder(period: str, inbox: str | None) -> Path:
    """`inbox` if given, else the period's folder under ZVIT_INBOX_DIR (default ./inbox/<period>)."""
    return Path(inbox) if inbox else Settings.from_env().inbox_dir / period


@task(name="load-file", task_run_name="{path.name}")
def load_file(path: Path) -> list[str]:
    """Store one file's reports; received at the time the file arrived in the inbox."""
    received_at = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    engine = make_engine()
    try:
        ingested = ingest_file(engine, path, received_at=received_at)
    finally:
        engine.dispose()
    return [f"{item.result.department} {item.result.period}: {item.result.status}" for item in ingested]


@flow(name="load-inbox", flow_run_name="{period}")
def load_inbox(period: str, inbox: str | None = None) -> dict[str, list[str]]:
    """Load the period's files one by one; a broken file fails its own task run and never stops the others."""
    logger = get_run_logger()
    engine = make_engine()
    try:
        sync_registry(engine, load_registry())
    finally:
        engine.dispose()
    outcomes: dict[str, list[str]] = {}
    for path in inbox_files(inbox_folder(period, inbox)):
        state = load_file(path, return_state=True)
        try:
            outcomes[path.name] = state.result()
        except ZvitError as error:
            logger.warning("%s", error)
            outcomes[path.name] = [f"unreadable: {error.problem}"]
    return outcomes
