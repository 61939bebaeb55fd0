"""The reporting views: status of every registered department per period, lateness, and computed ratios."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from zvit.model import Report
from tests.loading import load_report
from zvit.warehouse import view_rows

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in October 2022, Kyiv time (UTC+3 then)."""
    return datetime(2022, 10, day, hour, minute, tzinfo=KYIV)


def test_status_lists_every_department_for_every_period_with_missing_ones(
        warehouse: Engine, seed_reports: list[Report]) -> None:
    load_report(warehouse, seed_reports[0], sha256="a" * 64, received_at=kyiv(7, 10))
    rows = view_rows(warehouse, "v_department_status")
    assert len(rows) == 3 * 20  # three departments x every quarter of 2021-2025
    q3 = {row["department_code"]: row for row in rows if row["period_code"] == "2022-Q3"}
    assert {code: row["status"] for code, row in q3.items()} == {
        "viddil-deputatskoi-diialnosti": "accepted",
        "upravlinnia-zviazkiv": "missing",
        "upravlinnia-zvernen": "missing",
    }
    received = q3["viddil-deputatskoi-diialnosti"]
    assert (received["deadline"], received["version"], received["is_late"], received["responsible_executor"]) == (
        date(2022, 10, 10), 1, 0, 1)
    assert received["received_at"] == datetime(2022, 10, 7, 7, 0)  # stored in UTC
    assert received["source_file"] == seed_reports[0].source
    missing = q3["upravlinnia-zvernen"]
    assert (missing["submission_id"], missing["version"], missing["is_late"]) == (None, None, None)
    assert {row["status"] for row in rows if row["period_code"] != "2022-Q3"} == {"missing"}


@pytest.mark.parametrize(("received", "late"), [
    (kyiv(10, 23, 59), 0),  # the deadline day, late evening in Kyiv (20:59 UTC)
    (kyiv(11, 0, 1), 1),    # just after midnight in Kyiv, still 10 October in UTC
    (kyiv(3, 9), 0),
])
def test_late_means_after_the_deadline_day_in_city_time(warehouse: Engine, seed_reports: list[Report],
                                                        received: datetime, late: int) -> None:
    load_report(warehouse, seed_reports[2], sha256="a" * 64, received_at=received)
    [row] = view_rows(warehouse, "v_department_status", department_code="upravlinnia-zvernen",
                      period_code="2022-Q3")
    assert row["is_late"] == late


def test_computed_percent_is_null_where_annual_is_zero_or_missing(warehouse: Engine,
                                                                  seed_reports: list[Report]) -> None:
    report = seed_reports[0]
    rows = (report.rows[0].model_copy(update={"annual": Decimal("0.00")}),
            report.rows[1].model_copy(update={"annual": None}),
            report.rows[2])
    load_report(warehouse, report.model_copy(update={"rows": rows}), sha256="a" * 64, received_at=kyiv(7, 10))
    lines = view_rows(warehouse, "v_report_lines")
    assert [(line["annual"], line["computed_percent"]) for line in lines] == [
        (Decimal("0.00"), None), (None, None), (Decimal("49000.00"), Decimal("53.47"))]
    [totals] = view_rows(warehouse, "v_department_totals")
    assert (totals["annual"], totals["financed"], totals["computed_percent"]) == (
        Decimal("49000.00"), Decimal("119000.00"), Decimal("242.86"))


def test_kopecks_add_up_exactly(warehouse: Engine, seed_reports: list[Report]) -> None:
    report = seed_reports[1]
    cents = [Decimal("0.10"), Decimal("0.20"), Decimal("0.01")] + [Decimal("1234567890.33")] * 7
    rows = tuple(line.model_copy(update={"financed": amount}) for line, amount in zip(report.rows, cents))
    load_report(warehouse, report.model_copy(update={"rows": rows}), sha256="a" * 64, received_at=kyiv(7, 10))
    [totals] = view_rows(warehouse, "v_department_totals")
    assert totals["financed"] == Decimal("8641975232.62")


def test_line_counts_are_integers_on_both_engines(warehouse: Engine, seed_reports: list[Report]) -> None:
    # PostgreSQL sums integers as numeric: without a cast the count came back as Decimal('10') (issue 9's runs).
    for index, report in enumerate(seed_reports[:2]):
        load_report(warehouse, report, sha256=str(index) * 64, received_at=kyiv(7, 10))
    [program] = view_rows(warehouse, "v_program_totals", period_code="2022-Q3")
    assert type(program["line_count"]) is int
    assert program["line_count"] == sum(len(report.rows) for report in seed_reports[:2])
