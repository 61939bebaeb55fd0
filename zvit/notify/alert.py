"""The operators' alert when a flow run fails or crashes: separate from the departments' notices."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from zvit.formatting import uk_datetime
from zvit.notify.dispatch import compose, deliver, utc_now
from zvit.notify.ledger import NotificationOutcome
from zvit.notify.message import Notice, clean_header
from zvit.notify.render import render_parts
from zvit.notify.transport import DeliveryError, Transport
from zvit.redaction import redact
from zvit.settings import Settings

log = logging.getLogger(__name__)

#: An alert carries the error, not a whole log.
ERROR_LIMIT = 8000


def send_operator_alert(run_name: str, run_id: str, error_text: str, *, transport: Transport,
                        settings: Settings | None = None, state: str = "Failed", engine: Engine | None = None,
                        now: datetime | None = None) -> NotificationOutcome:
    """Email the operators that a run ended in `state` ('Failed', 'Crashed') with this error; never raises.

    With an engine the alert goes through the ledger (at most once per run and state, queued if the server is
    down); without one, or when the warehouse itself is what failed, it is sent directly.
    """
    settings = settings or Settings()  # defaults: the environment is read at the entry point
    now = utc_now(now)
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    error = redact(error_text, password, settings.smtp_username)
    if len(error) > ERROR_LIMIT:
        error = error[:ERROR_LIMIT] + "\n[…]"
    subject, text, html = render_parts("alert", run_name=run_name, run_id=run_id, state=state, error=error,
                                       when=uk_datetime(now, settings.timezone))
    notice = Notice(key=f"alert/{clean_header(run_id)[:100]}/{clean_header(state)[:20]}", kind="alert",
                    recipients=settings.operator_emails, subject=subject, text=text, html=html,
                    about=f"{run_name} ({run_id})")
    if engine is not None:
        try:
            return deliver(engine, notice, transport, now=now)
        except SQLAlchemyError as problem:
            log.warning("alert not recorded in the warehouse (%s); sending it directly", type(problem).__name__)
    return _send_directly(notice, transport, now)


def _send_directly(notice: Notice, transport: Transport, now: datetime) -> NotificationOutcome:
    try:
        delivery = transport.send(compose(notice, transport, now))
    except DeliveryError as problem:
        log.error("operators' alert not delivered: %s", problem)
        return _outcome(notice, "failed", str(problem))
    except Exception as problem:  # an alert hook must never raise
        log.exception("operators' alert not delivered")
        return _outcome(notice, "failed", f"{type(problem).__name__}: {problem}")
    return _outcome(notice, "sent", delivery.detail)


def _outcome(notice: Notice, status: str, detail: str) -> NotificationOutcome:
    return NotificationOutcome(key=notice.key, kind=notice.kind, recipients=notice.recipients,
                               subject=notice.subject, status=status, detail=detail, about=notice.about)
