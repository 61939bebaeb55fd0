"""One fetch cycle: every unprocessed message of the mailbox claimed, its files through the one pipeline, its
sender answered once, then marked processed on the server (flagged, moved to the processed folder, never deleted).

Each message is claimed in the mail ledger before anything is done with it (see zvit.mail.ledger), so a message is
processed once however many fetches run and wherever one is killed; the server is marked last, and a message found
done in the ledger is only marked.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from zvit.mail.answer import Thread, send_receipt, send_unregistered
from zvit.mail.imap import ImapConfig, Mailbox, open_mailbox
from zvit.mail.ledger import Claim, claim_message, finish_message
from zvit.mail.message import MAX_MESSAGE_BYTES, MailItem, parse_message
from zvit.normalize.periods import last_ended
from zvit.notify.dispatch import flush_queue, utc_now
from zvit.notify.ledger import NotificationOutcome
from zvit.notify.transport import Transport
from zvit.pipeline import FileFate, Job, Outcome, Received, process
from zvit.registry import Registry
from zvit.settings import Settings
from zvit.warehouse.receipts import Origin
from zvit.warehouse.schema import ensure_schema

log = logging.getLogger(__name__)

#: Unregistered senders answered in one cycle at most: a flood of spam must not make zvit a spam source.
MAX_UNREGISTERED_REPLIES = 20


@dataclass(frozen=True)
class MessageResult:
    """What became of one message in this cycle."""

    uid: int
    sender: str
    subject: str
    #: answered, unregistered, automatic; or done (processed before: only marked), repeat (a copy of one
    #: processed before), held (another fetch has it)
    outcome: str
    department: str | None = None
    period: str | None = None
    files: tuple[FileFate, ...] = ()
    answers: tuple[NotificationOutcome, ...] = ()


@dataclass
class FetchResult:
    """Every message the cycle found, in UID order."""

    mailbox: str
    messages: list[MessageResult] = field(default_factory=list)
    #: answers (and other notices) an earlier cycle could not deliver, tried again first
    flushed: list[NotificationOutcome] = field(default_factory=list)

    @property
    def undelivered(self) -> list[NotificationOutcome]:
        """Answers not delivered (queued for the next cycle, or failed)."""
        answers = [*self.flushed, *(a for m in self.messages for a in m.answers)]
        return [a for a in answers if a.status in ("queued", "failed")]


def fetch_mail(engine: Engine, *, registry: Registry, settings: Settings, transport: Transport,
               ssl_context: ssl.SSLContext | None = None, now: Callable[[], datetime] | None = None,
               max_message_bytes: int = MAX_MESSAGE_BYTES) -> FetchResult:
    """Fetch the mailbox the settings name once (ZVIT_IMAP_*), storing attachments under ZVIT_INBOX_DIR; a message
    larger than `max_message_bytes` is answered without being downloaded."""
    config = ImapConfig.from_settings(settings)
    clock = now or (lambda: datetime.now(UTC))
    ensure_schema(engine)
    # an answer the relay refused last time goes out now, before new ones: every 15 minutes, not once a quarter
    result = FetchResult(config.mailbox, flushed=flush_queue(engine, transport, now=utc_now(clock())))
    with open_mailbox(config, ssl_context=ssl_context) as box:
        box.ensure_processed_folder()
        for uid in box.flagged_in_place():  # a fetch stopped after flagging it, before moving it
            box.move_processed(uid)
        replies = 0
        for uid in box.unprocessed():
            outcome = _one(engine, box, uid, registry=registry, settings=settings, transport=transport,
                           now=utc_now(clock()), may_reply=replies < MAX_UNREGISTERED_REPLIES,
                           limit=max_message_bytes)
            replies += outcome.outcome == "unregistered"
            result.messages.append(outcome)
    return result


def _one(engine: Engine, box: Mailbox, uid: int, *, registry: Registry, settings: Settings, transport: Transport,
         now: datetime, may_reply: bool, limit: int = MAX_MESSAGE_BYTES) -> MessageResult:
    data = box.download(uid, limit=limit)
    if data is None:
        header = box.headers(uid)
        if header is None:
            return MessageResult(uid, "", "", "held")  # gone: another fetch moved it
        item = replace(parse_message(header), too_large=True)
        log.warning("message %d from %s is larger than %d MB: not downloaded", uid, item.sender, limit // 2**20)
    else:
        item = parse_message(data)
    claimed = claim_message(engine, box.config.mailbox, box.uidvalidity, uid, item, now=now)
    if claimed.claim == Claim.HELD:
        return MessageResult(uid, item.sender, item.subject, "held")
    if claimed.claim in (Claim.DONE, Claim.REPEAT):
        box.mark_processed(uid)  # the run that did it was stopped before it could mark it
        return MessageResult(uid, item.sender, item.subject, claimed.claim.value)
    assert claimed.row_id is not None
    result = _process(engine, claimed.row_id, uid, box, item, registry=registry, settings=settings,
                      transport=transport, now=now, may_reply=may_reply)
    finish_message(engine, claimed.row_id, outcome=result.outcome, department=result.department,
                   period=result.period, files=len(result.files), now=now)
    box.mark_processed(uid)
    log.info("message %d from %s: %s, %d files", uid, item.sender, result.outcome, len(result.files))
    return result


def _process(engine: Engine, row_id: int, uid: int, box: Mailbox, item: MailItem, *, registry: Registry,
             settings: Settings, transport: Transport, now: datetime, may_reply: bool) -> MessageResult:
    received = item.sent_at or now
    thread = Thread.of(item, received)
    if item.automatic:
        return MessageResult(uid, item.sender, item.subject, "automatic")
    department = registry.department_at(item.sender)
    if department is None:
        answers = send_unregistered(engine, thread, item.attachments, registry=registry, transport=transport,
                                    settings=settings, now=now) if may_reply else []
        return MessageResult(uid, item.sender, item.subject, "unregistered", answers=tuple(answers))
    stated = item.period
    folder_period = stated or last_ended(received.astimezone(ZoneInfo(settings.timezone)).date()).code
    files = [] if item.too_large else _save(item, settings.inbox_dir / folder_period / "mail"
                                             / f"{box.uidvalidity}-{uid}")
    # The period the message names is the one collected (a report for another is rejected); else each file's own,
    # and a file that names none (unreadable) is filed under the period that has just ended.
    job = Job(registry=registry, engine=engine, period=stated, origin=Origin.MAIL, sender=item.sender,
              received_at=received, timezone=settings.timezone, default_period=folder_period)
    outcome = process([Received(path, received, Origin.MAIL, item.sender) for path in files], job) if files \
        else Outcome([])
    period = stated or next((c.report.period for c in outcome.reports if c.report.period), folder_period)
    answer = send_receipt(engine, row_id, thread, outcome.files, department=department, registry=registry,
                          transport=transport, settings=settings, period=period, dropped=item.dropped,
                          too_large=item.too_large, now=now)
    return MessageResult(uid, item.sender, item.subject, "answered", department.code, period,
                         tuple(outcome.files), (answer,))


def _save(item: MailItem, folder: Path) -> list[Path]:
    """Write the attachments (the originals, kept) into the message's own folder; names made unique in it."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for attachment in item.attachments:
        path = folder / attachment.name
        number = 1
        while path in paths:
            number += 1
            path = folder / f"{Path(attachment.name).stem}-{number}{Path(attachment.name).suffix}"
        path.write_bytes(attachment.data)
        paths.append(path)
    return paths
