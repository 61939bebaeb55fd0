"""The one pipeline: department files in, a fate for each out (receive, read, resolve and check, store).

Every entry point hands files here: `zvit run` and the flows, `zvit load`, `zvit validate`, the benchmark, and
later the web page and the mailbox. Orchestration may wrap a step (a Prefect task with retries and a cache) by
passing its own `Steps`; the sequence itself is written only here.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from zvit.errors import PeriodError
from zvit.heap import collecting_only_new, share_heaps
from zvit.intake.convert import CONVERTED_SUFFIXES, find_soffice
from zvit.model import Report
from zvit.normalize.periods import parse_period_code
from zvit.quality.findings import Finding, Status, status_for
from zvit.reading import Submitted, Unreadable, file_sha256, read_all
from zvit.registry import Registry
from zvit.registry.resolve import Resolution, Resolver, department_in_name
from zvit.warehouse.history import measure_history
from zvit.warehouse.load import LoadResult, load_report
from zvit.warehouse.queries import stored_sources
from zvit.warehouse.receipts import REFUSED, Fate, Origin, Receipt, record_receipts
from zvit.warehouse.registry_sync import sync_registry

log = logging.getLogger(__name__)

#: The formats zvit reads; any other file in an inbox is refused as unsupported, never ignored. Old Word,
#: RTF and OpenDocument files are read after LibreOffice converts them to .docx; a PDF by its text layer.
READ_SUFFIXES = (".docx", ".xlsx", ".xlsm", ".csv", ".txt", *CONVERTED_SUFFIXES, ".pdf")
#: What a department is asked to send instead.
SEND_INSTEAD = "надішліть звіт у форматі Word (.docx), Excel (.xlsx) або CSV"


@dataclass(frozen=True)
class Received:
    """A file as it arrived: where it is, when and from where it came."""

    path: Path
    received_at: datetime
    origin: Origin = Origin.FOLDER
    #: the sender's address (mail) or the signed-in user (upload)
    sender: str | None = None


@dataclass(frozen=True)
class Checked:
    """One report of a file: how the registry resolves it, every finding of its check, and what storing did."""

    submitted: Submitted
    resolution: Resolution
    findings: tuple[Finding, ...]
    result: LoadResult | None = None

    @property
    def status(self) -> Status:
        """The verdict its findings give."""
        return status_for(f.severity for f in self.findings)

    @property
    def report(self) -> Report:
        """The report as read."""
        return self.submitted.report


@dataclass(frozen=True)
class FileFate:
    """What became of one file, and the reports it held."""

    file: Received
    fate: Fate
    sha256: str
    size: int
    #: one line saying why, for every fate but stored and checked
    reason: str | None = None
    #: the department it is from (its report's, else as the registry tells from its name or sender)
    department: str | None = None
    reports: tuple[Checked, ...] = ()
    #: for the log, when the reason (in Ukrainian, for the department) leaves out the technical line in English
    detail: str | None = None

    @property
    def name(self) -> str:
        """The file's name."""
        return self.file.path.name

    @property
    def submission_ids(self) -> list[int]:
        """The submissions stored from it."""
        return [c.result.submission_id for c in self.reports if c.result is not None]


@dataclass(frozen=True)
class Job:
    """What the caller asks: against which registry and warehouse, for which period, program or department."""

    registry: Registry
    #: None to check without a warehouse (no history, nothing stored)
    engine: Engine | None = None
    #: the period being collected: a report for another one is rejected
    period: str | None = None
    program: str | None = None
    #: take only this department's files (a rerun for one department)
    department: str | None = None
    #: False checks and stores nothing (`zvit validate`)
    store: bool = True
    #: when the files count as received; None: each file's modification time
    received_at: datetime | None = None
    origin: Origin = Origin.FOLDER
    sender: str | None = None
    #: the city's time zone, for the deadlines the registry sync writes
    timezone: str = "Europe/Kyiv"
    #: the period a file that names none (unreadable, unsupported) is recorded under, when `period` is None
    default_period: str | None = None

    @property
    def stores(self) -> bool:
        """Whether this job stores what it checks (it asks to, and has a warehouse)."""
        return self.store and self.engine is not None


Reader = Callable[[list[Path]], tuple[list[Submitted], list[Unreadable]]]
Checker = Callable[[list[Submitted], Job], list[Checked]]
Storer = Callable[[list[Checked], Job], list[Checked]]


@dataclass(frozen=True)
class Steps:
    """The steps as callables, so orchestration can wrap each one (retries, caching, names)."""

    read: Reader = read_all
    check: Checker = field(default=lambda submitted, job: check(submitted, job))
    store: Storer = field(default=lambda checked, job: store(checked, job))


@dataclass
class Outcome:
    """What became of every file of a batch, in the order given."""

    files: list[FileFate]

    @property
    def reports(self) -> list[Checked]:
        """Every report of every file."""
        return [c for f in self.files for c in f.reports]

    @property
    def refused(self) -> list[FileFate]:
        """Files not taken as reports: unreadable or unsupported."""
        return [f for f in self.files if f.fate in REFUSED]

    @property
    def submission_ids(self) -> list[int]:
        """Every submission stored (or found stored) from the batch."""
        return [i for f in self.files for i in f.submission_ids]


def process(files: Sequence[Received], job: Job, *, steps: Steps | None = None) -> Outcome:
    """Take files to their fates: refuse what zvit cannot read, read the rest, check them all at once, store each
    report in its own transaction and record every file's fate."""
    steps = steps or Steps()
    # before the reading threads start: the memory they free is then reused by whatever the process does next
    share_heaps()
    with collecting_only_new():
        readable = [f for f in files if _readable(f.path)]
        submitted, unreadable = steps.read([f.path for f in readable])
        submitted, unreadable = _for_department(submitted, unreadable, job)
        checked = steps.check(submitted, job) if submitted else []
        if job.stores:
            # even with nothing to store: it brings the warehouse (and its copy of the registry) up, so an empty
            # inbox still reports every department missing
            checked = steps.store(checked, job)
        fates = _fates(files, checked, unreadable, job)
        if job.stores:
            fates = _record(fates, job)
    _log(fates)
    return Outcome(fates)


def _log(fates: Sequence[FileFate]) -> None:
    """One line per file not taken as a report, and a count of every fate."""
    for fate in fates:
        if fate.reason:
            log.info("%s: %s", fate.fate.value, fate.detail or fate.reason)
    counts = Counter(fate.fate.value for fate in fates)
    log.info("%d files: %s", len(fates), ", ".join(f"{name} {count}" for name, count in counts.items()))


def check(submitted: Sequence[Submitted], job: Job) -> list[Checked]:
    """Resolve every report against the registry and run the gate once over the whole batch."""
    from zvit.quality.gate import check_reports  # the gate's import of Great Expectations is paid only here

    resolve = Resolver(job.registry)
    resolutions = [resolve(s.report) for s in submitted]
    years = {year for s in submitted if (year := _year(s.report.period)) is not None}
    history = measure_history(job.engine, years) if job.engine is not None and years else []
    findings = check_reports([s.report for s in submitted], resolutions, registry=job.registry, period=job.period,
                             program=job.program, history=history)
    return [Checked(s, r, tuple(f)) for s, r, f in zip(submitted, resolutions, findings, strict=True)]


def store(checked: Sequence[Checked], job: Job) -> list[Checked]:
    """Store each checked report in its own transaction (a file stored before is left as it is), after bringing the
    warehouse's copy of the registry up to date: reports are filed under the codes the registry resolved."""
    assert job.engine is not None, "storing needs a warehouse"
    sync_registry(job.engine, job.registry, timezone=job.timezone)
    stored = []
    for item in checked:
        result = load_report(job.engine, item.report, resolution=item.resolution, sha256=item.submitted.sha256,
                             received_at=_received_at(item.submitted.path, job), findings=item.findings)
        stored.append(replace(item, result=result))
    return stored


def _for_department(submitted: list[Submitted], unreadable: list[Unreadable],
                    job: Job) -> tuple[list[Submitted], list[Unreadable]]:
    """Only the department's files when one is named: its reports, and the unreadable files its name tells are its."""
    if job.department is None:
        return submitted, unreadable
    resolve = Resolver(job.registry)
    ours = {s.path for s in submitted if resolve(s.report).department == job.department}
    return ([s for s in submitted if s.path in ours],
            [u for u in unreadable if department_in_name(u.path.name, job.registry) == job.department])


def _fates(files: Sequence[Received], checked: Sequence[Checked], unreadable: Sequence[Unreadable],
           job: Job) -> list[FileFate]:
    by_path: dict[Path, list[Checked]] = {}
    for item in checked:
        by_path.setdefault(item.submitted.path, []).append(item)
    problems = {u.path: u for u in unreadable}
    fates = []
    for file in files:
        size = _size(file.path)
        if not _readable(file.path):
            if job.department is not None and department_in_name(file.path.name, job.registry) != job.department:
                continue
            fates.append(FileFate(file, Fate.UNSUPPORTED, _sha256(file.path), size, _unsupported(file.path),
                                  _department(file, job.registry)))
        elif file.path in problems:
            problem = problems[file.path]
            fates.append(FileFate(file, Fate.UNREADABLE, problem.sha256, size, problem.message,
                                  _department(file, job.registry), detail=problem.detail or None))
        elif file.path in by_path:
            reports = tuple(by_path[file.path])
            fates.append(_fate_of_reports(file, reports, size, job))
        elif job.department is None:  # read, yet no report in it: still a fate, never silence
            fates.append(FileFate(file, Fate.UNREADABLE, _sha256(file.path), size,
                                  f"{file.path.name}: у файлі не знайдено таблиці звіту за формою",
                                  _department(file, job.registry)))
    return fates


def _readable(path: Path) -> bool:
    """Whether zvit reads the file's format here: a converted one only where LibreOffice is installed."""
    suffix = path.suffix.lower()
    return suffix in READ_SUFFIXES and (suffix not in CONVERTED_SUFFIXES or find_soffice() is not None)


def _unsupported(path: Path) -> str:
    """Why a file is not read, and what to send instead."""
    if path.suffix.lower() in CONVERTED_SUFFIXES:
        # the department is told what to send; the operator, what to install
        log.warning("%s: not read: install LibreOffice or send .docx", path.name)
        return (f"{path.name}: не прочитано — файл «{path.suffix}» система читає лише після перетворення "
                f"програмою LibreOffice, якої на сервері не встановлено; {SEND_INSTEAD}")
    return f"{path.name}: «{path.suffix or 'без розширення'}» — формат, який система не читає: {SEND_INSTEAD}"


def _department(file: Received, registry: Registry) -> str | None:
    """Whom a file that could not be read is from: the code in its name, else its sender's department."""
    found = department_in_name(file.path.name, registry)
    if found is None and (sender := registry.department_at(file.sender)) is not None:
        found = sender.code
    return found


def _fate_of_reports(file: Received, reports: tuple[Checked, ...], size: int, job: Job) -> FileFate:
    department = next((c.resolution.department for c in reports if c.resolution.department), None)
    sha256 = reports[0].submitted.sha256
    unknown = [f.message for c in reports for f in c.findings
               if f.rule_code in ("REPORT-DEPARTMENT-UNKNOWN", "REPORT-PROGRAM-UNKNOWN")]
    if unknown:
        return FileFate(file, Fate.UNREGISTERED, sha256, size, " ".join(dict.fromkeys(unknown)),
                        department or _department(file, job.registry), reports)
    fate = Fate.STORED if job.stores else Fate.CHECKED
    return FileFate(file, fate, sha256, size, None, department, reports)


def _record(fates: list[FileFate], job: Job) -> list[FileFate]:
    """Tell a rerun from a duplicate, then record every file's fate; a file recorded before keeps its fate."""
    assert job.engine is not None
    previously = stored_sources(job.engine, [c.result.submission_id for f in fates for c in f.reports
                                             if c.result is not None and c.result.already_loaded])
    fates = [_duplicate_or_not(f, previously) for f in fates]
    receipts = record_receipts(job.engine, [_receipt(f, job) for f in fates])
    return [f if r.fate == f.fate else replace(f, fate=r.fate, reason=r.reason) for f, r in zip(fates, receipts,
                                                                                              strict=True)]


def _duplicate_or_not(fate: FileFate, previously: dict[int, str]) -> FileFate:
    """A file whose reports were all stored before under another name is a duplicate; under its own name, a rerun."""
    results = [c.result for c in fate.reports if c.result is not None]
    if not results or not all(r.already_loaded for r in results):
        return fate
    names = {previously.get(r.submission_id) for r in results}
    if names == {fate.name}:
        return fate
    earlier = ", ".join(sorted(n for n in names if n))
    return replace(fate, fate=Fate.DUPLICATE, reason=f"{fate.name}: цей самий файл уже отримано як «{earlier}»")


def _receipt(fate: FileFate, job: Job) -> Receipt:
    ids = fate.submission_ids
    period = job.period or next((c.report.period for c in fate.reports if c.report.period), job.default_period)
    return Receipt(name=fate.name, size=fate.size, sha256=fate.sha256, origin=fate.file.origin,
                   received_at=_aware(fate.file.received_at), fate=fate.fate, reason=fate.reason, period=period,
                   department=fate.department, sender=fate.file.sender, submission_id=ids[0] if ids else None)


def received(paths: Sequence[Path], job: Job) -> list[Received]:
    """Files taken from a folder (or named on the command line), each received at the job's time or else when it
    was last written."""
    return [Received(path, _received_at(path, job), job.origin, job.sender) for path in paths]


def inbox_files(folder: Path) -> list[Path]:
    """Every file of an inbox folder but hidden and temporary ones, oldest first, so a newer file supersedes an
    older one."""
    if not folder.is_dir():
        return []
    files = (p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def _received_at(path: Path, job: Job) -> datetime:
    if job.received_at is not None:
        return _aware(job.received_at)
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _sha256(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return ""


def _year(period: str | None) -> int | None:
    try:
        return parse_period_code(period).year if period else None
    except PeriodError:
        return None


__all__ = ["Checked", "Fate", "FileFate", "Job", "Origin", "Outcome", "Received", "Steps", "check",
           "inbox_files", "process", "received", "store"]
