"""The rejection notice: what was wrong with a department's file, what to fix, and by when to send it again.

Also the refusal notice, for a file that could not be read as a report at all: which file, why, and what to send
instead. It goes once per department and file (ledger kind 'rejection', key `refusal/<period>/<department>/
<sha256>`), only while the department has nothing stored for the period: a department whose file was refused is
never told it sent nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypeVar, cast

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from zvit.catalogue import header_line, rules
from zvit.formatting import city_date, period_label, uk_datetime
from zvit.normalize.decisions import decisions_line
from zvit.normalize.periods import parse_period_code
from zvit.notify.dispatch import deliver, utc_now
from zvit.notify.findings import by_severity
from zvit.notify.ledger import NotificationOutcome
from zvit.notify.letters import resend_by, signature
from zvit.notify.message import Notice
from zvit.notify.render import render_parts
from zvit.notify.transport import Transport
from zvit.quality.findings import Severity, Status
from zvit.registry import DepartmentEntry, ProgramEntry, Registry
from zvit.settings import Settings
from zvit.warehouse import view_rows
from zvit.warehouse.queries import stored_findings
from zvit.warehouse.receipts import REFUSED, Receipt, receipts_for_period

log = logging.getLogger(__name__)

Entry = TypeVar("Entry", DepartmentEntry, ProgramEntry)


@dataclass(frozen=True)
class _Rejected:
    submission: models.Submission
    department: str | None
    program: str | None
    period: str | None


def notify_rejections(engine: Engine, submission_ids: Iterable[int], *, registry: Registry, transport: Transport,
                      settings: Settings | None = None, now: datetime | None = None) -> list[NotificationOutcome]:
    """Send each rejected, still current submission's notice to its department, at most once per submission.

    Accepted or superseded submissions are passed over. A department missing from the registry cannot be
    written to: its notice goes to the operators instead, to forward.
    """
    settings = settings or Settings()  # defaults: the environment is read at the entry point
    now = utc_now(now)
    outcomes = []
    for submission_id in dict.fromkeys(submission_ids):
        found = _load(engine, submission_id)
        if found is None or found.submission.check_status != Status.REJECTED or not found.submission.is_current:
            continue
        notice = _rejection_notice(engine, found, registry=registry, settings=settings, now=now)
        outcomes.append(deliver(engine, notice, transport, now=now))
    return outcomes


def _load(engine: Engine, submission_id: int) -> _Rejected | None:
    S = models.Submission
    D, P, Q = models.Department, models.Program, models.Period
    query = (select(S, col(D.code), col(P.code), col(Q.code))
             .outerjoin(D, col(D.id) == S.department_id)
             .outerjoin(P, col(P.id) == S.program_id)
             .outerjoin(Q, col(Q.id) == S.period_id)
             .where(col(S.id) == submission_id))
    with Session(engine, expire_on_commit=False) as session:
        row = session.execute(query).first()
    return None if row is None else _Rejected(*row)


def _rejection_notice(engine: Engine, found: _Rejected, *, registry: Registry, settings: Settings,
                     now: datetime) -> Notice:
    """The notice for one rejected submission."""
    submission = found.submission
    department = _registered(registry.departments, found.department)
    program = _registered(registry.programs, found.program)
    period = found.period or submission.period_code
    deadline = registry.calendar.deadline(found.period) if found.period else None
    today = city_date(now, settings.timezone)
    findings = stored_findings(engine, submission.id or 0)
    grouped = by_severity(findings)
    cites_decisions = any(rules()[f.rule_code].field == "decisions" for f in findings if f.rule_code in rules())
    context = {
        "department": department.name if department else (submission.department_name or ""),
        "registered": department is not None,
        "program": program.title if program else (submission.program_title or ""),
        "period": period_label(found.period) if found.period else (submission.period_code or ""),
        "file": submission.source_file,
        "report_index": submission.report_index,
        "received": uk_datetime(submission.received_at, settings.timezone),
        "version": submission.version,
        "criticals": grouped[Severity.CRITICAL],
        "warnings": grouped[Severity.WARNING],
        "notices": grouped[Severity.NOTICE],
        "deadline": "", "deadline_passed": False, "days_left": "", "resend_by": "", "working_days": 0,
        **(resend_by(deadline, today).context() if deadline else {}),
        # the line to paste into the header, when the header's decisions are what is wrong
        "decisions_line": decisions_line(registry, program.code, parse_period_code(found.period).end)
        if program and found.period and cites_decisions else "",
        "decisions_header": header_line("decisions"),
        "signature": signature(registry, program.code if program else None),
    }
    subject, text, html = render_parts("rejection", **context)
    recipients = department.emails if department else settings.operator_emails
    return Notice(
        key=f"rejection/submission/{submission.id}", kind="rejection", recipients=tuple(recipients),
        subject=subject, text=text, html=html, program_id=submission.program_id,
        department_id=submission.department_id, period_id=submission.period_id, submission_id=submission.id,
        about=f"{context['department']}, {period}")


def _registered(entries: Iterable[Entry], code: str | None) -> Entry | None:
    # the warehouse may know a department the registry has since dropped: then nobody to write to
    return next((entry for entry in entries if entry.code == code), None) if code else None


def notify_refusals(engine: Engine, period: str, *, registry: Registry, transport: Transport,
                    settings: Settings | None = None, now: datetime | None = None,
                    program: str | None = None) -> list[NotificationOutcome]:
    """Tell every department whose only file for the period could not be read which file, why, and what to send
    instead: one notice per department and file, however often this runs (optionally for one program's
    departments only). A department that has since stored a report for the period is passed over."""
    settings = settings or Settings()  # defaults: the environment is read at the entry point
    now = utc_now(now)
    return [deliver(engine, notice, transport, now=now)
            for notice in refusal_notices(engine, period, registry=registry, settings=settings, now=now,
                                          program=program)]


def refusal_notices(engine: Engine, period: str, *, registry: Registry, settings: Settings, now: datetime,
                    program: str | None = None, today: date | None = None) -> list[Notice]:
    """The refusal notice of every department the status view calls 'unreadable' for the period; `today` (the
    city date, default: now's) tells whether the deadline has passed."""
    filters = {"period_code": period, "status": Status.UNREADABLE}
    if program is not None:
        filters["program_code"] = program
    rows: dict[str, list[Mapping[str, object]]] = {}
    for row in view_rows(engine, "v_department_status", **filters):
        rows.setdefault(str(row["department_code"]), []).append(row)
    if not rows:
        return []
    receipts = [r for r in receipts_for_period(engine, period) if r.fate in REFUSED and r.department in rows]
    department_ids, period_id = _ids(engine, period)
    notices = []
    for code, department_rows in sorted(rows.items()):
        department = _registered(registry.departments, code)
        receipt = _newest(receipts, code, str(department_rows[0]["refused_file"]))
        if department is None or receipt is None:
            log.warning("%s: a refused file for %s but %s: no refusal notice sent", code, period,
                        "no such department in the registry" if department is None else "no receipt found")
            continue
        titles = [(str(row["program_code"]), _program_title(registry, str(row["program_code"])))
                  for row in department_rows]
        notice = _refusal_notice(receipt, department, titles, period, registry=registry, settings=settings,
                                 today=today or city_date(now, settings.timezone))
        notices.append(replace(notice, department_id=department_ids.get(code), period_id=period_id))
    return notices


def _refusal_notice(receipt: Receipt, department: DepartmentEntry, programs: list[tuple[str, str]], period: str, *,
                    registry: Registry, settings: Settings, today: date) -> Notice:
    deadline = registry.calendar.deadline(period)
    context = {
        "department": department.name, "programs": [title for _, title in programs], "period": period_label(period),
        "file": receipt.name, "fate": receipt.fate.value, "reason": receipt.reason or "",
        "received": uk_datetime(receipt.received_at, settings.timezone),
        **resend_by(deadline, today).context(),
        "signature": signature(registry, programs[0][0] if programs else None),
    }
    subject, text, html = render_parts("refusal", **context)
    return Notice(
        key=f"refusal/{period}/{department.code}/{receipt.sha256}", kind="rejection",
        recipients=tuple(department.emails), subject=subject, text=text, html=html,
        about=f"{department.name}, {period}: {receipt.name}")


def _newest(receipts: list[Receipt], department: str, name: str) -> Receipt | None:
    """The department's refused file the status view names (its newest), else its newest refused file."""
    own = [r for r in receipts if r.department == department]
    found = [r for r in own if r.name == name] or own
    return found[-1] if found else None


def _program_title(registry: Registry, code: str) -> str:
    return next((p.title for p in registry.programs if p.code == code), code)


def _ids(engine: Engine, period: str) -> tuple[dict[str, int], int | None]:
    """Department ids by code, and the period's id, for the ledger."""
    with Session(engine) as session:
        D = models.Department
        # a primary key read back is never NULL (SQLModel types `id` as `int | None` for a row not yet written)
        departments = cast("dict[str, int]", dict(session.execute(select(col(D.code), col(D.id))).all()))
        return departments, session.scalar(select(col(models.Period.id)).where(col(models.Period.code) == period))
