"""Email notifications: rejection and refusal notices, reminders, overdue notices, the digest and operators' alerts.

Prefect-free: the flows call these functions. None of them raises for a mail failure: an undelivered notice
is recorded as queued in the warehouse and `flush_queue` sends it on a later run.
"""

from zvit.notify.alert import send_operator_alert
from zvit.notify.digest import send_digest
from zvit.notify.dispatch import flush_queue
from zvit.notify.ledger import NotificationOutcome, notifications
from zvit.notify.message import Notice, clean_header
from zvit.notify.rejection import notify_refusals, notify_rejections
from zvit.notify.reminders import send_due_reminders
from zvit.notify.schedule import Due, due_notice
from zvit.notify.transport import (
    Delivery,
    DeliveryError,
    OutboxTransport,
    SmtpTransport,
    Transport,
    smtp_transport,
    transport_from_settings,
)

__all__ = [
    "Delivery", "DeliveryError", "Due", "Notice", "NotificationOutcome", "OutboxTransport", "SmtpTransport",
    "Transport", "clean_header", "due_notice", "flush_queue", "notifications", "notify_refusals", "notify_rejections",
    "send_digest", "send_due_reminders", "send_operator_alert", "smtp_transport", "transport_from_settings",
]
