"""Storing a report in a test as the pipeline's store step does, without running the whole gate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from zvit.model import Report
from zvit.pipeline import Job, Outcome, check, process, received
from zvit.reading import Submitted
from zvit.quality.findings import Finding
from zvit.registry import Registry, load_registry
from zvit.registry.resolve import resolve
from zvit.settings import DEFAULT_REGISTRY_DIR
from zvit.warehouse import LoadResult
from zvit.warehouse import load_report as store_resolved

KYIV = ZoneInfo("Europe/Kyiv")


def load_report(target: Engine | Session, report: Report, *, sha256: str, received_at: datetime,
                findings: Sequence[Finding] = (), registry: Registry | None = None) -> LoadResult:
    """Store `report` resolved against the shipped registry, with intake's findings and `findings` (which may hold
    them already, as the gate's do); a naive `received_at` is city time."""
    registry = registry or load_registry(DEFAULT_REGISTRY_DIR)
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=KYIV)
    return store_resolved(target, report, resolution=resolve(report, registry), sha256=sha256,
                          received_at=received_at,
                          findings=[*report.warnings, *(f for f in findings if f not in report.warnings)])


def take_files(engine: Engine | None, paths: Sequence[Path], *, period: str | None = None,
               program: str | None = None, registry: Registry | None = None, store: bool = True,
               received_at: datetime | None = None) -> Outcome:
    """Take files through the one pipeline, with the shipped registry (what `zvit load` or `validate` does)."""
    job = Job(registry=registry or load_registry(DEFAULT_REGISTRY_DIR), engine=engine, period=period,
              program=program, store=store, received_at=received_at)
    return process(received(paths, job), job)


def check_and_load(engine: Engine, report: Report, *, sha256: str, received_at: datetime,
                   registry: Registry | None = None) -> LoadResult:
    """Check one report with the gate, then store it as the pipeline does."""
    job = Job(registry=registry or load_registry(DEFAULT_REGISTRY_DIR), engine=engine)
    [checked] = check([Submitted(Path(report.source), sha256, report)], job)
    return store_resolved(engine, report, resolution=checked.resolution, sha256=sha256, received_at=received_at,
                          findings=checked.findings)
