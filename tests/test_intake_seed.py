"""The seed's text export (three real reports) is read exactly: every figure, total, decision and warning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zvit.model import DecisionCitation, Report

D = Decimal
# (measure, sub_item, planned, annual, financed, percent) in hryvnias, as the reports mean them.
REPORT_1 = [
    ("1", 0, D("20000.00"), D("4000.00"), D("0.00"), D("100.00")),
    ("2", 0, D("580000.00"), D("116000.00"), D("92800.00"), D("100.00")),
    ("3", 0, D("245000.00"), D("49000.00"), D("26200.00"), D("100.00")),
    ("4", 0, D("705000.00"), D("141000.00"), D("33900.00"), D("25.00")),
    ("5", 0, D("950000.00"), D("190000.00"), D("49900.00"), D("25.00")),
]
REPORT_2 = [
    ("1", 0, D("200000.00"), D("200000.00"), D("0.00"), D("0.00")),
    ("2", 0, D("280000.00"), D("280000.00"), D("0.00"), D("0.00")),
    ("3", 0, D("480000.00"), D("480000.00"), D("249000.00"), D("51.88")),
    ("3", 1, D("100000.00"), D("100000.00"), D("0.00"), D("0.00")),
    ("3", 2, D("120000.00"), D("120000.00"), D("19800.00"), D("16.50")),
    ("4", 0, D("200000.00"), D("200000.00"), D("0.00"), D("0.00")),
    ("5", 0, D("100000.00"), D("100000.00"), D("0.00"), D("0.00")),
    ("6", 0, D("400000.00"), D("400000.00"), D("208804.00"), D("52.20")),
    ("6", 1, D("100000.00"), D("100000.00"), D("0.00"), D("0.00")),
    ("7", 0, D("100000.00"), D("100000.00"), D("35933.84"), D("35.93")),
]
REPORT_3 = [("1", 0, None, D("402700.00"), D("152290.00"), D("64.00"))]


def figures(report: Report) -> list[tuple]:
    return [(r.measure, r.sub_item, r.planned, r.annual, r.financed, r.percent) for r in report.rows]


def test_seed_holds_three_reports_with_sixteen_lines(seed_reports: list[Report]) -> None:
    assert [len(r.rows) for r in seed_reports] == [5, 10, 1]


@pytest.mark.parametrize(("index", "expected"), [(0, REPORT_1), (1, REPORT_2), (2, REPORT_3)])
def test_every_figure_is_read_in_hryvnias(seed_reports: list[Report], index: int, expected: list[tuple]) -> None:
    assert figures(seed_reports[index]) == expected


def test_total_row_is_the_reports_total_not_a_measure(seed_reports: list[Report]) -> None:
    first, second, third = seed_reports
    assert first.total is None and third.total is None
    assert second.total is not None
    assert (second.total.planned, second.total.annual, second.total.financed, second.total.percent) == (
        D("2080000.00"), D("2080000.00"), D("513537.84"), D("24.69"))
    assert second.total.location is not None and second.total.location.row == 74


def test_program_title_is_repaired_and_period_is_cumulative(seed_reports: list[Report]) -> None:
    assert {r.program for r in seed_reports} == {"Ефективна влада. Конкурентне місто"}
    assert [r.period for r in seed_reports] == ["2022-Q3"] * 3


def test_departments_are_the_executors_of_the_rows(seed_reports: list[Report]) -> None:
    assert [r.department for r in seed_reports] == [
        "Відділ організаційного забезпечення депутатської діяльності",
        "Управління по зв'язках з громадськістю",
        "управління звернень та діловодства Житомирської міської ради",
    ]


def test_decisions_are_read_in_every_form_the_reports_use(seed_reports: list[Report]) -> None:
    assert [list(r.decisions) for r in seed_reports] == [
        [DecisionCitation(number="31", date=date(2020, 12, 24)),
         DecisionCitation(number="558", date=date(2022, 9, 2))],
        [DecisionCitation(number="31", date=date(2020, 12, 24)),
         DecisionCitation(number="279", date=date(2021, 9, 23)),
         DecisionCitation(number="381", date=date(2021, 12, 24)),
         DecisionCitation(number=None, date=date(2022, 9, 2))],
        [DecisionCitation(number="1430", date=date(2020, 12, 2)),
         DecisionCitation(number="279", date=date(2022, 9, 23))],
    ]


def test_header_fields_and_signers(seed_reports: list[Report]) -> None:
    first, second, third = seed_reports
    assert first.responsible_executors == (
        "відділ організаційного забезпечення депутатської діяльності",
        "управління звернень та діловодства міської ради",
        "управління по зв'язках із громадськістю",
    )
    assert second.responsible_executors == ("управління по зв'язках з громадськістю",)
    assert [r.term for r in seed_reports] == ["2021-2025"] * 3
    assert (first.signer.position, first.signer.name) == ("Заступник начальника відділу", "Лілія СТЕПАНЮК")
    assert (second.signer.position, second.signer.name) == (
        "Начальник управління по зв'язках з громадськістю", "Віра РАЧКОВСЬКА-ДОЛГИХ")
    assert (third.signer.position, third.signer.name) == ("Начальник управління", "Віталій СКОРОХОД")


def test_warnings_are_few_and_say_what_was_repaired(seed_reports: list[Report]) -> None:
    codes = [[w.rule_code for w in r.warnings] for r in seed_reports]
    assert codes == [["INTAKE-LATIN", "TEXT-RUSSIANISM"],
                     ["INTAKE-LATIN", "INTAKE-UNIT-RESCALED", "INTAKE-UNIT-RESCALED", "TEXT-RUSSIANISM"],
                     ["INTAKE-LATIN", "INTAKE-COLUMN-MISSING"]]
    latin = seed_reports[0].warnings[0]
    assert "«Ефективна влада. Конку rentне місто»" in latin.message
    assert "«Ефективна влада. Конкурентне місто»" in latin.message
    rescaled = seed_reports[1].warnings[1:3]
    assert [w.column for w in rescaled] == [
        "Орієнтовний обсяг фінансування відповідно до програми, грн", "Річний обсяг фінансування, грн"]
    # Amounts in messages use a no-break space between thousands, as Ukrainian typography wants.
    assert all("2\u00a0080,00" in w.message and "2\u00a0080\u00a0000,00" in w.message for w in rescaled)


def test_declared_unit_contradicted_by_total_rescales_only_that_column(seed_reports: list[Report]) -> None:
    assert seed_reports[1].units == {"planned": "тис. грн", "annual": "тис. грн", "financed": "грн"}
    assert seed_reports[0].units == {"planned": "тис. грн", "annual": "тис. грн", "financed": "тис. грн"}


def test_nine_column_variant_has_no_planned_volume(seed_reports: list[Report]) -> None:
    third = seed_reports[2]
    assert third.rows[0].planned is None
    assert "planned" not in third.units


def test_notes_inside_numeric_cells_are_split_off(seed_reports: list[Report]) -> None:
    line = seed_reports[2].rows[0]
    assert line.notes == (
        "відповідно до рішення міської ради від 23.09.2022 № 279. Попередня сума 202,70",
        "Нагороджено 64 особи",
    )


def test_sub_items_inherit_the_measure_and_task_above(seed_reports: list[Report]) -> None:
    radio, internet = seed_reports[1].rows[3:5]
    assert radio.task == internet.task == "Забезпечити висвітлення суспільно-важливих подій Житомирської міської ОТГ"
    assert (radio.content, internet.content) == (
        "Інформаційні та рекламні послуг у сфері радіо", "Інформаційні та рекламні послуги у мережі Інтернет")
    assert internet.executors is None


def test_continuation_rows_are_joined_to_the_row_they_continue(seed_reports: list[Report]) -> None:
    first, second = seed_reports[0], seed_reports[1]
    assert first.rows[3].info.endswith(
        "«День єднання України».\nЗахід не виконано в повному обсязі, у зв'язку із введенням воєнного стану.")
    assert second.rows[0].content.endswith("(оплата послуг харчування, проживання, перекладу, перевезень тощо).")
    assert "у Житомирській громаді та актуальні події" in second.rows[2].info


def test_p_fragments_become_lines_of_the_measure_they_continue(seed_reports: list[Report]) -> None:
    measure_7 = seed_reports[1].rows[9]
    assert measure_7.content.split("\n") == [
        "Організаційне забезпечення проведення засідань Громадської ради;",
        "Проведення тренінгів, семінарів для представників інститутів громадянського суспільства, представників ЗМІ;",
        "Проведення заходів «День журналіста», «Молитовний сніданок»;",
        "Підтримка діяльності суб'єктів громади міста, що популяризують культуру національних та етнічних меншин;",
        "Проведення соціологічних досліджень на території громади",
    ]
    assert measure_7.info == (
        "Забезпечено виготовлення державної символіки: прапори, таблички та розповсюджено під час проведення "
        "патріотичних заходів на території Житомирської громади. Замовлено воду для протокольних зустрічей "
        "керівництва міста з офіційними делегаціями.")
    assert "<p>" not in measure_7.content


def test_every_line_points_to_its_source_row(seed_reports: list[Report]) -> None:
    assert [r.location.row for r in seed_reports[1].rows] == [56, 60, 61, 64, 65, 66, 68, 69, 70, 71]
    assert seed_reports[1].rows[0].columns["financed"] == "8"
