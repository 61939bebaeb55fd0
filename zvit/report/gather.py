"""Gather one program's consolidated report for one period from the warehouse views and registry tables."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlmodel import col

import models
from zvit.errors import PeriodError, ZvitError
from zvit.normalize.periods import ReportingPeriod, parse_period_code
from zvit.quality.findings import SEVERITY_ORDER, Severity, Status
from zvit.registry import Registry
from zvit.report.model import (
    Amounts,
    AnnexFinding,
    ConsolidatedReport,
    DepartmentStatus,
    Line,
    Mark,
    MeasureBlock,
    Outgoing,
    ProgramDecision,
    ProgramInfo,
    RefusedFile,
    Section,
    Signatures,
)
from zvit.settings import Settings
from zvit.warehouse import current_submissions, view_rows
from zvit.warehouse.receipts import REFUSED, receipts_for_period

# Word exports carry vertical tabs and form feeds for line breaks; other control characters cannot be
# written to XML (Word, Excel) at all, so they become spaces.
_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
#: the rule whose findings are about the percent of column 9: their mark stands by the department's percent
PERCENT_RULE = "ROW-PERCENT-MISMATCH"


class ReportError(ZvitError):
    """The report cannot be made: unknown program or period, or a warehouse without the registry."""


def report_programs(bind: Engine | Connection, period: str) -> list[str]:
    """Codes of the active programs that run in the period's year, in code order."""
    year = _period(period).year
    with _connection(bind) as connection:
        P = models.Program
        return list(connection.scalars(select(col(P.code))
                                       .where(col(P.active), col(P.first_year) <= year, col(P.last_year) >= year)
                                       .order_by(col(P.code))))


def gather_report(bind: Engine | Connection, *, program: str, period: str, timezone: str | None = None,
                  prepared_at: datetime | None = None, registry: Registry | None = None,
                  outgoing: Outgoing | None = None) -> ConsolidatedReport:
    """The consolidated report of `program` for `period` (e.g. '2022-Q3'), read in one transaction.

    The registry names who signs and approves it; without one (or without those entries) the signature block has
    empty lines to fill in by hand. `outgoing` is the registration number and date, when the clerk has them.
    """
    zone = ZoneInfo(timezone or Settings().timezone)  # the entry point passes the configured zone
    with _connection(bind, snapshot=True) as connection:
        transaction = nullcontext() if connection.in_transaction() else connection.begin()
        with transaction, Session(bind=connection) as session:
            report = _Gatherer(connection, session, program, _period(period), zone).report(
                prepared_at or datetime.now(zone))
    return replace(report, signatures=signatures(registry, program, outgoing or Outgoing()))


def signatures(registry: Registry | None, program: str, outgoing: Outgoing) -> Signatures:
    """Who issues, signs and approves the program's report, as the registry names them."""
    entry = next((p for p in registry.programs if p.code == program), None) if registry else None
    if entry is None:
        return Signatures(outgoing=outgoing)
    return Signatures(issuer=entry.issuer, signer=entry.signer, approver=entry.approver, outgoing=outgoing)


@contextmanager
def _connection(bind: Engine | Connection, *, snapshot: bool = False) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as connection:
        if snapshot and connection.dialect.name == "postgresql":
            # every query of one report sees the same data even while departments' files are being loaded
            connection.execution_options(isolation_level="REPEATABLE READ")
        yield connection


def _period(code: str) -> ReportingPeriod:
    try:
        return parse_period_code(code)
    except PeriodError as error:
        raise ReportError(str(error)) from None


class _Gatherer:
    """Reads one program and period; each method one part of the report."""

    def __init__(self, connection: Connection, session: Session, program: str, period: ReportingPeriod,
                 zone: ZoneInfo) -> None:
        self.connection, self.session, self.zone = connection, session, zone
        self.period = period
        self.program = self._program(program)
        self.period_row = self._period_row()
        self.where = {"program_code": self.program.code, "period_code": period.code}

    def report(self, prepared_at: datetime) -> ConsolidatedReport:
        submissions = {models.row_id(s): s for s in current_submissions(self.session, program=self.program.code,
                                                                        period=self.period.code)}
        checks = self._check_results(list(submissions))
        totals = {row["department_code"]: row for row in view_rows(self.connection, "v_department_totals",
                                                                   **self.where)}
        statuses = self._statuses(submissions, checks, totals)
        view_lines = view_rows(self.connection, "v_report_lines", **self.where)
        findings = self._findings(submissions, checks, statuses)
        marks = _marks(findings)
        lines = defaultdict(list)
        for row in view_lines:
            lines[row["department_code"]].append(_line(row, marks.get(
                (row["submission_id"], row["source_part"] or "", row["source_row"]), ())))
        claims = self._claims([s for s in submissions.values() if s.status == Status.REJECTED])
        sections = tuple(_section(number, status, sorted(lines[status.department_code or ""],
                                                         key=lambda line: line.line_no),
                                  totals.get(status.department_code or ""), claims.get(status.submission_id))
                         for number, status in enumerate(statuses, start=1))
        program_totals = view_rows(self.connection, "v_program_totals", **self.where)
        return ConsolidatedReport(
            program=self.program, period=self.period, deadline=self.period_row.deadline,
            prepared_at=prepared_at, decisions=self._decisions(),
            responsible_executors=tuple(s.department_name for s in statuses if s.responsible),
            sections=sections, total=_amounts(program_totals[0]) if program_totals else Amounts(),
            statuses=statuses, findings=findings, refused=self._refused())

    def _program(self, code: str) -> ProgramInfo:
        P = models.Program
        row = self.session.scalars(select(P).where(col(P.code) == code)).one_or_none()
        if row is None or not row.active:
            known = self.session.scalars(select(col(P.code)).where(col(P.active))).all()
            hint = (f" (known: {', '.join(known)})" if known
                    else " (the warehouse has no registry: run `zvit registry load`)")
            raise ReportError(f"unknown program {code!r}{hint}")
        if not row.first_year <= self.period.year <= row.last_year:
            raise ReportError(f"program {code} runs {row.first_year}-{row.last_year}, not in {self.period.year}")
        return ProgramInfo(code=row.code, title=row.title, full_title=row.full_title, first_year=row.first_year,
                           last_year=row.last_year)

    def _period_row(self) -> models.Period:
        row = self.session.scalars(select(models.Period).where(col(models.Period.code) == self.period.code)
                                   ).one_or_none()
        if row is None:
            raise ReportError(f"period {self.period.code} is not in the warehouse: run `zvit registry load`")
        return row

    def _decisions(self) -> tuple[ProgramDecision, ...]:
        # a decision taken after the period ended did not govern it
        D, link, P = models.Decision, models.DecisionProgram, models.Program
        rows = self.connection.execute(
            select(col(D.number), col(D.date), col(D.summary), col(link.action))
            .join(link, col(link.decision_id) == D.id)
            .join(P, col(P.id) == link.program_id)
            .where(col(P.code) == self.program.code, col(D.date) <= self.period.end)
            .order_by(col(D.date), col(D.number)))
        return tuple(ProgramDecision(number=r.number, date=r.date, action=r.action, summary=r.summary) for r in rows)

    def _check_results(self, submission_ids: list[int]) -> dict[int, list[models.CheckResult]]:
        found: dict[int, list[models.CheckResult]] = defaultdict(list)
        if submission_ids:
            C = models.CheckResult
            for check in self.session.scalars(select(C).where(col(C.submission_id).in_(submission_ids))
                                              .order_by(col(C.submission_id), col(C.id))):
                found[check.submission_id].append(check)
        return found

    def _statuses(self, submissions: dict[int, models.Submission], checks: dict[int, list[models.CheckResult]],
                  totals: dict[str, dict[str, Any]]) -> tuple[DepartmentStatus, ...]:
        # departments in registry order: the warehouse numbers them as the registry lists them
        D = models.Department
        # a primary key read back is never NULL (SQLModel types `id` as `int | None` for a row not yet written)
        ids = cast("dict[str, int]", dict(self.connection.execute(select(col(D.code), col(D.id))).all()))
        rows = sorted(view_rows(self.connection, "v_department_status", **self.where),
                      key=lambda row: ids.get(row["department_code"], 0))
        statuses = [DepartmentStatus(
            department_code=row["department_code"], department_name=_text(row["department_name"]) or "",
            registered=True, responsible=bool(row["responsible_executor"]), deadline=row["deadline"],
            status=row["status"], submission_id=row["submission_id"], source_file=_text(row["source_file"]),
            version=row["version"], received_at=self._local(row["received_at"]),
            is_late=None if row["is_late"] is None else bool(row["is_late"]),
            line_count=int(totals[row["department_code"]]["line_count"]) if row["department_code"] in totals else 0,
            reasons=_reasons(checks.get(row["submission_id"], [])) or _refusal(row),
            refused_file=_text(row["refused_file"]) if row["status"] == Status.UNREADABLE else None,
            signed_by=_signed_by(submissions.get(row["submission_id"])),
        ) for row in rows]
        listed = {status.submission_id for status in statuses}
        # a report from a department that is not (or not registered as) an executor of the program is shown too
        codes = {id_: code for code, id_ in ids.items()}
        for submission_id, submission in sorted(submissions.items(), key=lambda item: (item[1].received_at, item[0])):
            if submission_id in listed:
                continue
            code = codes.get(submission.department_id) if submission.department_id else None
            statuses.append(DepartmentStatus(
                department_code=code, department_name=_text(submission.department_name) or code or "?",
                registered=False, responsible=False, deadline=self.period_row.deadline, status=submission.status,
                submission_id=submission_id, source_file=_text(submission.source_file), version=submission.version,
                received_at=self._local(submission.received_at),
                is_late=submission.received_at >= self.period_row.late_from,
                line_count=int(totals[code]["line_count"]) if code in totals else 0,
                reasons=_reasons(checks.get(submission_id, [])), signed_by=_signed_by(submission)))
        return tuple(statuses)

    def _refused(self) -> tuple[RefusedFile, ...]:
        """The period's files refused as reports whose department could not be told: they are nobody's status."""
        # the report's own connection: the receipts are read in the same snapshot as everything else
        receipts = receipts_for_period(self.connection, self.period.code)
        return tuple(RefusedFile(name=_text(r.name) or "", fate=r.fate.value, reason=_text(r.reason),
                                 received_at=r.received_at.astimezone(self.zone))
                     for r in receipts if r.fate in REFUSED and r.department is None)

    def _findings(self, submissions: dict[int, models.Submission], checks: dict[int, list[models.CheckResult]],
                  statuses: tuple[DepartmentStatus, ...]) -> tuple[AnnexFinding, ...]:
        """The annex: department by department, criticals first, then in the order of the department's file
        (the header's paragraphs before the table's lines, the lines in report order)."""
        places = self._line_places(list(submissions))
        position = {status.submission_id: index for index, status in enumerate(statuses)}
        by_submission = {status.submission_id: status for status in statuses}
        found = []
        for submission_id, results in checks.items():
            status = by_submission.get(submission_id)
            for check in results:
                measure, sub_item, _ = places.get((submission_id, check.source_part or "", check.row), (None, 0, None))
                found.append(AnnexFinding(
                    rule_code=check.rule_code, severity=Severity(check.severity), message=_text(check.message) or "",
                    measure=measure, part=_text(check.source_part), row=check.row, column=_text(check.column),
                    value=_text(check.value), expected=_text(check.expected),
                    department_code=status.department_code if status else None,
                    department_name=status.department_name if status else "?",
                    submission_id=submission_id, source_format=submissions[submission_id].source_format,
                    origin=check.origin, sub_item=sub_item))
        def order(finding: AnnexFinding) -> tuple[int, int, int, int, int]:
            line_no = places.get((finding.submission_id, finding.part or "", finding.row), (None, 0, None))[2]
            # no line: the header (its paragraphs, by number) comes before the table; a finding without a row last
            where = (1, line_no, 0) if line_no is not None else (0, 0, finding.row) if finding.row is not None \
                else (2, 0, 0)
            return (position.get(finding.submission_id, len(position)),
                    SEVERITY_ORDER.get(finding.severity, len(SEVERITY_ORDER)), *where)

        return tuple(sorted(found, key=order))

    def _claims(self, rejected: list[models.Submission]) -> dict[int | None, Amounts]:
        """What each report that is not counted claims: its own «Всього» row, or the sums of its lines when it
        has none."""
        if not rejected:
            return {}
        L = models.ReportLine
        sums = {r.submission_id: r for r in self.connection.execute(
            select(col(L.submission_id), func.sum(col(L.planned)).label("planned"),
                   func.sum(col(L.annual)).label("annual"), func.sum(col(L.financed)).label("financed"))
            .where(col(L.submission_id).in_([models.row_id(s) for s in rejected])).group_by(col(L.submission_id)))}
        claims: dict[int | None, Amounts] = {}
        for submission in rejected:
            if any(v is not None for v in (submission.total_planned, submission.total_annual,
                                           submission.total_financed)):
                claims[submission.id] = Amounts(planned=submission.total_planned, annual=submission.total_annual,
                                                financed=submission.total_financed, ratio=submission.total_percent)
            elif submission.id in sums:
                row = sums[submission.id]
                # SQLite sums money as floats: back to kopecks
                planned, annual, financed = (None if v is None else Decimal(str(v)).quantize(Decimal("0.01"))
                                             for v in (row.planned, row.annual, row.financed))
                claims[submission.id] = Amounts(planned=planned, annual=annual, financed=financed,
                                                ratio=ratio(financed, annual))
        return claims

    def _line_places(self, submission_ids: list[int]
                     ) -> dict[tuple[int, str, int | None], tuple[str | None, int, int]]:
        """(submission, part, row) -> (measure, sub-item, line number), to say which line a finding is about."""
        if not submission_ids:
            return {}
        L = models.ReportLine
        rows = self.connection.execute(select(col(L.submission_id), col(L.source_part), col(L.source_row),
                                              col(L.measure_number), col(L.sub_item), col(L.line_no))
                                       .where(col(L.submission_id).in_(submission_ids)))
        return {(r.submission_id, r.source_part or "", r.source_row): (r.measure_number, r.sub_item, r.line_no)
                for r in rows}

    def _local(self, moment: datetime | None) -> datetime | None:
        # the warehouse keeps naive UTC; people read city time
        return None if moment is None else moment.replace(tzinfo=UTC).astimezone(self.zone)


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    return _CONTROL.sub(" ", _BREAKS.sub("\n", value)).strip()


def _signed_by(submission: models.Submission | None) -> str | None:
    """«Начальник управління Наталія БОНДАР», as the department's report names its signer."""
    if submission is None:
        return None
    named = " ".join(part for part in (_text(submission.signer_position), _text(submission.signer_name)) if part)
    return named or None


def _reasons(checks: Iterable[models.CheckResult]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_text(c.message) or c.rule_code for c in checks if c.severity == Severity.CRITICAL))


def _refusal(row: dict[str, Any]) -> tuple[str, ...]:
    """Why a department's only file could not be read, as its status's reason."""
    reason = _text(row["refused_reason"]) if row["status"] == Status.UNREADABLE else None
    return (reason,) if reason else ()


def _amounts(row: dict[str, Any]) -> Amounts:
    return Amounts(planned=row["planned"], annual=row["annual"], financed=row["financed"],
                   ratio=row["computed_percent"])


def ratio(financed: Decimal | None, annual: Decimal | None) -> Decimal | None:
    """financed / annual * 100 rounded half up to 2 places, as the views compute it; None when annual is 0."""
    if financed is None or not annual:
        return None
    return (financed * 100 / annual).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _line(row: dict[str, Any], marks: tuple[Mark, ...] = ()) -> Line:
    return Line(line_no=row["line_no"], measure=_text(row["measure"]), sub_item=row["sub_item"] or 0,
                task=_text(row["task"]), content=_text(row["content"]), term=_text(row["term"]),
                executors=_text(row["executors"]), amounts=_amounts(row), reported_percent=row["reported_percent"],
                info=_text(row["info"]), source_part=_text(row["source_part"]), source_row=row["source_row"],
                marks=marks)


def _marks(findings: tuple[AnnexFinding, ...]) -> dict[tuple[int, str, int | None], tuple[Mark, ...]]:
    """(submission, part, row) -> the marks of the annex findings (numbered from 1) about that line; notices
    unmarked."""
    found: dict[tuple[int, str, int | None], list[Mark]] = defaultdict(list)
    for number, finding in enumerate(findings, start=1):
        # a notice (language advice, a repair intake made) stays in the annex: the signed form marks only what
        # the reader must weigh
        if finding.row is not None and finding.severity is not Severity.NOTICE:
            found[(finding.submission_id, finding.part or "", finding.row)].append(
                Mark(number=number, percent=finding.rule_code == PERCENT_RULE))
    return {key: tuple(marks) for key, marks in found.items()}





def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def measures(lines: list[Line]) -> tuple[MeasureBlock, ...]:
    """Lines grouped into measures: a sub-item belongs to the measure above it."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and line.sub_item > 0 and line.measure in (None, groups[-1][0].measure):
            groups[-1].append(line)
        else:
            groups.append([line])
    result = []
    for group in groups:
        annual = _sum(line.amounts.annual for line in group)
        financed = _sum(line.amounts.financed for line in group)
        result.append(MeasureBlock(number=group[0].measure,
                                   task=next((line.task for line in group if line.task), None), lines=tuple(group),
                                   amounts=Amounts(planned=_sum(line.amounts.planned for line in group),
                                                   annual=annual, financed=financed, ratio=ratio(financed, annual))))
    return tuple(result)


def _section(number: int, status: DepartmentStatus, lines: list[Line], totals: dict[str, Any] | None,
             claimed: Amounts | None = None) -> Section:
    section = Section(number=number, department_code=status.department_code or "",
                      department_name=status.department_name, status=status.status, source_file=status.source_file)
    if totals is None:
        return replace(section, claimed=claimed)
    reported = Amounts(planned=totals["reported_total_planned"], annual=totals["reported_total_annual"],
                       financed=totals["reported_total_financed"], ratio=None)
    return replace(section, measures=measures(lines), totals=_amounts(totals), reported_total=reported,
                   reported_percent=totals["reported_total_percent"])
