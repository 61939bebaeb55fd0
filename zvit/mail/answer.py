"""The answers to a mailed message, composed from templates and sent once through the notification ledger.

A registered sender gets one receipt per message: every file with its size, sha256 and fate, each report's
verdict, and for a rejection the same findings, written the same way, as the rejection notice. An address in
no department's list gets one polite reply a day saying it is not registered, and the consolidator one note a day
per such address; nothing else is ever sent to an address outside the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine

from zvit.formatting import city_date, number, period_label, uk_date, uk_datetime
from zvit.mail.message import MAX_MESSAGE_BYTES, Attachment, MailItem
from zvit.notify.dispatch import deliver
from zvit.notify.findings import by_severity
from zvit.notify.ledger import NotificationOutcome
from zvit.notify.message import Notice
from zvit.notify.render import render_parts
from zvit.notify.transport import Transport
from zvit.pipeline import SEND_INSTEAD, FileFate
from zvit.quality.findings import Severity, Status
from zvit.registry import DepartmentEntry, Registry
from zvit.settings import Settings
from zvit.warehouse.queries import stored_findings
from zvit.warehouse.receipts import REFUSED, Fate


@dataclass(frozen=True)
class Thread:
    """The message being answered, as the answer's headers and greeting need it."""

    sender: str
    subject: str
    message_id: str | None
    references: tuple[str, ...]
    received: datetime

    @classmethod
    def of(cls, item: MailItem, received: datetime) -> Thread:
        """The thread of a fetched message."""
        return cls(item.sender, item.subject, item.message_id, item.references, received)


def send_receipt(engine: Engine, row_id: int, thread: Thread, fates: Sequence[FileFate], *,
                 department: DepartmentEntry, registry: Registry, transport: Transport, settings: Settings,
                 period: str | None, dropped: int = 0, too_large: bool = False,
                 now: datetime) -> NotificationOutcome:
    """The one receipt for a registered sender's message (key `receipt/mail/<ledger id>`: never sent twice)."""
    files = [_file(engine, fate, registry) for fate in fates]
    verdicts = list(dict.fromkeys(word for f in files for word in f["verdicts"]))
    context: dict[str, Any] = {
        "department": department.name, "subject": thread.subject, "reply_subject": reply_subject(thread.subject),
        "files": files, "verdicts": verdicts,
        "received": uk_datetime(thread.received, settings.timezone), "dropped": dropped, "too_large": too_large,
        "limit_mb": MAX_MESSAGE_BYTES // 2**20,
        "rejected": any(r["status"] == Status.REJECTED for f in files for r in f["reports"]),
        "refused": any(f["refused"] for f in files), "send_instead": SEND_INSTEAD,
        "period": period_label(period) if period else "", **_deadline(registry, period, settings, now),
    }
    subject, text, html = render_parts("receipt", **context)
    notice = Notice(key=f"receipt/mail/{row_id}", kind="receipt", recipients=(thread.sender,), subject=subject,
                    text=text, html=html, in_reply_to=thread.message_id, references=thread.references,
                    about=f"{department.name}: {thread.subject or '(без теми)'}")
    return deliver(engine, notice, transport, now=now)


def send_unregistered(engine: Engine, thread: Thread, attachments: Sequence[Attachment], *, registry: Registry,
                      transport: Transport, settings: Settings, now: datetime) -> list[NotificationOutcome]:
    """The polite reply to an address no department has, and the note to the consolidator: each at most once a
    day per address (the ledger's key holds the day), which is the rate limit."""
    day = city_date(now, settings.timezone).isoformat()
    context: dict[str, Any] = {
        "sender": thread.sender, "subject": thread.subject, "reply_subject": reply_subject(thread.subject),
        "files": [a.name for a in attachments],
        "received": uk_datetime(thread.received, settings.timezone),
        "contacts": [program.contact for program in registry.programs if program.contact is not None],
    }
    subject, text, html = render_parts("unregistered", **context)
    reply = Notice(key=f"unregistered/reply/{thread.sender}/{day}", kind="unregistered",
                   recipients=(thread.sender,), subject=subject, text=text, html=html,
                   in_reply_to=thread.message_id, references=thread.references, about=thread.sender)
    subject, text, html = render_parts("unregistered-note", **context)
    note = Notice(key=f"unregistered/note/{thread.sender}/{day}", kind="unregistered",
                  recipients=_consolidators(registry, settings), subject=subject, text=text, html=html,
                  about=thread.sender)
    return [deliver(engine, reply, transport, now=now), deliver(engine, note, transport, now=now)]


def reply_subject(subject: str) -> str:
    """«Re: <subject>», once."""
    return subject if subject.lower().startswith("re:") else f"Re: {subject}".strip()


def _consolidators(registry: Registry, settings: Settings) -> tuple[str, ...]:
    """Who collects the reports: ZVIT_CONSOLIDATOR_EMAILS, else the responsible executors, else the operators."""
    if settings.consolidator_emails:
        return settings.consolidator_emails
    found = tuple(dict.fromkeys(email for d in registry.departments if d.responsible_for for email in d.emails))
    return found or settings.operator_emails


def _file(engine: Engine, fate: FileFate, registry: Registry) -> dict[str, Any]:
    results = [checked.result for checked in fate.reports if checked.result is not None]
    reports = [_report(engine, r.submission_id, r.status, r.version, r.program, r.period, registry) for r in results]
    refused = fate.fate in REFUSED
    # each file's verdict in the glossary's words: its reports' statuses, else its fate
    verdicts = [("status", r["status"].value) for r in reports] or [("fate", fate.fate.value)]
    return {"name": fate.name, "size": number(Decimal(fate.size), 0), "sha256": fate.sha256,
            "fate": fate.fate.value, "reason": fate.reason or "", "refused": refused,
            "duplicate": fate.fate == Fate.DUPLICATE, "reports": reports,
            "verdicts": verdicts}


def _report(engine: Engine, submission_id: int, status: Status, version: int, program: str | None,
            period: str | None, registry: Registry) -> dict[str, Any]:
    grouped = by_severity(stored_findings(engine, submission_id))
    title = next((p.title for p in registry.programs if p.code == program), program or "")
    return {"program": title, "period": period_label(period) if period else "", "status": status,
            "version": version, "criticals": grouped[Severity.CRITICAL],
            "warnings": grouped[Severity.WARNING], "notices": grouped[Severity.NOTICE]}


def _deadline(registry: Registry, period: str | None, settings: Settings, now: datetime) -> dict[str, Any]:
    if not period:
        return {"deadline": "", "deadline_passed": False}
    deadline = registry.calendar.deadline(period)
    return {"deadline": uk_date(deadline), "deadline_passed": city_date(now, settings.timezone) > deadline}
