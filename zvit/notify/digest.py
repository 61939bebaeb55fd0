"""The consolidator's digest after a quarterly run: every department's status, findings counts, the report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from models.submissions import Notification
from zvit.formatting import period_label, uk_date, uk_datetime
from zvit.notify.dispatch import deliver, utc_now
from zvit.notify.ledger import NotificationOutcome
from zvit.notify.message import Notice
from zvit.notify.render import render_parts
from zvit.notify.transport import Transport
from zvit.quality.findings import Severity, Status
from zvit.registry import Registry
from zvit.settings import Settings
from zvit.warehouse import view_rows
from zvit.warehouse.receipts import REFUSED, Fate, Receipt, receipts_for_period

#: Fates of files the digest lists when no department could be told from them: refused, or a report from a
#: department the registry does not know (stored as rejected, so it is on no department's row).
_UNATTRIBUTED_FATES = REFUSED | {Fate.UNREGISTERED}


def send_digest(engine: Engine, period: str, program: str, report_paths: Mapping[str, Path], *,
                registry: Registry, transport: Transport, run_label: str, settings: Settings | None = None,
                now: datetime | None = None) -> NotificationOutcome:
    """Send the digest of one quarterly run to the consolidator: once per program, period and run label.

    A rerun or retry of the same run (same label) sends nothing more; each new run sends, and records, its own.
    """
    settings = settings or Settings()  # defaults: the environment is read at the entry point
    now = utc_now(now)
    return deliver(engine, digest_notice(engine, period, program, report_paths, registry=registry,
                                         run_label=run_label, settings=settings), transport, now=now)


def consolidators(registry: Registry, program: str, settings: Settings) -> tuple[str, ...]:
    """ZVIT_CONSOLIDATOR_EMAILS, else the program's responsible executors, else the operators."""
    if settings.consolidator_emails:
        return settings.consolidator_emails
    responsible = [email for d in registry.departments if d.is_responsible_for(program) for email in d.emails]
    return tuple(dict.fromkeys(responsible)) or settings.operator_emails


def digest_notice(engine: Engine, period: str, program: str, report_paths: Mapping[str, Path], *,
                  registry: Registry, run_label: str, settings: Settings) -> Notice:
    """The digest for one program and period, as the warehouse has it now."""
    rows = view_rows(engine, "v_department_status", period_code=period, program_code=program)
    counts = _finding_counts(engine, [row["submission_id"] for row in rows if row["submission_id"] is not None])
    # the registry's order, as the consolidated report lists them
    order = {d.code: index for index, d in enumerate(registry.departments)}
    rows = sorted(rows, key=lambda row: (order.get(str(row["department_code"]), len(order)),
                                         str(row["department_name"])))
    departments = [_department(row, counts, settings) for row in rows]
    refused = unattributed(engine, period)
    title = registry.program(program).title if program in {p.code for p in registry.programs} else program
    context = {
        "program": title, "period": period_label(period), "period_code": period,
        "deadline": uk_date(registry.calendar.deadline(period)),
        "departments": departments,
        "total": len(departments),
        # a file that could not be read is no report: its department has not submitted one yet
        "submitted": sum(1 for d in departments if d["status"] not in (Status.MISSING, Status.UNREADABLE)),
        "accepted": sum(1 for d in departments if d["status"] in (Status.ACCEPTED, Status.ACCEPTED_WITH_WARNINGS)),
        "rejected": sum(1 for d in departments if d["status"] == Status.REJECTED),
        "unreadable": sum(1 for d in departments if d["status"] == Status.UNREADABLE),
        "missing": sum(1 for d in departments if d["status"] == Status.MISSING),
        "late": sum(1 for d in departments if d["late"]),
        "refused": [{"file": r.name, "fate": r.fate.value, "reason": r.reason or "",
                     "received": uk_datetime(r.received_at, settings.timezone)} for r in refused],
        # which formats were published, in words: a server path is nothing a clerk can open
        "formats": list(report_paths),
        "undelivered": _undelivered(engine, period),
    }
    subject, text, html = render_parts("digest", **context)
    ids = _ids(engine, program, period)
    return Notice(key=f"digest/{program}/{period}/{_state(rows, refused)}", kind="digest",
                  recipients=consolidators(registry, program, settings), subject=subject, text=text, html=html,
                  program_id=ids[0], period_id=ids[1], about=f"{title}, {period}")


def unattributed(engine: Engine, period: str) -> list[Receipt]:
    """The period's files not taken as any department's report and not attributed to one, oldest first."""
    return [r for r in receipts_for_period(engine, period) if r.fate in _UNATTRIBUTED_FATES and r.department is None]


def _state(rows: Sequence[Mapping[str, Any]], refused: Sequence[Receipt]) -> str:
    # The key names what the digest reports, not the run: a crashed run's rerun, a retry or a second run at the
    # same time find the same state and send nothing new; a newer file or a changed status makes a new digest,
    # and so does a newly refused file (which a period with none leaves out, so that its key stays as it was).
    state: list[Any] = sorted((str(row["department_code"]), row["submission_id"] or 0, row["version"] or 0,
                               str(row["status"])) for row in rows)
    files = sorted({str(row["refused_file"]) for row in rows if row.get("refused_file")}
                   | {f"{r.name}/{r.sha256}" for r in refused})
    if files:
        state.append(files)
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:16]


def _department(row: Mapping[str, Any], counts: Mapping[int, Mapping[str, int]],
                settings: Settings) -> dict[str, Any]:
    found = counts.get(row["submission_id"], {}) if row["submission_id"] is not None else {}
    return {
        "department": row["department_name"], "status": row["status"],
        # a department whose only file could not be read: that file and why, never «not submitted»
        "file": row["source_file"] or row.get("refused_file") or "", "reason": row.get("refused_reason") or "",
        "version": row["version"], "late": bool(row["is_late"]),
        "received": uk_datetime(row["received_at"], settings.timezone) if row["received_at"] else "",
        "critical": found.get(Severity.CRITICAL, 0), "warning": found.get(Severity.WARNING, 0),
        "notice": found.get(Severity.NOTICE, 0),
    }


def _finding_counts(engine: Engine, submission_ids: list[int]) -> dict[int, dict[str, int]]:
    if not submission_ids:
        return {}
    C = models.CheckResult
    query = (select(col(C.submission_id), col(C.severity), func.count())
             .where(col(C.submission_id).in_(submission_ids))
             .group_by(col(C.submission_id), col(C.severity)))
    counts: dict[int, dict[str, int]] = {}
    with Session(engine) as session:
        for submission_id, severity, count in session.execute(query):
            counts.setdefault(submission_id, {})[severity] = int(count)
    return counts


def _undelivered(engine: Engine, period: str) -> int:
    with Session(engine) as session:
        return int(session.scalar(
            select(func.count()).select_from(Notification)
            .join(models.Period, col(models.Period.id) == Notification.period_id)
            .where(col(models.Period.code) == period, col(Notification.status).in_(("queued", "failed")))) or 0)


def _ids(engine: Engine, program: str, period: str) -> tuple[int | None, int | None]:
    with Session(engine) as session:
        return (session.scalar(select(col(models.Program.id)).where(col(models.Program.code) == program)),
                session.scalar(select(col(models.Period.id)).where(col(models.Period.code) == period)))
