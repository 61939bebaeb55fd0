"""Loading the seed: idempotent, versioned, atomic, and exact to the kopeck on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import models
from zvit.intake import read_reports
from zvit.model import Report
from tests.loading import check_and_load, load_report
from zvit.quality.findings import Finding, Severity
from zvit.warehouse import (
    check_results, count_rows, current_submissions, make_engine, submission_history, submission_lines, view_rows,
)

RECEIVED = datetime(2022, 10, 7, 9, 30, tzinfo=UTC)
LATER = datetime(2022, 10, 12, 14, 0, tzinfo=UTC)
SEED_SHA = "5eed" * 16

#: The figures the seed parses to, in hryvnias (annual sum, financed sum, line count).
EXPECTED = {
    "viddil-deputatskoi-diialnosti": (Decimal("500000.00"), Decimal("202800.00"), 5),
    "upravlinnia-zviazkiv": (Decimal("2080000.00"), Decimal("513537.84"), 10),
    "upravlinnia-zvernen": (Decimal("402700.00"), Decimal("152290.00"), 1),
}


def load_all(engine: Engine, reports: list[Report], *, sha256: str = SEED_SHA,
             received_at: datetime = RECEIVED) -> list[str]:
    return [load_report(engine, r, sha256=sha256, received_at=received_at).outcome for r in reports]


def second_report_file(seed_path: Path, directory: Path, *, financed: str) -> Path:
    """The seed's second report alone in a file, with the «Інтернет» line's financed figure replaced."""
    lines = seed_path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.strip() == "Звіт"]
    text = "".join(lines[starts[1]:starts[2]])
    assert text.count("19 800,00") == 1
    path = directory / "upravlinnia-zviazkiv-2022-9m-v2.txt"
    path.write_text(text.replace("19 800,00", financed), encoding="utf-8")
    return path


def test_loading_the_seed_twice_keeps_three_submissions_and_sixteen_lines(
        warehouse: Engine, seed_reports: list[Report]) -> None:
    assert load_all(warehouse, seed_reports) == ["loaded"] * 3
    assert load_all(warehouse, seed_reports) == ["already_loaded"] * 3
    current = current_submissions(warehouse)
    assert len(current) == 3 and count_rows(warehouse, models.Submission) == 3
    assert count_rows(warehouse, models.ReportLine) == 16
    assert sum(len(submission_lines(warehouse, s.id)) for s in current) == 16  # type: ignore[arg-type]
    assert len(view_rows(warehouse, "v_report_lines")) == 16
    # No gate ran: intake's repairs are notices, so a report is plainly accepted, but for the third, whose table
    # lacks the form's «Орієнтовний обсяг» column (a warning intake gives)
    assert sorted((s.version, s.status, s.is_current) for s in current) == [
        (1, "accepted", True), (1, "accepted", True), (1, "accepted_with_warnings", True)]


def test_views_totals_equal_the_parsed_sums_to_the_kopeck(warehouse: Engine, seed_reports: list[Report]) -> None:
    load_all(warehouse, seed_reports)
    totals = {row["department_code"]: row for row in view_rows(warehouse, "v_department_totals")}
    assert {code: (row["annual"], row["financed"], row["line_count"]) for code, row in totals.items()} == EXPECTED
    for report in seed_reports:
        code = next(c for c, (_, _, n) in EXPECTED.items() if n == len(report.rows))
        assert totals[code]["annual"] == sum(line.annual for line in report.rows if line.annual is not None)
        assert totals[code]["financed"] == sum(line.financed for line in report.rows if line.financed is not None)
    second = totals["upravlinnia-zviazkiv"]
    assert (second["reported_total_annual"], second["reported_total_financed"], second["reported_total_percent"]) \
        == (Decimal("2080000.00"), Decimal("513537.84"), Decimal("24.69"))
    assert second["computed_percent"] == Decimal("24.69")
    assert totals["upravlinnia-zvernen"]["planned"] is None  # the 9-column form has no program volume
    [program] = view_rows(warehouse, "v_program_totals")
    assert (program["program_code"], program["period_code"], program["department_count"], program["line_count"]) \
        == ("efektyvna-vlada", "2022-Q3", 3, 16)
    assert (program["annual"], program["financed"]) == (Decimal("2982700.00"), Decimal("868627.84"))
    assert program["computed_percent"] == Decimal("29.12")


def test_report_lines_keep_amounts_percent_and_source_row(warehouse: Engine, seed_reports: list[Report]) -> None:
    load_all(warehouse, seed_reports)
    lines = view_rows(warehouse, "v_report_lines", department_code="upravlinnia-zviazkiv")
    internet = next(line for line in lines if line["measure"] == "3" and line["sub_item"] == 2)
    assert (internet["annual"], internet["financed"], internet["reported_percent"], internet["computed_percent"]) \
        == (Decimal("120000.00"), Decimal("19800.00"), Decimal("16.50"), Decimal("16.50"))
    assert internet["source_row"] == 65
    [awards] = view_rows(warehouse, "v_report_lines", department_code="upravlinnia-zvernen")
    assert (awards["planned"], awards["annual"], awards["financed"], awards["reported_percent"]) == (
        None, Decimal("402700.00"), Decimal("152290.00"), Decimal("64.00"))
    assert awards["computed_percent"] == Decimal("37.82")


def test_resubmitting_the_second_report_supersedes_it(warehouse: Engine, seed_path: Path,
                                                      seed_reports: list[Report], tmp_path: Path) -> None:
    load_all(warehouse, seed_reports)
    path = second_report_file(seed_path, tmp_path, financed="19 900,00")
    [resubmitted] = read_reports(path)
    result = load_report(warehouse, resubmitted, sha256="2" * 64, received_at=LATER)
    assert (result.outcome, result.version, result.is_current, result.department) == (
        "loaded", 2, True, "upravlinnia-zviazkiv")
    assert result.superseded_version == 1

    history = submission_history(warehouse, department="upravlinnia-zviazkiv", program="efektyvna-vlada",
                                 period="2022-Q3")
    assert [(s.version, s.is_current, s.status, s.check_status, s.source_file) for s in history] == [
        (1, False, "superseded", "accepted", seed_path.name),
        (2, True, "accepted", "accepted", path.name),
    ]
    assert history[0].superseded_by_id == history[1].id
    old_financed = [line.financed for line in submission_lines(warehouse, history[0].id)]  # type: ignore[arg-type]
    assert Decimal("19800.00") in old_financed and len(old_financed) == 10
    assert len(current_submissions(warehouse)) == 3
    assert count_rows(warehouse, models.ReportLine) == 26
    current_lines = view_rows(warehouse, "v_report_lines", department_code="upravlinnia-zviazkiv")
    assert {line["submission_id"] for line in current_lines} == {history[1].id}
    assert sum(line["financed"] for line in current_lines) == Decimal("513637.84")
    [totals] = view_rows(warehouse, "v_department_totals", department_code="upravlinnia-zviazkiv")
    assert (totals["version"], totals["financed"]) == (2, Decimal("513637.84"))


def test_an_older_file_loaded_late_joins_the_history_without_becoming_current(
        warehouse: Engine, seed_path: Path, seed_reports: list[Report], tmp_path: Path) -> None:
    [resubmitted] = read_reports(second_report_file(seed_path, tmp_path, financed="19 900,00"))
    load_report(warehouse, resubmitted, sha256="2" * 64, received_at=LATER)
    result = load_report(warehouse, seed_reports[1], sha256=SEED_SHA, received_at=RECEIVED)
    assert (result.outcome, result.version, result.is_current, result.status) == ("loaded", 1, False, "superseded")
    history = submission_history(warehouse, department="upravlinnia-zviazkiv", program="efektyvna-vlada",
                                 period="2022-Q3")
    assert [(s.version, s.is_current, s.received_at) for s in history] == [
        (1, False, RECEIVED.replace(tzinfo=None)), (2, True, LATER.replace(tzinfo=None))]


def test_a_rejected_submission_is_stored_with_its_findings_and_never_counted(
        warehouse: Engine, seed_reports: list[Report]) -> None:
    finding = Finding(rule_code="TOTAL-MISMATCH", severity=Severity.CRITICAL,
                      message="Сума рядків не дорівнює рядку «Всього»", row=74, column="8", value="513537.84",
                      expected="513637.84")
    result = load_report(warehouse, seed_reports[1], sha256=SEED_SHA, received_at=RECEIVED, findings=[finding])
    assert (result.status, result.is_current) == ("rejected", True)
    stored = check_results(warehouse, result.submission_id)
    assert [(c.origin, c.rule_code, c.severity) for c in stored] == [
        ("intake", "INTAKE-LATIN", "notice"), ("intake", "INTAKE-UNIT-RESCALED", "notice"),
        ("intake", "INTAKE-UNIT-RESCALED", "notice"), ("intake", "TEXT-RUSSIANISM", "notice"),
        ("gate", "TOTAL-MISMATCH", "critical")]
    gate = stored[-1]
    assert (gate.row, gate.column, gate.value, gate.expected, gate.message) == (
        74, "8", "513537.84", "513637.84", "Сума рядків не дорівнює рядку «Всього»")
    assert len(submission_lines(warehouse, result.submission_id)) == 10
    assert view_rows(warehouse, "v_report_lines") == []
    assert view_rows(warehouse, "v_department_totals") == []
    assert view_rows(warehouse, "v_program_totals") == []
    [status] = view_rows(warehouse, "v_department_status", department_code="upravlinnia-zviazkiv",
                         period_code="2022-Q3")
    assert (status["status"], status["submission_id"]) == ("rejected", result.submission_id)


def test_status_follows_the_worst_finding(warehouse: Engine, seed_reports: list[Report]) -> None:
    clean = seed_reports[0].model_copy(update={"warnings": ()})
    accepted = load_report(warehouse, clean, sha256="a" * 64, received_at=RECEIVED)
    warned = load_report(warehouse, clean, sha256="b" * 64, received_at=LATER,
                         findings=[Finding(rule_code="PERCENT-OFF", severity=Severity.WARNING,
                                                   message="percent differs")])
    assert (accepted.status, warned.status) == ("accepted", "accepted_with_warnings")
    assert warned.superseded_version == accepted.version == 1


def test_an_unknown_department_is_kept_as_rejected_not_lost(warehouse: Engine, seed_reports: list[Report]) -> None:
    stranger = seed_reports[2].model_copy(update={"department": "відділ невідомих справ"})
    result = check_and_load(warehouse, stranger, sha256=SEED_SHA, received_at=RECEIVED)
    assert (result.status, result.department, result.period) == ("rejected", "відділ невідомих справ", "2022-Q3")
    with Session(warehouse) as session:
        row = session.get(models.Submission, result.submission_id)
        assert row is not None
        assert (row.department_id, row.department_name, row.program_id is not None) == (
            None, "відділ невідомих справ", True)
    codes = [c.rule_code for c in check_results(warehouse, result.submission_id) if c.severity == "critical"]
    # the third seed report also cites wrong decisions
    assert codes == ["REPORT-DECISION-UNKNOWN", "REPORT-DECISION-WRONG-DATE", "REPORT-DEPARTMENT-UNKNOWN"]
    assert len(submission_lines(warehouse, result.submission_id)) == 1
    assert view_rows(warehouse, "v_report_lines") == []
    again = load_report(warehouse, stranger, sha256=SEED_SHA, received_at=LATER)
    assert again.already_loaded


def test_an_unknown_period_is_kept_as_rejected(warehouse: Engine, seed_reports: list[Report]) -> None:
    result = check_and_load(warehouse, seed_reports[0].model_copy(update={"period": "2019-Q3"}), sha256=SEED_SHA,
                            received_at=RECEIVED)
    assert result.status == "rejected"
    assert [c.rule_code for c in check_results(warehouse, result.submission_id) if c.severity == "critical"] == [
        "REPORT-PERIOD-UNKNOWN"]


def test_an_amount_too_large_for_numeric_14_2_rejects_instead_of_failing(
        warehouse: Engine, seed_reports: list[Report]) -> None:
    report = seed_reports[2]
    huge = report.model_copy(update={"rows": (report.rows[0].model_copy(update={"financed": Decimal("1e13")}),)})
    result = check_and_load(warehouse, huge, sha256=SEED_SHA, received_at=RECEIVED)
    assert result.status == "rejected"
    [line] = submission_lines(warehouse, result.submission_id)
    assert (line.annual, line.financed) == (Decimal("402700.00"), None)
    [problem] = [c for c in check_results(warehouse, result.submission_id)
                 if c.rule_code == "LINE-VALUE-OUT-OF-RANGE"]
    assert (problem.rule_code, problem.column, problem.value) == (
        "LINE-VALUE-OUT-OF-RANGE", "7", "10\u00a0000\u00a0000\u00a0000\u00a0000,00")


def test_naive_received_at_is_city_time_stored_as_utc(warehouse: Engine, seed_reports: list[Report]) -> None:
    load_report(warehouse, seed_reports[0], sha256=SEED_SHA, received_at=datetime(2022, 10, 7, 12, 0))
    [row] = current_submissions(warehouse)
    assert row.received_at == datetime(2022, 10, 7, 9, 0)  # Kyiv is UTC+3 in October (summer time)


def test_measures_are_catalogued_per_department_and_program(warehouse: Engine,
                                                            seed_reports: list[Report]) -> None:
    load_all(warehouse, seed_reports)
    load_all(warehouse, seed_reports, sha256="c" * 64, received_at=LATER)
    with Session(warehouse) as session:
        measures = session.execute(select(models.Department.code, models.Measure.number)
                                   .join(models.Department, models.Department.id == models.Measure.department_id)
                                   ).all()
    per_department: dict[str, list[str]] = {}
    for code, number in measures:
        per_department.setdefault(code, []).append(number)
    assert {code: sorted(numbers, key=int) for code, numbers in per_department.items()} == {
        "viddil-deputatskoi-diialnosti": ["1", "2", "3", "4", "5"],
        "upravlinnia-zviazkiv": ["1", "2", "3", "4", "5", "6", "7"],
        "upravlinnia-zvernen": ["1"],
    }


def test_two_concurrent_loaders_of_the_same_file_store_it_once(warehouse_url: str,
                                                               seed_reports: list[Report]) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def loader() -> None:
        engine = make_engine(warehouse_url)
        try:
            barrier.wait()
            outcomes.append(load_report(engine, seed_reports[1], sha256=SEED_SHA, received_at=RECEIVED).outcome)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=loader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["already_loaded", "loaded"]
    engine = make_engine(warehouse_url)
    try:
        assert count_rows(engine, models.Submission) == 1
        assert count_rows(engine, models.ReportLine) == 10
    finally:
        engine.dispose()


def test_the_schema_refuses_a_second_copy_of_a_file_and_a_second_current_version(
        warehouse: Engine, seed_reports: list[Report]) -> None:
    result = load_report(warehouse, seed_reports[2], sha256=SEED_SHA, received_at=RECEIVED)
    with Session(warehouse) as session:
        original = session.get(models.Submission, result.submission_id)
        assert original is not None
        values = original.model_dump(exclude={"id"})
    for changes in ({"is_current": False, "slot": "elsewhere"},  # same (sha256, report_index)
                    {"sha256": "d" * 64}):                       # a second current row in the slot
        with Session(warehouse) as session, pytest.raises(IntegrityError):
            session.add(models.Submission(**{**values, **changes}))
            session.commit()
    assert count_rows(warehouse, models.Submission) == 1
