"""The portal's two letters: a sign-in link (sent each time it is asked for, never recorded: it holds a secret),
and «send the reminder now», which goes through the reminders' own code and the notification ledger."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from zvit.formatting import uk_datetime
from zvit.notify.dispatch import compose, deliver
from zvit.notify.message import Notice
from zvit.notify.reminders import due_notices
from zvit.notify.schedule import Due, due_notice
from zvit.notify.transport import DeliveryError
from zvit.templating import environment
from zvit.web.app import Portal
from zvit.web.auth import Grant

log = logging.getLogger(__name__)


def link_url(base_url: str, token: str) -> str:
    """The address a sign-in link opens."""
    return f"{base_url.rstrip('/')}/link/{token}"


def send_link(portal: Portal, email: str, token: str, grant: Grant) -> None:
    """Mail a one-time sign-in link to the address that asked for it (a failure is logged, never shown: the page
    says the same whatever happens, so it tells no one which addresses are registered)."""
    settings = portal.settings
    expires = datetime.now(UTC).timestamp() + settings.web_link_minutes * 60
    context = {"url": link_url(settings.web_base_url, token), "minutes": settings.web_link_minutes,
               "expires": uk_datetime(datetime.fromtimestamp(expires, UTC), settings.timezone), "role": grant.role,
               "department": portal.registry.department(grant.department).name if grant.department else None}
    env = environment()
    subject = env.get_template("web/email/link.subject.txt.j2").render(**context).strip()
    text = env.get_template("web/email/link.txt.j2").render(**context)
    # the key names the kind only: the outbox's file name comes from it, and the token must not be in a file name
    notice = Notice(key="web-link", kind="web-link", recipients=(email,), subject=subject, text=text)
    try:
        portal.transport.send(compose(notice, portal.transport, datetime.now(UTC)))
    except DeliveryError as error:
        log.warning("sign-in link not delivered: %s", error)


def remind_now(portal: Portal, period: str, program: str, department: str) -> str:
    """Send a department the reminder due now (before the deadline) or the overdue notice due now (after it),
    through the ledger: 'sent', 'queued', 'skipped' (sent before: never twice) or 'none' (it has sent a report)."""
    today = portal.today()
    settings = portal.settings
    deadline = portal.registry.calendar.deadline(period)
    due = due_notice(deadline, today, days_before=settings.reminder_days_before,
                     repeat_days=settings.overdue_repeat_days, overdue_max=settings.overdue_max)
    if due is None:  # earlier than the reminder days: the reminder itself, now
        due = Due("reminder", 1, today) if today <= deadline else Due("overdue", 1, today)
    notices = [n for n in due_notices(portal.engine, period, due, registry=portal.registry, settings=settings,
                                      today=today, program=program)
               if n.key.split("/")[3:4] == [department]]
    if not notices:
        return "none"
    outcome = deliver(portal.engine, notices[0], portal.transport)
    return outcome.status
