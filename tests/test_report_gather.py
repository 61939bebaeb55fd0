"""Gathering the consolidated report from the warehouse, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from tests.report_fixtures import KYIV, PERIOD, PREPARED_AT, PROGRAM, SEED_RECEIVED, load_seed_quarter
from zvit.model import Report
from zvit.report.gather import ReportError, gather_report, report_programs
from zvit.quality.findings import Status
from zvit.report.model import ConsolidatedReport

COUNTED = (Status.ACCEPTED, Status.ACCEPTED_WITH_WARNINGS)
from tests.loading import check_and_load, load_report
from zvit.quality.findings import Finding as CheckFinding
from zvit.warehouse import view_rows


def gather(engine: Engine, period: str = PERIOD) -> ConsolidatedReport:
    return gather_report(engine, program=PROGRAM, period=period, timezone="Europe/Kyiv", prepared_at=PREPARED_AT)


def test_the_seed_quarter_counts_the_two_accepted_reports(seed_quarter: Engine) -> None:
    report = gather(seed_quarter)
    assert len(report.lines) == 15
    assert (report.total.planned, report.total.annual, report.total.financed, report.total.ratio) == (
        Decimal("4580000.00"), Decimal("2580000.00"), Decimal("716337.84"), Decimal("27.77"))
    [warehouse_total] = view_rows(seed_quarter, "v_program_totals", program_code=PROGRAM, period_code=PERIOD)
    assert (report.total.planned, report.total.annual, report.total.financed) == (
        warehouse_total["planned"], warehouse_total["annual"], warehouse_total["financed"])
    assert [(s.department_code, s.counted) for s in report.sections] == [
        ("viddil-deputatskoi-diialnosti", True), ("upravlinnia-zviazkiv", True), ("upravlinnia-zvernen", False)]
    first, second, _ = report.sections
    assert (first.totals.annual, first.totals.financed, first.totals.ratio) == (
        Decimal("500000.00"), Decimal("202800.00"), Decimal("40.56"))
    assert (second.totals.financed, second.reported_percent, second.reported_total.financed) == (
        Decimal("513537.84"), Decimal("24.69"), Decimal("513537.84"))


def test_the_rejected_report_is_listed_with_its_reasons_and_not_counted(seed_quarter: Engine) -> None:
    report = gather(seed_quarter)
    rejected = report.statuses[2]
    assert (rejected.department_code, rejected.status, rejected.line_count, rejected.version) == (
        "upravlinnia-zvernen", "rejected", 0, 1)
    assert len(rejected.reasons) == 2
    assert "02.12.2020 № 1430" in rejected.reasons[0] and "№ 279" in rejected.reasons[1]
    assert "upravlinnia-zvernen" not in {s.department_code for s in report.counted_sections}
    assert all(s.status in COUNTED for s in report.statuses[:2])


def test_status_says_what_was_received_when_and_whether_it_was_late(seed_quarter: Engine) -> None:
    report = gather(seed_quarter)
    assert [(s.received_at, s.is_late, s.deadline) for s in report.statuses] == [
        (SEED_RECEIVED[0], False, date(2022, 10, 10)), (SEED_RECEIVED[1], True, date(2022, 10, 10)),
        (SEED_RECEIVED[2], False, date(2022, 10, 10))]
    assert report.statuses[0].received_at.tzinfo == KYIV
    assert {s.source_file for s in report.statuses} == {"zhytomyr-efficient-government-2022-9m.txt"}
    assert all(s.responsible and s.registered for s in report.statuses)
    assert report.responsible_executors == tuple(s.department_name for s in report.statuses)


def test_a_department_that_sent_nothing_is_missing(warehouse: Engine, seed_reports: list[Report]) -> None:
    load_seed_quarter(warehouse, seed_reports[:2], [[], []])
    report = gather(warehouse)
    missing = report.statuses[2]
    assert (missing.status, missing.submission_id, missing.received_at, missing.is_late, missing.reasons) == (
        "missing", None, None, None, ())
    assert not report.sections[2].counted


def test_sub_items_are_grouped_under_their_measure(seed_quarter: Engine) -> None:
    section = gather(seed_quarter).sections[1]
    assert [(m.number, [line.sub_item for line in m.lines]) for m in section.measures] == [
        ("1", [0]), ("2", [0]), ("3", [0, 1, 2]), ("4", [0]), ("5", [0]), ("6", [0, 1]), ("7", [0])]
    measure = section.measures[2]
    assert measure.task.startswith("Забезпечити висвітлення")
    assert (measure.amounts.annual, measure.amounts.financed) == (Decimal("700000.00"), Decimal("268800.00"))


def test_every_finding_is_placed_at_its_department_measure_and_cell(seed_quarter: Engine) -> None:
    findings = gather(seed_quarter).findings
    by_rule = {f.rule_code: f for f in findings}
    [mismatch] = [f for f in findings if f.rule_code == "ROW-PERCENT-MISMATCH" and f.row == 102]
    assert (mismatch.department_code, mismatch.measure, mismatch.row, mismatch.column, mismatch.severity,
            mismatch.origin) == ("upravlinnia-zvernen", "1", 102, "8", "warning", "gate")
    assert "64" in mismatch.value and "37,82" in mismatch.expected.replace(".", ",")
    assert by_rule["REPORT-DECISION-WRONG-DATE"].expected == "23.09.2021 № 279"
    # intake's findings are there too, whatever severity they carry
    assert {f.origin for f in findings} >= {"intake", "gate"}
    # the ones that rejected a report come first within its department
    zvernen = [f.severity for f in findings if f.department_code == "upravlinnia-zvernen"]
    assert zvernen[:2] == ["critical", "critical"]


def test_decisions_are_those_of_the_program_up_to_the_end_of_the_period(seed_quarter: Engine) -> None:
    report = gather(seed_quarter)
    assert report.approval is not None and (report.approval.number, report.approval.date) == ("31", date(2020, 12, 24))
    assert [(d.number, d.date) for d in report.amendments] == [
        ("279", date(2021, 9, 23)), ("381", date(2021, 12, 24)), ("558", date(2022, 9, 2))]
    early = gather(seed_quarter, "2021-Q2")
    assert [d.number for d in early.decisions] == ["31"]
    assert {s.status for s in early.statuses} == {"missing"} and early.total.financed is None


def test_a_resubmission_replaces_the_counted_version(seed_quarter: Engine, seed_reports: list[Report]) -> None:
    corrected = seed_reports[0].model_copy(update={"rows": seed_reports[0].rows[:4]})
    load_report(seed_quarter, corrected, sha256="f" * 64, received_at=datetime(2022, 10, 13, 8, 0, tzinfo=KYIV))
    report = gather(seed_quarter)
    first = report.statuses[0]
    assert (first.version, first.line_count, first.is_late) == (2, 4, True)
    assert len(report.lines) == 14
    assert report.total.financed == Decimal("716337.84") - Decimal("49900.00")


def test_a_report_from_a_department_outside_the_registry_is_shown_and_not_counted(
        seed_quarter: Engine, seed_reports: list[Report]) -> None:
    stranger = seed_reports[0].model_copy(update={"department": "відділ, якого немає в реєстрі"})
    check_and_load(seed_quarter, stranger, sha256="e" * 64, received_at=datetime(2022, 10, 8, 12, 0, tzinfo=KYIV))
    report = gather(seed_quarter)
    extra = report.statuses[-1]
    assert (extra.department_code, extra.department_name, extra.registered, extra.status) == (
        None, "відділ, якого немає в реєстрі", False, "rejected")
    assert extra.reasons and len(report.lines) == 15
    assert any(f.submission_id == extra.submission_id for f in report.findings)


def test_unknown_program_or_period_is_a_readable_error(seed_quarter: Engine) -> None:
    with pytest.raises(ReportError, match="unknown program 'nope'"):
        gather_report(seed_quarter, program="nope", period=PERIOD)
    with pytest.raises(ReportError, match="runs 2021-2025, not in 2030"):
        gather_report(seed_quarter, program=PROGRAM, period="2030-Q1")
    with pytest.raises(ReportError, match="2022-Q5"):
        gather_report(seed_quarter, program=PROGRAM, period="2022-Q5")
    assert report_programs(seed_quarter, PERIOD) == [PROGRAM]
    assert report_programs(seed_quarter, "2030-Q1") == []


def test_a_finding_with_a_severity_the_report_does_not_know_is_still_listed(
        warehouse: Engine, seed_reports: list[Report]) -> None:
    notice = CheckFinding(rule_code="ROW-NOTE", severity="notice", message="Примітка у стовпці суми.", row=22,
                          column="9", value="100%")
    load_report(warehouse, seed_reports[0], sha256="d" * 64, received_at=SEED_RECEIVED[0], findings=[notice])
    [found] = [f for f in gather(warehouse).findings if f.rule_code == "ROW-NOTE"]
    assert (found.severity, found.measure, found.row) == ("notice", "1", 22)
