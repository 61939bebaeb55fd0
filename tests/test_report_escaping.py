"""Values from submissions are shown as text everywhere: no markup in HTML/PDF, no formulas in XLSX/CSV."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pytest

from tests.report_fixtures import AT_SUM, DASHES, HYPERLINK, IMG, PHONE, SCRIPT
from tests.test_report_pdf import pdf_text, squashed
from zvit.report.safety import csv_text, looks_like_formula


def test_markup_in_a_cell_is_text_in_the_html(hostile_files: dict[str, Path]) -> None:
    source = hostile_files["html"].read_text(encoding="utf-8")
    page = lxml.html.fromstring(source)
    assert not page.xpath("//script") and not page.xpath("//img")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in source
    [first] = page.xpath("//tr[contains(@class, 'line')][1]/td[@class='text'][1]")
    assert first.text == SCRIPT  # then the reference to the annex's finding about it
    annex = page.xpath("//table[@class='quality-table']//tr[@data-rule='ROW-TEXT']/td")
    assert [cell.text_content() for cell in annex[4:7]] == [IMG, "a & b", f"Текст {SCRIPT} у клітинці."]


def test_markup_in_a_cell_is_text_in_the_pdf(hostile_files: dict[str, Path]) -> None:
    # compared without spaces and hyphens: a narrow cell breaks lines inside words and at slashes
    text = squashed(pdf_text(hostile_files["pdf"]))
    for typed in (SCRIPT, IMG, HYPERLINK, PHONE, AT_SUM, DASHES):
        assert squashed(typed) in text, typed


def test_formula_like_text_stays_text_in_the_xlsx(hostile_files: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(hostile_files["xlsx"]).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    for text in (HYPERLINK, PHONE, AT_SUM, DASHES):
        cell = cells[text]
        assert cell.data_type == "s", text
        assert cell.quotePrefix, text
    # the only formulas are the workbook's own totals and ratios
    formulas = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas and all(cell.column_letter in "FGHI" for cell in formulas)
    assert all(not str(cell.value).startswith("=HYPERLINK") for cell in formulas)


def test_formula_like_text_gets_an_apostrophe_in_the_csv(hostile_files: dict[str, Path]) -> None:
    with (hostile_files["datapackage"].parent / "lines.csv").open(encoding="utf-8", newline="") as stream:
        lines = list(csv.DictReader(stream))
    assert lines[0]["content"] == SCRIPT  # markup is harmless in CSV and kept as sent
    assert lines[1]["task"] == "'" + HYPERLINK
    assert lines[2]["info"] == "'" + PHONE
    assert lines[3]["executors"] == "'" + AT_SUM
    assert lines[4]["content"] == "'" + DASHES


def test_the_hostile_package_still_validates(hostile_files: dict[str, Path]) -> None:
    from frictionless import validate

    assert validate(str(hostile_files["datapackage"])).valid


def test_control_characters_from_word_exports_do_not_break_the_docx(hostile_files: dict[str, Path]) -> None:
    document = docx.Document(str(hostile_files["docx"]))
    cells = [cell for row in document.tables[0].rows for cell in row.cells]
    # the first line of the cell: then the reference to the annex's finding about it
    assert any(cell.text.split("\n")[0] == SCRIPT for cell in cells)
    assert any(cell.text == HYPERLINK for cell in cells)
    # a vertical tab is a line break in Word; other control characters cannot be in XML and become spaces
    assert any(cell.text == "табуляція\nновий рядок кінець" for cell in cells)


def test_every_line_break_in_a_cell_is_a_word_line_break_issue_15(hostile_files: dict[str, Path]) -> None:
    # zvit resolves line breaks only in the paragraphs that have any (docx.py): none may stay a raw newline,
    # which Word would show as a space
    with zipfile.ZipFile(hostile_files["docx"]) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    texts = re.findall(r"<w:t(?: [^/>]*)?>([^<]*)</w:t>", xml)
    assert "табуляція" in texts and "новий рядок кінець" in texts
    assert not [text for text in texts if "\n" in text or "\t" in text]
    assert xml.count("<w:br/>") >= DASHES.count("\n") + 1


@pytest.mark.parametrize(("text", "formula"), [
    ("=1+1", True), ("+38", True), ("-5", True), ("@A1", True), ("\tx", True), ("\rx", True),
    ("1=1", False), (" =1", False), ("", False), (None, False), ("Відділ", False),
])
def test_what_counts_as_formula_like(text: str | None, formula: bool) -> None:
    assert looks_like_formula(text) is formula
    assert csv_text(text) == ("'" + text if formula else (text or ""))  # type: ignore[operator]
