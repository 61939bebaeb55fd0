"""Reminders before the deadline and overdue notices after it, to departments that have not submitted.

A department whose file could not be read (status 'unreadable') did send something: it gets no reminder or
overdue notice, but the one refusal notice saying which file, why, and what to send (`zvit.notify.rejection`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from zvit.formatting import city_date, days, period_label, uk_date
from zvit.notify.dispatch import deliver, utc_now
from zvit.notify.ledger import NotificationOutcome, existing_keys
from zvit.notify.letters import signature
from zvit.notify.message import Notice
from zvit.notify.rejection import refusal_notices
from zvit.notify.render import render_parts
from zvit.notify.schedule import Due, due_notice
from zvit.notify.transport import Transport
from zvit.quality.findings import Status
from zvit.registry import Registry
from zvit.settings import Settings
from zvit.warehouse import view_rows

log = logging.getLogger(__name__)


def send_due_reminders(engine: Engine, period: str, *, registry: Registry, transport: Transport,
                       today: date | None = None, settings: Settings | None = None, program: str | None = None,
                       dry_run: bool = False, now: datetime | None = None) -> list[NotificationOutcome]:
    """Send the reminder or overdue notice due `today` (city date) to every department with nothing sent, and the
    refusal notice to every department whose only file could not be read.

    Each notice goes out at most once per program, period, department, kind and number (a refusal once per
    department and file), however often this runs. With dry_run nothing is sent or recorded: the outcomes say
    'due' or 'skipped' (sent before).
    """
    settings = settings or Settings()  # defaults: the environment is read at the entry point
    now = utc_now(now)
    today = today or city_date(now, settings.timezone)
    due = due_notice(registry.calendar.deadline(period), today, days_before=settings.reminder_days_before,
                     repeat_days=settings.overdue_repeat_days, overdue_max=settings.overdue_max)
    notices = [] if due is None else due_notices(engine, period, due, registry=registry, settings=settings,
                                                 today=today, program=program)
    # a refused file is answered whenever the reminders run, not only on a reminder's day
    notices += refusal_notices(engine, period, registry=registry, settings=settings, now=now, program=program,
                               today=today)
    if not notices:
        return []
    if dry_run:
        sent = existing_keys(engine, [notice.key for notice in notices])
        return [NotificationOutcome(key=n.key, kind=n.kind, recipients=n.recipients, subject=n.subject,
                                    status="skipped" if n.key in sent else "due",
                                    detail=f"already {sent[n.key]}" if n.key in sent else "", about=n.about)
                for n in notices]
    return [deliver(engine, notice, transport, now=now) for notice in notices]


def due_notices(engine: Engine, period: str, due: Due, *, registry: Registry, settings: Settings, today: date,
                program: str | None = None) -> list[Notice]:
    """The notice of kind `due` for every registered department with nothing submitted for the period.

    Only status 'missing': a department whose file was refused ('unreadable') is never told it sent nothing.
    """
    filters = {"period_code": period, "status": Status.MISSING}
    if program is not None:
        filters["program_code"] = program
    ids = _ids(engine, period)
    notices = []
    for row in view_rows(engine, "v_department_status", **filters):
        try:
            department = registry.department(row["department_code"])
            registered_program = registry.program(row["program_code"])
        except KeyError:
            log.warning("%s / %s is in the warehouse but not in the registry: no %s sent",
                        row["department_code"], row["program_code"], due.kind)
            continue
        deadline = registry.calendar.deadline(period)
        context = {
            "department": department.name, "program": registered_program.title, "period": period_label(period),
            "deadline": uk_date(deadline), "days_left": days((deadline - today).days),
            "due_today": today == deadline, "days_late": days((today - deadline).days), "sequence": due.sequence,
            "overdue_max": settings.overdue_max,
            "next_notice": uk_date(due.since + timedelta(days=settings.overdue_repeat_days))
            if due.kind == "overdue" and due.sequence < settings.overdue_max else "",
            "signature": signature(registry, registered_program.code),
        }
        subject, text, html = render_parts(due.kind, **context)
        notices.append(Notice(
            key=f"{due.kind}/{registered_program.code}/{period}/{department.code}/{due.sequence}", kind=due.kind,
            recipients=department.emails, subject=subject, text=text, html=html, sequence=due.sequence,
            program_id=ids["program"].get(registered_program.code),
            department_id=ids["department"].get(department.code), period_id=ids["period"].get(period),
            about=f"{department.name}, {period}" + (f", №{due.sequence}" if due.kind == "overdue" else "")))
    return notices


def _ids(engine: Engine, period: str) -> dict[str, dict[str, int]]:
    with Session(engine) as session:
        D, P, Q = models.Department, models.Program, models.Period
        ids = {
            "department": dict(session.execute(select(col(D.code), col(D.id))).all()),
            "program": dict(session.execute(select(col(P.code), col(P.id))).all()),
            "period": dict(session.execute(select(col(Q.code), col(Q.id)).where(col(Q.code) == period)).all()),
        }
        # a primary key read back is never NULL (SQLModel types `id` as `int | None` for a row not yet written)
        return cast("dict[str, dict[str, int]]", ids)
