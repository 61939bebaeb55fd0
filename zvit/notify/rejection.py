"""The rejection notice: what was wrong with a department's file, what to fix, and by when to send it again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import models
from zvit.notify.dispatch import deliver, utc_now
from zvit.notify.findings import by_severity
from zvit.notify.formatting import city_date, days, period_label, uk_date, uk_datetime
from zvit.notify.ledger import NotificationOutcome
from zvit.notify.message import Notice
from zvit.notify.render import render_parts
from zvit.notify.transport import Transport
from zvit.registry import Department, Program, Registry
from zvit.settings import Settings
from zvit.warehouse import check_results

Entry = TypeVar("Entry", Department, Program)


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
    settings = settings or Settings.from_env()
    now = utc_now(now)
    outcomes = []
    for submission_id in dict.fromkeys(submission_ids):
        found = _load(engine, submission_id)
        if found is None or found.submission.check_status != "rejected" or not found.submission.is_current:
            continue
        notice = _rejection_notice(engine, found, registry=registry, settings=settings, now=now)
        outcomes.append(deliver(engine, notice, transport, now=now))
    return outcomes


def _load(engine: Engine, submission_id: int) -> _Rejected | None:
    S = models.Submission
    query = (select(S, models.Department.code, models.Program.code, models.Period.code)
             .outerjoin(models.Department, models.Department.id == S.department_id)
             .outerjoin(models.Program, models.Program.id == S.program_id)
             .outerjoin(models.Period, models.Period.id == S.period_id)
             .where(S.id == submission_id))
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
    deadline = registry.calendar.deadline(period) if found.period else None
    today = city_date(now, settings.timezone)
    grouped = by_severity(check_results(engine, submission.id or 0))
    context = {
        "department": department.name if department else (submission.department_name or ""),
        "registered": department is not None,
        "program": program.title if program else (submission.program_title or ""),
        "period": period_label(found.period) if found.period else (submission.period_code or ""),
        "file": submission.source_file,
        "report_index": submission.report_index,
        "received": uk_datetime(submission.received_at, settings.timezone),
        "version": submission.version,
        "criticals": grouped["critical"],
        "warnings": grouped["warning"],
        "notices": grouped["notice"],
        "deadline": uk_date(deadline) if deadline else "",
        "deadline_passed": deadline is not None and today > deadline,
        "days_left": days((deadline - today).days) if deadline and today <= deadline else "",
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
