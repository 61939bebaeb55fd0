"""One quarter as the warehouse holds it: each department's verdict and findings, totals, written reports."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from zvit.quality.findings import Finding, Severity
from zvit.warehouse import view_rows
from zvit.warehouse.queries import stored_findings
from zvit.warehouse.receipts import Fate, Receipt, receipts_for_period

if TYPE_CHECKING:
    from zvit.notify.transport import Transport
    from zvit.registry import Registry
    from zvit.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DepartmentOutcome:
    """A registered department's state for the period: its current submission, or missing."""

    department: str
    program: str
    source: str | None
    version: int | None
    status: str
    late: bool | None
    #: its current submission's findings, notices left out
    findings: list[Finding] = field(default_factory=list)
    #: for an unreadable department: its newest refused file and why
    reason: str | None = None


@dataclass(frozen=True)
class QuarterSummary:
    """What a quarterly run leaves: every department's outcome, program totals and the reports written."""

    period: str
    departments: list[DepartmentOutcome]
    totals: dict[str, Decimal | None]
    reports: dict[str, str]
    #: every file taken in for the period, with its fate
    files: list[Receipt] = field(default_factory=list)


def summarize(engine: Engine, period: str, reports: dict[str, Path] | None = None) -> QuarterSummary:
    """Read the quarter back from the warehouse's views."""
    outcomes = []
    for row in view_rows(engine, "v_department_status", period_code=period):
        findings: list[Finding] = []
        if row["submission_id"] is not None:
            findings = [f for f in stored_findings(engine, row["submission_id"]) if f.severity != Severity.NOTICE]
        late = None if row["is_late"] is None else bool(row["is_late"])
        outcomes.append(DepartmentOutcome(row["department_code"], row["program_code"],
                                          row["source_file"] or row["refused_file"], row["version"], row["status"],
                                          late, findings, row["refused_reason"]))
    totals: dict[str, Decimal | None] = {"planned": None, "annual": None, "financed": None, "percent": None}
    programs = view_rows(engine, "v_program_totals", period_code=period)
    if len(programs) == 1:
        program = programs[0]
        totals = {name: program.get(name) for name in ("planned", "annual", "financed")}
        totals["percent"] = program.get("computed_percent")
    return QuarterSummary(period, sorted(outcomes, key=lambda o: (o.program, o.department)), totals,
                          {fmt: str(path) for fmt, path in (reports or {}).items()},
                          receipts_for_period(engine, period))


def verdict_rows(summary: QuarterSummary) -> list[dict[str, Any]]:
    """The period as a table an operator reads: every department's verdict, then every file not taken as a report."""
    from zvit.glossary import word

    rows = [{"Виконавець": d.department, "Програма": d.program, "Файл": d.source or "", "Версія": d.version or "",
             "Стан": word(d.status), "Зауважень": len(d.findings),
             "Із запізненням": "так" if d.late else "", "Причина": d.reason or ""} for d in summary.departments]
    rows += [{"Виконавець": f.department or "?", "Програма": "", "Файл": f.name, "Версія": "",
              "Стан": word(f.fate), "Зауважень": "", "Із запізненням": "", "Причина": f.reason or ""}
             for f in summary.files if f.fate != Fate.STORED]
    return rows


def render_reports(engine: Engine, period: str, out_dir: Path, *, settings: Settings) -> dict[str, Path]:
    """Write the consolidated report of every program running in the period, in every format (PDF included,
    whatever its size: Typst prints a 3,000-line program in seconds, on a thread of its own while the other
    formats are written)."""
    from zvit.registry import load_registry
    from zvit.report import FORMATS
    from zvit.report.gather import gather_report, report_programs
    from zvit.report.write import write_reports

    programs = report_programs(engine, period)
    # who signs and approves each report
    registry = load_registry(settings.registry_dir) if programs else None
    # gathered one at a time as the writing asks for them: a program's PDF is printed while the next is gathered
    reports = (gather_report(engine, program=program, period=period, timezone=settings.timezone, registry=registry)
               for program in programs)
    written: dict[str, Path] = {}
    for program, paths in zip(programs, write_reports(reports, out_dir, FORMATS), strict=True):
        # One program is the usual case: key by format; several programs get program-prefixed keys.
        written.update(paths if len(programs) == 1 else {f"{program}.{fmt}": p for fmt, p in paths.items()})
    return written


#: The files a consolidated report leaves in its folder, by format.
_REPORT_FILES = {"html": "*.html", "docx": "*.docx", "xlsx": "*.xlsx", "pdf": "*.pdf",
                 "datapackage": "*/datapackage.json"}


def report_paths(folder: Path) -> dict[str, Path]:
    """The consolidated report files found in a period's folder, by format."""
    found: dict[str, Path] = {}
    for fmt, pattern in _REPORT_FILES.items():
        found.update({fmt if i == 0 else f"{fmt}.{i}": p for i, p in enumerate(sorted(folder.glob(pattern)))})
    return found


def notify_period(engine: Engine, period: str, submission_ids: list[int], reports: dict[str, Path], *,
                  run_label: str, registry: Registry, transport: Transport, settings: Settings) -> list[str]:
    """After a run: deliver queued notices, tell rejected departments what to fix and departments whose file could
    not be read what to send, send each program's digest."""
    from zvit.notify import flush_queue, notify_refusals, notify_rejections, send_digest

    outcomes = [*flush_queue(engine, transport),
                *notify_rejections(engine, submission_ids, registry=registry, transport=transport, settings=settings),
                *notify_refusals(engine, period, registry=registry, transport=transport, settings=settings)]
    programs = sorted({row["program_code"] for row in view_rows(engine, "v_department_status", period_code=period)})
    outcomes += [send_digest(engine, period, program, reports, registry=registry, transport=transport,
                             run_label=run_label, settings=settings) for program in programs]
    return [f"{o.kind} {o.status}" for o in outcomes]
