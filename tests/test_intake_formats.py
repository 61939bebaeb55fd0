"""The seed's reports written as Word, Excel and CSV by our generator read back to the same normalized result."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from zvit.export import report_data
from zvit.intake import read_layouts, read_reports
from zvit.model import Report
from zvit.samples.csv_writer import write_csv


def comparable(report: Report) -> dict:
    """What must not depend on the file format: everything but where in the file a value stood."""
    data = report_data(report)
    for key in ("source", "format", "report"):
        data.pop(key)
    data["rows"] = [{k: v for k, v in row.items() if k != "source_row"} for row in data["rows"]]
    # A rescale warning quotes the column header, which Excel's two-level header words differently.
    data["warnings"] = [w if w.startswith("INTAKE-LATIN") else w.split(":")[0] for w in data["warnings"]]
    return data


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
@pytest.mark.parametrize("index", [0, 1, 2])
def test_each_format_reads_to_the_same_report_as_the_text_export(
        seed_reports: list[Report], seed_fixtures: dict[str, list[Path]], fmt: str, index: int) -> None:
    (report,) = read_reports(seed_fixtures[fmt][index])
    assert report.format == fmt
    assert comparable(report) == comparable(seed_reports[index])


def test_generated_word_file_has_merged_cells_a_page_split_and_multi_paragraph_cells(
        seed_fixtures: dict[str, list[Path]]) -> None:
    document = docx.Document(str(seed_fixtures["docx"][1]))
    xml = document.element.xml
    # Measure 6's number and task merged down over its sub-item; the total's label across five columns.
    assert xml.count('<w:vMerge w:val="restart"/>') == 2 and xml.count("<w:vMerge/>") == 2
    assert '<w:gridSpan w:val="5"/>' in xml
    assert [p.text for p in document.paragraphs].count("Додаток") == 3
    report_tables = [t for t in document.tables if len(t.columns) == 10]
    assert len(report_tables) == 4
    assert all(t.rows[0].cells[0].text == "1" for t in report_tables[1:])  # numbering row repeated
    assert any(len(cell.paragraphs) == 4 for t in report_tables for row in t.rows for cell in row.cells)


def test_word_merged_cells_are_counted_once(seed_fixtures: dict[str, list[Path]]) -> None:
    (layout,) = read_layouts(seed_fixtures["docx"][1])
    total = next(row for row in layout.rows if row.kind == "total")
    assert total.cells["measure"] == "Всього:" and total.cells["task"] == "" and total.cells["executors"] == ""
    sub_items = [row for row in layout.rows if row.kind == "sub_item"]
    assert len(sub_items) == 3
    assert [(row.cells["measure"], row.cells["task"]) for row in sub_items] == [("", "")] * 3


def test_generated_excel_file_keeps_percent_as_fraction_and_a_merged_two_level_header(
        seed_fixtures: dict[str, list[Path]]) -> None:
    sheet = openpyxl.load_workbook(seed_fixtures["xlsx"][1]).active
    values = {(c.row, c.column): c for row in sheet.iter_rows() for c in row}
    header_row = next(r for (r, col), c in values.items() if col == 1 and c.value == "№ з/п")
    assert f"F{header_row}:H{header_row}" in {str(r) for r in sheet.merged_cells.ranges}
    percent = next(c for c in sheet["I"] if c.value == pytest.approx(0.5188))
    assert "%" in percent.number_format
    total_row = next(r for (r, col), c in values.items() if col == 1 and c.value == "Всього:")
    assert values[(total_row, 7)].value == 2080 * 1000
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in values.values())


def test_generated_csv_is_windows_1251_with_semicolons(seed_fixtures: dict[str, list[Path]]) -> None:
    data = seed_fixtures["csv"][1].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "Пріоритетні завдання;Зміст заходів".encode("cp1251") in data


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", "\t"), ("utf-16", ";")])
def test_csv_encoding_and_delimiter_are_detected(seed_path: Path, seed_reports: list[Report], tmp_path: Path,
                                                 encoding: str, delimiter: str) -> None:
    layout = read_layouts(seed_path)[1]
    path = write_csv(layout, tmp_path / "report.csv", encoding=encoding, delimiter=delimiter)
    (report,) = read_reports(path)
    assert comparable(report) == comparable(seed_reports[1])


def _add_cached_value(path: Path, cell: str, value: str) -> None:
    """Give a formula cell the saved value Excel would have written (openpyxl writes none)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    start = xml.index(f'<c r="{cell}"')
    end = xml.index("</c>", start)
    parts[sheet] = (xml[:start] + xml[start:end].replace("<v></v>", f"<v>{value}</v>") + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _workbook_with_formula_total(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Звіт про результати виконання програми «Тестова програма» за I квартал 2023 року"])
    sheet.append(["№ з/п", "Пріоритетні завдання", "Зміст заходів", "Термін виконання", "Виконавці",
                  "Річний обсяг фінансування, тис. грн", "Фактично профінансовано, тис. грн",
                  "Відсоток виконання, %", "Інформація про виконання"])
    sheet.append([1, "Завдання", "Захід", "2023", "Відділ освіти", 100, 40, 0.4, "Виконується"])
    sheet.append([2, "Завдання", "Захід 2", "2023", "Відділ освіти", 50, "=F4*0.2", 0.2, "Виконується"])
    sheet["H3"].number_format = sheet["H4"].number_format = "0%"
    workbook.save(path)
    return path


def test_excel_formula_without_saved_value_is_reported_not_read_as_zero(tmp_path: Path) -> None:
    path = _workbook_with_formula_total(tmp_path / "formula.xlsx")
    with pytest.raises(Exception) as error:
        read_reports(path)
    assert error.type.__name__ == "IntakeError"
    assert error.value.code == "INTAKE-FORMULA"
    assert (error.value.column, error.value.row) == ("G", "рядок 4 аркуша «Sheet»")


def test_excel_formula_is_never_evaluated_its_saved_value_is_read(tmp_path: Path) -> None:
    path = _workbook_with_formula_total(tmp_path / "formula.xlsx")
    _add_cached_value(path, "G4", "7")  # not 50 * 0.2: the saved value wins, whatever the formula says
    (report,) = read_reports(path)
    assert [(r.annual, r.financed, r.percent) for r in report.rows] == [
        (100000, 40000, 40), (50000, 7000, 20)]
    assert report.period == "2023-Q1" and report.program == "Тестова програма"
