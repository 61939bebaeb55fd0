"""Header fields: periods, council decisions in every form, Latin look-alikes inside Cyrillic words."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zvit.model import DecisionCitation
from zvit.normalize.decisions import DateError, parse_decisions
from zvit.normalize.header import read_header, split_units
from zvit.normalize.periods import PeriodError, ReportingPeriod, find_period, parse_period_code
from zvit.normalize.text import has_latin_in_cyrillic, repair_latin


@pytest.mark.parametrize(("text", "code"), [
    ("за І квартал 2022 року", "2022-Q1"),
    ("за I квартал 2022 року", "2022-Q1"),
    ("за 3 місяці 2023 р.", "2023-Q1"),
    ("за І півріччя 2022 року", "2022-Q2"),
    ("за півріччя 2022 року", "2022-Q2"),
    ("за 6 місяців 2022 року", "2022-Q2"),
    ("за 9 місяців 2022 року у контексті здійснення нагородження За 2022 рік", "2022-Q3"),
    ("за дев'ять місяців 2024 року", "2024-Q3"),
    ("за 2022 рік", "2022-Q4"),
    ("за 12 місяців 2022 року", "2022-Q4"),
])
def test_period_wording_gives_the_cumulative_period(text: str, code: str) -> None:
    period = find_period(text)
    assert period is not None and period.code == code


def test_period_codes_round_trip_and_know_their_dates() -> None:
    period = parse_period_code("2022-Q3")
    assert period == ReportingPeriod(2022, 3)
    assert (period.start, period.end) == (date(2022, 1, 1), date(2022, 9, 30))
    with pytest.raises(PeriodError):
        parse_period_code("2022-3")


@pytest.mark.parametrize(("text", "decisions"), [
    ("24.12.2020 №31 та зміни від 02.09.2022 №558.",
     [("31", date(2020, 12, 24)), ("558", date(2022, 9, 2))]),
    ("№31 від 24.12.2020, внесення змін - №279 від 23.09.2021; №381 від 24.12.2021; 02.09.2022",
     [("31", date(2020, 12, 24)), ("279", date(2021, 9, 23)), ("381", date(2021, 12, 24)), (None, date(2022, 9, 2))]),
    ("02.12.2020 р. № 1430 та зміни від 23.09.2022 № 279",
     [("1430", date(2020, 12, 2)), ("279", date(2022, 9, 23))]),
    ("рішення від 24 грудня 2020 року № 31", [("31", date(2020, 12, 24))]),
    ("рішенням № 31/2 від 24.12.20", [("31/2", date(2020, 12, 24))]),
])
def test_decisions_in_every_written_form(text: str, decisions: list[tuple[str | None, date]]) -> None:
    assert parse_decisions(text) == [DecisionCitation(number=n, date=d) for n, d in decisions]


def test_a_date_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(DateError):
        parse_decisions("рішення від 31.02.2022 № 5")


@given(st.text(max_size=80))
def test_arbitrary_header_text_raises_only_our_own_errors(text: str) -> None:
    try:
        parse_decisions(text)
    except DateError:
        pass
    find_period(text)


@pytest.mark.parametrize(("text", "repaired"), [
    ("Ефективна влада. Конку rentне місто", "Ефективна влада. Конкурентне місто"),
    ("Ефективна влада. Конкуrentне місто", "Ефективна влада. Конкурентне місто"),
    ("Рoзвиток освіти", "Розвиток освіти"),  # a Latin «o»
    ("Програма «Smart City» для міста", "Програма «Smart City» для міста"),  # Latin words stay Latin
])
def test_latin_letters_inside_cyrillic_words_are_repaired(text: str, repaired: str) -> None:
    assert repair_latin(text) == repaired
    assert has_latin_in_cyrillic(text) == (text != repaired)


def test_responsible_executors_are_split_between_departments_not_inside_names() -> None:
    assert split_units("відділ організаційного забезпечення депутатської діяльності, управління звернень та "
                       "діловодства міської ради, управління по зв'язках із громадськістю.") == [
        "відділ організаційного забезпечення депутатської діяльності",
        "управління звернень та діловодства міської ради",
        "управління по зв'язках із громадськістю",
    ]
    assert split_units("управління освіти, культури і спорту") == ["управління освіти, культури і спорту"]


def test_header_without_colon_or_quotes_still_gives_its_fields() -> None:
    header = read_header([
        "Звіт про виконання Програми розвитку малого підприємництва на 2021-2023 роки за I півріччя 2022 року",
        "Дата і номер рішення міської ради, яким затверджено Програму: від 24 грудня 2020 року № 31",
        "Відповідальний виконавець Програми управління економіки",
        "Термін реалізації Програми 2021-2023 роки",
    ])
    assert header.title == "розвитку малого підприємництва на 2021-2023 роки за I півріччя 2022 року"
    assert header.period == ReportingPeriod(2022, 2)
    assert header.decisions == [DecisionCitation(number="31", date=date(2020, 12, 24))]
    assert header.responsible_executors == ["управління економіки"]
    assert header.term == "2021-2023"
