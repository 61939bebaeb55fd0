"""Display text shared by the formats: the passport lines, section headings, status and finding rows."""

from __future__ import annotations

from zvit.formatting import uk_date, uk_datetime
from zvit.report.model import (
    AnnexFinding,
    ConsolidatedReport,
    DepartmentStatus,
    ProgramDecision,
    RefusedFile,
    Section,
)
from zvit.report.texts import fate_label, measure_label, period_phrase, severity_label, status_label, texts


def decision(ref: ProgramDecision) -> str:
    """«від 24 грудня 2020 р. № 31»."""
    return str(texts()["passport"]["decision"]).format(date=uk_date(ref.date), number=ref.number)


def passport(report: ConsolidatedReport) -> list[tuple[str, str]]:
    """(label, value) lines under the title: decisions, responsible executors, term, period."""
    words, none = texts()["passport"], texts()["status"]["none"]
    program, period = report.program, report.period
    return [
        (words["approved"], decision(report.approval) if report.approval else none),
        (words["amended"], "; ".join(decision(d) for d in report.amendments) or words["no_amendments"]),
        (words["responsible"], "; ".join(report.responsible_executors) or none),
        (words["term"], words["term_years"].format(first=program.first_year, last=program.last_year)),
        (words["period"], words["period_span"].format(start=uk_date(period.start), end=uk_date(period.end))),
    ]


def coverage(report: ConsolidatedReport) -> str:
    """«Враховано звіти 2 з 3 виконавців. До таблиці увійшли лише прийняті звіти...»."""
    words = texts()
    counted = words["passport"]["coverage"].format(counted=len(report.counted_sections),
                                                   expected=len(report.statuses))
    return f"{counted} {words['notes']['counted']}"


def claimed_label(section: Section) -> str:
    """«Не враховано — управління ... (відхилено); суми за звітом виконавця»: the row under the program total."""
    return str(texts()["rows"]["claimed"]).format(department=section.department_name,
                                                  status=status_label(section.status))


def outgoing(report: ConsolidatedReport) -> tuple[str, str]:
    """(«№ 12/345», «від 2 листопада 2022 р.»), blank lines to fill in by hand for what is not given yet."""
    words, given = texts()["signature"], report.signatures.outgoing
    number = words["outgoing"].format(number=given.number) if given.number else words["blank_number"]
    dated = words["outgoing_date"].format(date=uk_date(given.date)) if given.date else words["blank_date"]
    return number, dated


def signature(report: ConsolidatedReport) -> dict[str, str]:
    """The signer's and approver's positions and names («Власне ім'я ПРІЗВИЩЕ»), blank lines where the registry
    names nobody, and the lines every signature block has."""
    words, signs = texts()["signature"], report.signatures
    return {
        "position": signs.signer.position if signs.signer else words["signer_position"],
        "name": signs.signer.name if signs.signer else words["blank_name"],
        "hint": words["signature_hint"], "date_line": words["date_line"], "approved": words["approved"],
        "approver_position": signs.approver.position if signs.approver else words["approver_position"],
        "approver_name": signs.approver.name if signs.approver else words["blank_name"],
    }


def annex_line(report: ConsolidatedReport) -> str:
    """«Додаток: результати перевірки якості даних (пунктів: 16).», above the signature."""
    words = texts()["signature"]
    return str(words["annex"]).format(count=len(report.findings)) if report.findings else str(words["annex_none"])


def annex_heading(report: ConsolidatedReport) -> list[str]:
    """The annex's own heading lines, top right: «Додаток», «до зведеного звіту … », «№ … від …»."""
    words = texts()["signature"]
    number, dated = outgoing(report)
    return [words["annex_heading"], words["annex_to"].format(period=period_phrase(report.period)),
            f"{dated} {number}"]


def section_heading(section: Section) -> str:
    """«2. управління ...», with why its figures are missing when they are."""
    heading = f"{section.number}. {section.department_name}"
    if not section.counted:
        heading += " — " + texts()["rows"]["not_counted"].format(status=status_label(section.status))
    return heading


def department(status: DepartmentStatus) -> str:
    """The department's name, flagged when it is not a registered executor of the program."""
    suffix = "" if status.registered else f" ({texts()['status']['unregistered']})"
    return status.department_name + suffix


def timeliness(status: DepartmentStatus) -> str:
    """«вчасно», «із запізненням» or «—» when nothing was received."""
    words: dict[str, str] = texts()["status"]
    return words["none"] if status.is_late is None else words["late" if status.is_late else "on_time"]


def status_fields(status: DepartmentStatus) -> dict[str, str]:
    """A status row as text, by the keys of `texts.yaml` status.columns."""
    words = texts()["status"]
    return {
        "department": department(status),
        "responsible": words["responsible_yes" if status.responsible else "responsible_no"],
        # a department whose only file could not be read: that file, never «—» as if nothing came
        "file": status.source_file or status.refused_file or words["none"],
        "version": str(status.version) if status.version is not None else words["none"],
        "received": uk_datetime(status.received_at) or words["none"],
        "deadline": uk_date(status.deadline),
        "timeliness": timeliness(status),
        "status": status_label(status.status),
        "lines": str(status.line_count),
        "signed_by": status.signed_by or words["none"],
        "reasons": "\n".join(status.reasons),
    }


def finding_fields(finding: AnnexFinding) -> dict[str, str]:
    """A finding row as text, by the keys of `texts.yaml` quality.columns."""
    return {
        "department": finding.department_name,
        "measure": measure_label(finding.measure, finding.sub_item),
        # the one wording of a place in a department's file, as the letters give it
        "cell": finding.where,
        "value": finding.value or "",
        "expected": finding.expected or "",
        "message": finding.message,
        "severity": severity_label(finding.severity),
        "rule": finding.rule_code,
    }


def refused_fields(refused: RefusedFile) -> dict[str, str]:
    """A refused file no department could be told from, as text, by the keys of `texts.yaml` refused.columns."""
    return {
        "file": refused.name,
        "received": uk_datetime(refused.received_at),
        "fate": fate_label(refused.fate),
        "reason": refused.reason or "",
    }
