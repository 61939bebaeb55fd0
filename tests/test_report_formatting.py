"""Ukrainian numbers, dates and titles in the report, and the chart layout."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zvit.normalize.numbers import parse_number
from zvit.normalize.periods import ReportingPeriod
from zvit.report.charts import ChartItem, axis_scale, bar_chart
from zvit.formatting import HRYVNIAS, THOUSANDS, amount, number, ratio, round_half_up, uk_date, uk_datetime
from zvit.report.texts import period_phrase, severity_label, status_label, title
from zvit.templating import environment

NBSP = "\u00a0"


def test_amounts_are_grouped_with_no_break_spaces_and_a_decimal_comma() -> None:
    assert amount(Decimal("2080000"), HRYVNIAS) == f"2{NBSP}080{NBSP}000,00"
    assert amount(Decimal("716337.84"), HRYVNIAS) == f"716{NBSP}337,84"
    # тис. грн with two decimals, as departments report them: 716 337,84 грн is 716,34, not 716,3
    assert amount(Decimal("716337.84"), THOUSANDS) == "716,34"
    assert amount(Decimal("4580000"), THOUSANDS) == f"4{NBSP}580,00"
    assert amount(None, THOUSANDS) == ""
    assert amount(Decimal("-1234.5"), HRYVNIAS) == f"-1{NBSP}234,50"


@pytest.mark.parametrize(("value", "places", "shown"), [
    ("0.125", 2, "0,13"),     # banker's rounding would give 0,12
    ("2.675", 2, "2,68"),     # a float would give 2,67
    ("35950", 0, f"35{NBSP}950"),
])
def test_money_is_rounded_half_up(value: str, places: int, shown: str) -> None:
    assert number(Decimal(value), places) == shown


def test_thousands_round_half_up_to_two_decimals() -> None:
    assert amount(Decimal("125.00"), THOUSANDS) == "0,13"   # half even would give 0,12
    assert amount(Decimal("35933.84"), THOUSANDS) == "35,93"
    assert amount(Decimal("208804.00"), THOUSANDS) == "208,80"
    assert amount(Decimal("2675.00"), THOUSANDS) == "2,68"


@given(st.decimals(min_value=-10**11, max_value=10**11, places=4, allow_nan=False, allow_infinity=False))
def test_intake_reads_back_what_the_report_writes(value: Decimal) -> None:
    read = parse_number(number(value, 2))
    assert read is not None and read.value == round_half_up(value, 2)


def test_percent_has_a_no_break_space_before_the_sign() -> None:
    assert ratio(Decimal("27.77")) == f"27,77{NBSP}%"
    assert ratio(Decimal("100")) == f"100,00{NBSP}%"
    assert ratio(None) == ""


def test_dates_are_written_out_with_the_month_in_the_genitive() -> None:
    assert uk_date(date(2022, 9, 2)) == f"2 вересня 2022{NBSP}р."
    assert uk_date(date(2020, 12, 24)) == f"24 грудня 2020{NBSP}р."
    moment = datetime(2022, 10, 7, 9, 30, tzinfo=ZoneInfo("Europe/Kyiv"))
    assert uk_datetime(moment) == f"7 жовтня 2022{NBSP}р., 09:30"


@pytest.mark.parametrize(("quarter", "phrase"), [
    (1, "за I квартал 2022 року"), (2, "за I півріччя 2022 року"), (3, "за 9 місяців 2022 року"),
    (4, "за 2022 рік"),
])
def test_the_period_is_named_as_the_title_needs(quarter: int, phrase: str) -> None:
    assert period_phrase(ReportingPeriod(2022, quarter)) == phrase
    assert title("Ефективна влада. Конкурентне місто", ReportingPeriod(2022, quarter)) == (
        f"Зведений звіт про результати виконання міської цільової програми «Ефективна влада. Конкурентне місто» "
        f"{phrase}")


def test_statuses_and_severities_have_ukrainian_labels_and_unknown_ones_are_kept_readable() -> None:
    # the glossary's words (templates/glossary.yaml), the same in every format and email
    assert [status_label(s) for s in ("accepted", "accepted_with_warnings", "rejected", "unreadable", "missing")] == [
        "прийнято", "прийнято із зауваженнями", "відхилено", "файл не прочитано", "не подано"]
    assert [severity_label(s) for s in ("critical", "warning", "notice", "something-new")] == [
        "критична помилка", "зауваження", "довідка", "something-new"]
    assert status_label("under_review") == "under_review"


def test_the_report_filters_are_registered_in_the_shared_environment() -> None:
    template = environment().from_string("{{ v|amount(unit) }} {{ p|ratio }} {{ d|uk_date }}")
    assert template.render(v=Decimal("716337.84"), unit=THOUSANDS, p=Decimal("27.77"), d=date(2022, 9, 2)) == (
        f"716,34 27,77{NBSP}% 2 вересня 2022{NBSP}р.")


@given(st.decimals(min_value=Decimal("-1e13"), max_value=Decimal("1e13"), places=5), st.sampled_from([0, 1, 2]))
def test_numbers_read_as_babel_writes_them_for_uk_ua(value: Decimal, places: int) -> None:
    from babel.numbers import format_decimal

    pattern = "#,##0." + "0" * places if places else "#,##0"
    rounded = round_half_up(value, places)
    assert number(value, places) == format_decimal(rounded, format=pattern, locale="uk_UA", decimal_quantization=False)


def test_chart_bars_are_proportional_on_a_round_scale() -> None:
    chart = bar_chart("c", "Діаграма", [ChartItem("A", Decimal("500000"), Decimal("202800")),
                                         ChartItem("B", Decimal("2080000"), Decimal("513537.84"))], THOUSANDS)
    assert chart is not None
    assert [tick.label for tick in chart.ticks] == ["0", "500", f"1{NBSP}000", f"1{NBSP}500", f"2{NBSP}000",
                                                   f"2{NBSP}500"]
    shares = [bar.share for row in chart.rows for bar in row.bars]  # percent of the axis
    assert shares == pytest.approx([100 * 500 / 2500, 100 * 202.8 / 2500, 100 * 2080 / 2500,
                                    100 * 513.53784 / 2500], abs=0.001)
    assert [tick.share for tick in chart.ticks] == [0, 20, 40, 60, 80, 100]
    assert [bar.value for row in chart.rows for bar in row.bars] == ["500,00", "202,80", f"2{NBSP}080,00", "513,54"]


def test_a_chart_without_amounts_is_not_drawn_and_long_labels_are_cut() -> None:
    assert bar_chart("c", "Діаграма", [ChartItem("A")], THOUSANDS) is None
    chart = bar_chart("c", "Діаграма", [ChartItem("слово " * 40, Decimal(1), Decimal(0))], HRYVNIAS)
    assert chart is not None
    lines = chart.rows[0].label_lines
    assert len(lines) == 2 and lines[-1].endswith("…")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e12"), places=2))
def test_the_value_axis_always_reaches_past_the_longest_bar(largest: Decimal) -> None:
    top, step = axis_scale(largest)
    assert top >= largest
    assert 1 <= top / step <= 8
