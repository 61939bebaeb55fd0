"""Taking in a batch of department files: read each, check all in one gate run, store each report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from zvit.normalize.periods import PeriodError, parse_period_code
from zvit.quality import check_reports
from zvit.reading import Submitted, Unreadable, file_sha256, read_files, reading_pool
from zvit.registry import Registry, load_registry
from zvit.warehouse.findings import CheckFinding
from zvit.warehouse.history import measure_history
from zvit.warehouse.load import LoadResult, load_report
from zvit.warehouse.queries import current_submissions

__all__ = ["Batch", "Checked", "Submitted", "Unreadable", "check", "current_rejections", "file_sha256",
           "inbox_files", "process_files", "read_files", "store"]

#: File types departments send; anything else in an inbox is left alone.
SUBMISSION_SUFFIXES = (".docx", ".xlsx", ".xlsm", ".csv", ".txt")


@dataclass(frozen=True)
class Checked:
    """A report with the gate's findings and, once stored, what storing it did."""

    submitted: Submitted
    findings: list[CheckFinding]
    result: LoadResult | None = None


@dataclass
class Batch:
    """What became of every file of a batch."""

    checked: list[Checked] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)


def inbox_files(folder: Path) -> list[Path]:
    """The submission files in an inbox folder, oldest first, so a newer file supersedes an older one."""
    if not folder.is_dir():
        return []
    files = (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUBMISSION_SUFFIXES)
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def check(submitted: Sequence[Submitted], *, registry: Registry, period: str | None = None,
          program: str | None = None, engine: Engine | None = None) -> list[Checked]:
    """Run the gate once over the whole batch, against the warehouse's earlier periods when there is one."""
    years = {_year(s.report.period) for s in submitted} - {None}
    history = measure_history(engine, years) if engine is not None and years else []
    findings = check_reports([s.report for s in submitted], registry=registry, period=period, program=program,
                             history=history)
    return [Checked(item, found) for item, found in zip(submitted, findings, strict=True)]


def store(engine: Engine, checked: Iterable[Checked], *, received_at: datetime | None = None) -> list[Checked]:
    """Store each checked report; a file counts as received at `received_at`, else at its modification time."""
    stored = []
    for item in checked:
        moment = received_at or datetime.fromtimestamp(item.submitted.path.stat().st_mtime, tz=UTC)
        result = load_report(engine, item.submitted.report, sha256=item.submitted.sha256, received_at=moment,
                             findings=item.findings)
        stored.append(Checked(item.submitted, item.findings, result))
    return stored


def current_rejections(engine: Engine, stored: Iterable[Checked]) -> list[Checked]:
    """The stored reports that are rejected and still their department's current version (read back now:
    a newer file stored later in the same batch supersedes an older rejected one)."""
    current = {s.id for s in current_submissions(engine) if s.status == "rejected"}
    return [item for item in stored if item.result is not None and item.result.submission_id in current]


def process_files(engine: Engine, paths: Iterable[Path], *, received_at: datetime | None = None,
                  registry: Registry | None = None, period: str | None = None,
                  program: str | None = None) -> Batch:
    """Read (over the machine's cores when there are many), check and store a batch of files."""
    paths = list(paths)
    with reading_pool(len(paths)) as pool:
        submitted, unreadable = read_files(paths, pool=pool)
    checked = check(submitted, registry=registry or load_registry(), period=period, program=program, engine=engine)
    return Batch(checked=store(engine, checked, received_at=received_at), unreadable=unreadable)


def _year(period: str | None) -> int | None:
    try:
        return parse_period_code(period).year if period else None
    except PeriodError:
        return None
