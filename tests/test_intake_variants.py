"""Reports written differently from the seed, as other offices write them, read to the same model."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import docx

from zvit.intake import read_reports
from zvit.model import DecisionCitation

D = Decimal

EDUCATION_CSV = """\
"Звіт про виконання Програми розвитку освіти на 2022-2024 роки за січень-вересень 2022 року"
"Рішення міської ради від 24 грудня 2020 року № 31, зі змінами від 02.09.2022 № 558"
№ п/п,Найменування заходу,Строк виконання,Відповідальні виконавці,"Обсяг фінансування на 2022 рік, тис. грн",\
"Касові видатки, тис. грн","Рівень виконання, %",Стан виконання
1.,Ремонт шкіл,2022,Управління освіти,"1 200,5","600,25","50,0",Виконується
1.1,Ремонт покрівлі,2022,Управління освіти,"200,0","100,0",50%,
2.,Закупівля техніки,2022,Управління освіти,300 грн,0,0,"Не виконано, тендер у жовтні"
Разом,,,,"1 700,5","700,25",41,
Начальник управління освіти ________ Ірина КОВАЛЬ
"""


def test_comma_csv_with_other_header_words_and_numbered_sub_items(tmp_path: Path) -> None:
    path = tmp_path / "osvita.csv"
    path.write_text(EDUCATION_CSV, encoding="utf-8")
    (report,) = read_reports(path)
    assert (report.program, report.period) == ("розвитку освіти на 2022-2024 роки за січень-вересень 2022 року",
                                               "2022-Q3")
    assert report.decisions == (DecisionCitation(number="31", date=date(2020, 12, 24)),
                                DecisionCitation(number="558", date=date(2022, 9, 2)))
    assert [(r.measure, r.sub_item, r.content, r.annual, r.financed, r.percent) for r in report.rows] == [
        ("1", 0, "Ремонт шкіл", D("1200500.00"), D("600250.00"), D("50.00")),
        ("1", 1, "Ремонт покрівлі", D("200000.00"), D("100000.00"), D("50.00")),
        ("2", 0, "Закупівля техніки", D("300000.00"), D("0.00"), D("0.00")),
    ]
    assert report.rows[2].notes == ()  # «300 грн» only repeats a unit
    assert (report.total.annual, report.total.financed, report.total.percent) == (
        D("1700500.00"), D("700250.00"), D("41.00"))
    assert report.department == "Управління освіти"
    assert (report.signer.position, report.signer.name) == ("Начальник управління освіти", "Ірина КОВАЛЬ")
    # the table has no «Орієнтовний обсяг» column: read all the same, and the department is told
    (missing,) = report.warnings
    assert (missing.rule_code, missing.severity) == ("INTAKE-COLUMN-MISSING", "warning")
    assert "немає графи «Орієнтовний обсяг фінансування» (графа 6 за формою)" in missing.message


def _word_report_with_two_level_header(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("ЗВІТ")
    document.add_paragraph("про виконання міської цільової програми «Безпечне місто» за І півріччя 2023 року")
    document.add_paragraph("Програму затверджено рішенням міської ради від 15.02.2023 № 120")
    table = document.add_table(rows=3, cols=8)
    upper = ["№ п/п", "Зміст заходу", "Виконавці", "Обсяг фінансування (тис. грн)", "", "",
             "Відсоток виконання", "Інформація про виконання"]
    lower = ["", "", "", "Орієнтовний обсяг (програма)", "Річний", "Фактично профінансовано", "", ""]
    for position, (top, bottom) in enumerate(zip(upper, lower)):
        table.cell(0, position).text = top
        table.cell(1, position).text = bottom
    for position in (0, 1, 2, 6, 7):
        table.cell(0, position).merge(table.cell(1, position))
    table.cell(0, 3).merge(table.cell(0, 5))
    for position in range(8):
        table.cell(2, position).text = str(position + 1)
    rows = [
        ["1", "Встановлення камер відеоспостереження", "Управління муніципальної безпеки", "1 500,0", "500,0",
         "249,9", "49,98 %", "Встановлено 12 камер"],
        ["", "Обслуговування камер", "", "300,0", "100,0", "50,0", "50 %", ""],
    ]
    for values in rows:
        cells = table.add_row().cells
        for position, value in enumerate(values):
            if value:
                cells[position].text = value
    table.cell(3, 0).merge(table.cell(4, 0))
    total = table.add_row().cells
    total[0].merge(total[2]).text = "Всього"
    for position, value in zip((3, 4, 5), ("1 800,0", "600,0", "299,9")):
        total[position].text = value
    document.save(str(path))
    return path


def test_word_report_with_merged_two_level_header_and_merged_number_cell(tmp_path: Path) -> None:
    (report,) = read_reports(_word_report_with_two_level_header(tmp_path / "bezpeka.docx"))
    assert (report.program, report.period) == ("Безпечне місто", "2023-Q2")
    assert report.decisions == (DecisionCitation(number="120", date=date(2023, 2, 15)),)
    assert [(r.measure, r.sub_item, r.planned, r.annual, r.financed, r.percent, r.info) for r in report.rows] == [
        ("1", 0, D("1500000.00"), D("500000.00"), D("249900.00"), D("49.98"), "Встановлено 12 камер"),
        ("1", 1, D("300000.00"), D("100000.00"), D("50000.00"), D("50.00"), None),
    ]
    assert (report.total.planned, report.total.annual, report.total.financed) == (
        D("1800000.00"), D("600000.00"), D("299900.00"))
    assert report.units == {"planned": "тис. грн", "annual": "тис. грн", "financed": "тис. грн"}
    assert report.warnings == ()
