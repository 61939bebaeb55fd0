"""Submitted reports and what came with them: lines, measures, check results and notifications."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, Index, UniqueConstraint, text
from sqlmodel import Field

from models.base import WarehouseModel
from models.types import MONEY, PERCENT
from zvit.quality.findings import VERDICTS, Severity, Status

#: Check outcome of a submission, kept for good in `check_status`.
CHECK_STATUSES: tuple[str, ...] = tuple(status.value for status in VERDICTS)
#: `status` is the check outcome while the submission is current, then 'superseded'.
STATUSES: tuple[str, ...] = (*CHECK_STATUSES, Status.SUPERSEDED.value)
#: critical rejects the submission, warning is loaded and shown, notice records a repair made at intake.
SEVERITIES: tuple[str, ...] = tuple(severity.value for severity in Severity)
# FATES and ORIGINS repeat zvit.warehouse.receipts.Fate and Origin by hand: that module imports models, so
# models cannot import it back.
#: What became of a received file (zvit.warehouse.receipts.Fate, less `checked`, which is never stored).
FATES: tuple[str, ...] = ("stored", "unreadable", "unregistered", "duplicate", "unsupported")
#: Where a file came from (zvit.warehouse.receipts.Origin): an inbox folder, a mailbox, the web page.
ORIGINS: tuple[str, ...] = ("folder", "mail", "upload")
#: What zvit emails: departments get rejection, reminder and overdue notices, the consolidator a digest,
#: the operators an alert; a mailed report's sender gets a receipt, an unregistered sender a reply saying so
#: (and the consolidator a note of it, also 'unregistered').
NOTIFICATION_KINDS: tuple[str, ...] = ("rejection", "reminder", "overdue", "digest", "alert", "receipt",
                                       "unregistered")
#: queued: not delivered yet (retried on the next run); failed: refused for good or out of attempts;
#: cancelled: no longer due (the department submitted, or the rejected submission was replaced).
NOTIFICATION_STATUSES: tuple[str, ...] = ("sent", "queued", "failed", "cancelled")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Submission(WarehouseModel, table=True):
    """One report from one file: who, what, when, how it checked, and which version it is."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("sha256", "report_index"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("check_status", CHECK_STATUSES), name="check_status"),
        Index("ix_submission_slot", "slot"),
        # exactly one current version per department + program + period
        Index("uq_submission_current_slot", "slot", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        Index("ix_submission_department_id_program_id_period_id", "department_id", "program_id", "period_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_file: str
    source_format: str = Field(max_length=10)
    sha256: str = Field(max_length=64)
    report_index: int
    #: times are naive UTC on every engine; the city's time zone applies only when showing them
    received_at: datetime = Field(sa_type=DateTime())
    processed_at: datetime = Field(sa_type=DateTime())
    department_id: int | None = Field(default=None, foreign_key="department.id")
    program_id: int | None = Field(default=None, foreign_key="program.id")
    period_id: int | None = Field(default=None, foreign_key="period.id")
    #: the names as written in the report, kept even when they resolve
    department_name: str | None = None
    program_title: str | None = None
    period_code: str | None = None
    #: department + program + period (codes, or the raw names when unresolved): versions count within it
    slot: str
    version: int
    is_current: bool
    status: str = Field(max_length=30)
    check_status: str = Field(max_length=30)
    superseded_by_id: int | None = Field(default=None, foreign_key="submission.id")
    program_term: str | None = None
    responsible_executors: str | None = None
    signer_position: str | None = None
    signer_name: str | None = None
    total_planned: Decimal | None = Field(default=None, sa_type=MONEY)
    total_annual: Decimal | None = Field(default=None, sa_type=MONEY)
    total_financed: Decimal | None = Field(default=None, sa_type=MONEY)
    total_percent: Decimal | None = Field(default=None, sa_type=PERCENT)


class ReceivedFile(WarehouseModel, table=True):
    """Every file taken in, whatever became of it: so a refused file never vanishes and its sender can be told.

    One row per (origin, name, sha256): the same file taken again (a rerun) is the same receipt.
    """

    __tablename__ = "received_file"
    __table_args__ = (
        UniqueConstraint("origin", "name", "sha256"),
        CheckConstraint(_in("fate", FATES), name="fate"),
        CheckConstraint(_in("origin", ORIGINS), name="origin"),
        Index("ix_received_file_period_department", "period_code", "department_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str
    size: int
    sha256: str = Field(max_length=64)
    origin: str = Field(max_length=10)
    #: the sender's address for mail, the signed-in user for an upload
    sender: str | None = None
    #: the period the file was taken in for (the run's period, else the report's own)
    period_code: str | None = Field(default=None, max_length=10)
    #: the department it is from: its report's, else as the registry tells from the file's name or sender
    department_code: str | None = Field(default=None, max_length=80)
    received_at: datetime = Field(sa_type=DateTime())
    processed_at: datetime = Field(sa_type=DateTime())
    fate: str = Field(max_length=20)
    #: one line saying why, for every fate but stored
    reason: str | None = None
    #: the first submission stored from it
    submission_id: int | None = Field(default=None, foreign_key="submission.id")


class CitedDecision(WarehouseModel, table=True):
    """A council decision as the report cites it (number may be missing)."""

    __tablename__ = "cited_decision"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    number: str | None = None
    date: date


class Measure(WarehouseModel, table=True):
    """A program measure as a department numbers it in its reports."""

    __tablename__ = "measure"
    __table_args__ = (UniqueConstraint("program_id", "department_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id")
    department_id: int = Field(foreign_key="department.id")
    number: str
    task: str | None = None


class ReportLine(WarehouseModel, table=True):
    """One row of a submitted report table, amounts in hryvnias."""

    __tablename__ = "report_line"
    __table_args__ = (UniqueConstraint("submission_id", "line_no"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", ondelete="CASCADE")
    line_no: int
    measure_id: int | None = Field(default=None, foreign_key="measure.id", index=True)
    measure_number: str | None = None
    sub_item: int = 0
    task: str | None = None
    content: str | None = None
    term: str | None = None
    executors: str | None = None
    planned: Decimal | None = Field(default=None, sa_type=MONEY)
    annual: Decimal | None = Field(default=None, sa_type=MONEY)
    financed: Decimal | None = Field(default=None, sa_type=MONEY)
    percent: Decimal | None = Field(default=None, sa_type=PERCENT)
    info: str | None = None
    notes: str | None = None
    #: table number (Word), sheet name (Excel) or '' (CSV/text) and the 1-based row there
    source_part: str | None = None
    source_row: int | None = None


class CheckResult(WarehouseModel, table=True):
    """A finding about a submission: from intake, the data-quality gate or the warehouse itself."""

    __tablename__ = "check_result"
    __table_args__ = (CheckConstraint(_in("severity", SEVERITIES), name="severity"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    rule_code: str
    severity: str = Field(max_length=10)
    origin: str = Field(max_length=20)
    measure: str | None = None
    source_part: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    message: str


class Notification(WarehouseModel, table=True):
    """An email zvit sends, once: a rejection notice, a reminder, an overdue notice, a digest or an alert.

    `key` names the notice (kind, program, period, department, sequence or submission); its uniqueness is what
    makes a notice go out at most once however often a flow is rerun. The composed message is kept, so that a
    notice queued while the mail server was down goes out unchanged on a later run.
    """

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint(_in("kind", NOTIFICATION_KINDS), name="kind"),
        CheckConstraint(_in("status", NOTIFICATION_STATUSES), name="status"),
        Index("ix_notification_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=255)
    kind: str = Field(max_length=20)
    program_id: int | None = Field(default=None, foreign_key="program.id")
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    period_id: int | None = Field(default=None, foreign_key="period.id")
    submission_id: int | None = Field(default=None, foreign_key="submission.id", index=True)
    #: 1 for the first notice of its kind, 2.. for repeated overdue notices
    sequence: int = 1
    #: comma-separated addresses the message is addressed to
    recipients: str
    subject: str
    #: the whole RFC 5322 message, 7-bit clean
    message: str
    message_id: str | None = None
    status: str = Field(max_length=10)
    #: 'smtp' or 'outbox' once sent
    channel: str | None = Field(default=None, max_length=10)
    attempts: int = 0
    last_error: str | None = None
    #: naive UTC, like every time in the warehouse
    created_at: datetime = Field(sa_type=DateTime())
    attempted_at: datetime | None = Field(default=None, sa_type=DateTime())
    sent_at: datetime | None = Field(default=None, sa_type=DateTime())
    #: a run sending the notice holds it until then; another run leaves it alone meanwhile
    claimed_until: datetime | None = Field(default=None, sa_type=DateTime())
