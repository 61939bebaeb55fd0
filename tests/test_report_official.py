"""The consolidated report as a document an official signs (issue 14): the official 10-column form, the signature,
approval and outgoing number, the annex after them, Ukrainian words and document properties, in every format."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, date
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pytest

from tests.report_fixtures import PREPARED_AT
from tests.test_report_pdf import _HYPHENS, page_text, pages, pdf_text, plain, squashed, unhyphenated
from tests.tools import require_tool
from zvit.catalogue import rules
from zvit.formatting import THOUSANDS, amount, ratio
from zvit.glossary import glossary
from zvit.quality.findings import Severity
from zvit.report import FORMATS
from zvit.report.datapackage import STATUSES
from zvit.report.html import FORM_COLUMNS
from zvit.report.model import ConsolidatedReport, Outgoing
from zvit.report.texts import column_heading, period_phrase, texts, title
from zvit.report.write import write_report

pytestmark = pytest.mark.slow  # renders the report in every format

#: every rule code of the catalogue: none may show in the body of the report
CODES = sorted(rules())
SIGNER, SIGNER_POSITION = "Ольга КОВАЛЬЧУК", "Начальник відділу організаційного забезпечення депутатської діяльності"
APPROVER = "Андрій МЕЛЬНИК"
APPROVER_POSITION = "Заступник міського голови з питань діяльності виконавчих органів ради"


def annex_heading(report: ConsolidatedReport) -> str:
    """The annex's own heading: where the main document (that the signature closes) ends."""
    return texts()["signature"]["annex_to"].format(period=period_phrase(report.period))


@pytest.fixture(scope="module")
def variant(seed_report: ConsolidatedReport) -> ConsolidatedReport:
    """The seed report with a department in every status, no signer in the registry and an outgoing number."""
    first = seed_report.statuses[0]
    statuses = tuple(replace(first, department_code=f"d-{status}", department_name=f"виконавець {number}",
                             status=str(status)) for number, status in enumerate(STATUSES, start=1))
    return replace(seed_report, statuses=statuses, signatures=replace(
        seed_report.signatures, signer=None, approver=None, outgoing=Outgoing("12/345", date(2022, 11, 2))))


@pytest.fixture(scope="module")
def variant_files(variant: ConsolidatedReport, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_report(variant, tmp_path_factory.mktemp("report-variant"), FORMATS, unit=THOUSANDS)


# --- what a format shows as text, the body (before the annex) apart ----------------------------------------------

def html_text(path: Path) -> tuple[str, str]:
    """(the body, the annex) of the HTML page as text."""
    page = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    [annex] = page.xpath("//section[@id='quality']")
    annex_text = annex.text_content()
    annex.getparent().remove(annex)
    return plain(page.xpath("//body")[0].text_content()), plain(annex_text)


def docx_text(path: Path) -> str:
    """The Word document's text in reading order: paragraphs and table cells."""
    body = docx.Document(str(path)).element.body
    return plain(" ".join("".join(element.itertext()) for element in body.iterchildren()))


def xlsx_text(path: Path, *sheets: str) -> str:
    workbook = openpyxl.load_workbook(path)
    return plain(" ".join(str(cell) for name in sheets for row in workbook[name].iter_rows(values_only=True)
                          for cell in row if cell is not None))


def split_at(text: str, marker: str) -> tuple[str, str]:
    index = text.index(marker)
    return text[:index], text[index:]


# --- no English rule codes in the body ----------------------------------------------------------------------------

def test_no_rule_code_in_the_body_of_any_format_only_a_reference_column_in_the_annex(
        rendered: dict[str, Path], seed_report: ConsolidatedReport) -> None:
    shown = {f.rule_code for f in seed_report.findings}
    assert len(shown) >= 5
    html_body, html_annex = html_text(rendered["html"])
    pdf_body, pdf_annex = split_at(squashed(pdf_text(rendered["pdf"])), squashed(annex_heading(seed_report)))
    docx_body, docx_annex = split_at(docx_text(rendered["docx"]), plain(annex_heading(seed_report)))
    sheets = texts()["sheets"]
    xlsx_body = xlsx_text(rendered["xlsx"], sheets["form"], sheets["charts"], sheets["status"])
    xlsx_annex = xlsx_text(rendered["xlsx"], sheets["quality"])
    for code in CODES:
        assert code not in html_body and code not in docx_body and code not in xlsx_body, code
        assert squashed(code) not in pdf_body, code
    for code in shown:
        assert code in html_annex and code in docx_annex and code in xlsx_annex and squashed(code) in pdf_annex
    assert not re.search(r"\b[A-Z]{3,}-[A-Z-]{3,}\b", html_body + docx_body + xlsx_body)


# --- document properties ------------------------------------------------------------------------------------------

def test_the_word_document_is_ukrainian_with_a_title_an_author_and_the_time_it_was_made(
        rendered: dict[str, Path], seed_report: ConsolidatedReport) -> None:
    document = docx.Document(str(rendered["docx"]))
    properties = document.core_properties
    assert properties.language == "uk-UA"
    assert properties.title == title(seed_report.program.title, seed_report.period)
    assert properties.author == "Житомирська міська рада"
    assert properties.created == PREPARED_AT
    assert "python-docx" not in zipfile.ZipFile(rendered["docx"]).read("docProps/core.xml").decode()
    # Word checks the spelling of every run as Ukrainian
    styles = zipfile.ZipFile(rendered["docx"]).read("word/styles.xml").decode()
    defaults = re.search(r"<w:docDefaults>.*</w:docDefaults>", styles, re.S)
    assert defaults and 'w:lang w:val="uk-UA"' in defaults.group(0)
    package = zipfile.ZipFile(rendered["docx"])
    assert [name for name in package.namelist() if b"en-US" in package.read(name)] == []
    # «Сторінка N з M» under every page
    footer = "".join(zipfile.ZipFile(rendered["docx"]).read(name).decode()
                     for name in zipfile.ZipFile(rendered["docx"]).namelist() if name.startswith("word/footer"))
    assert "Сторінка" in footer and " PAGE " in footer and " NUMPAGES " in footer and "{{" not in footer


def test_the_pdf_names_its_title_author_and_language(rendered: dict[str, Path],
                                                    seed_report: ConsolidatedReport) -> None:
    import pypdf

    reader = pypdf.PdfReader(rendered["pdf"])
    assert reader.metadata.title == title(seed_report.program.title, seed_report.period)
    assert reader.metadata.author == "Житомирська міська рада"
    assert str(reader.trailer["/Root"].get("/Lang", "")).startswith("uk")


def test_the_workbook_is_ukrainian_with_a_title_an_author_and_page_numbers_on_every_sheet(
        rendered: dict[str, Path], seed_report: ConsolidatedReport) -> None:
    workbook = openpyxl.load_workbook(rendered["xlsx"])
    properties = workbook.properties
    assert properties.language == "uk-UA" and properties.creator == "Житомирська міська рада"
    assert properties.title == title(seed_report.program.title, seed_report.period)
    assert properties.created == PREPARED_AT.astimezone(UTC).replace(tzinfo=None)
    for sheet in workbook.worksheets:
        assert sheet.oddFooter.right.text == "Сторінка &P з &N", sheet.title


# --- the glossary's words -----------------------------------------------------------------------------------------

def test_each_status_and_severity_reads_as_the_glossary_says_in_every_format(
        variant_files: dict[str, Path], variant: ConsolidatedReport) -> None:
    statuses = {glossary()["status"][str(status)] for status in STATUSES}
    severities = {glossary()["severity"][str(severity)] for severity in Severity}
    assert {f.severity for f in variant.findings} == set(Severity)
    page = lxml.html.fromstring(variant_files["html"].read_text(encoding="utf-8"))
    assert {plain(td.text_content()) for td in page.xpath("//table[@class='status-table']//td[@class='status']")} \
        == statuses
    assert {plain(row.xpath("./td")[7].text_content())
            for row in page.xpath("//table[@class='quality-table']/tbody/tr")} == severities
    document = docx.Document(str(variant_files["docx"]))
    [status_table] = [t for t in document.tables
                      if len(t.columns) > 2 and t.rows[0].cells[2].text == texts()["status"]["columns"]["responsible"]]
    assert {row.cells[8].text for row in status_table.rows[1:]} == statuses
    quality = document.tables[-1]
    assert {row.cells[7].text for row in quality.rows[1:]} == severities
    workbook = openpyxl.load_workbook(variant_files["xlsx"])
    sheets = texts()["sheets"]
    assert {row[8] for row in workbook[sheets["status"]].iter_rows(min_row=2, values_only=True)} == statuses
    assert {row[7] for row in workbook[sheets["quality"]].iter_rows(min_row=5, values_only=True)} == severities
    pdf = squashed(pdf_text(variant_files["pdf"]))
    for shown in statuses | severities:
        assert squashed(shown) in pdf, shown
    # the open data keeps the codes the glossary's keys are
    with (variant_files["datapackage"].parent / "departments.csv").open(encoding="utf-8", newline="") as stream:
        assert {row["status"] for row in csv.DictReader(stream)} == {str(status) for status in STATUSES}


# --- the official form: ten columns -------------------------------------------------------------------------------

def test_the_form_has_exactly_the_ten_columns_of_the_official_form_in_every_format(rendered: dict[str, Path]) -> None:
    headings = [column_heading(name, THOUSANDS.code) for name in FORM_COLUMNS]
    assert len(headings) == 10
    page = lxml.html.fromstring(rendered["html"].read_text(encoding="utf-8"))
    head = page.xpath("//table[contains(@class, 'form')]/thead/tr")
    assert [[plain(th.text_content()) for th in row.xpath("./th")] for row in head] == [
        [plain(h) for h in headings], [str(n) for n in range(1, 11)]]
    assert len(page.xpath("//table[contains(@class, 'form')]/colgroup/col")) == 10
    form = docx.Document(str(rendered["docx"])).tables[0]
    assert len(form.columns) == 10
    assert [cell.text for cell in form.rows[0].cells] == headings
    assert [cell.text for cell in form.rows[1].cells] == [str(n) for n in range(1, 11)]
    sheet = openpyxl.load_workbook(rendered["xlsx"]).worksheets[0]
    header = int(sheet.freeze_panes[1:]) - 2
    assert [sheet.cell(header, column).value for column in range(1, 12)] == [*headings, None]
    assert [sheet.cell(header + 1, column).value for column in range(1, 12)] == [*range(1, 11), None]
    # the PDF: the heading's words and nothing else, numbered 1 to 10, no word broken without a hyphen
    lines = page_text(pages(rendered["pdf"].read_bytes())[0]).split("\n")
    start = lines.index(texts()["sections"]["form"]) + 1
    end = next(index for index, line in enumerate(lines) if plain(line) == "1 2 3 4 5 6 7 8 9 10")
    heading = lines[start:end]
    assert any(line.rstrip(" ").endswith(_HYPHENS) for line in heading)
    words = [word for text in headings for word in plain(text).split()]
    assert sorted(" ".join(unhyphenated([plain(line) for line in heading])).split()) == sorted(words)


def test_column_nine_is_the_departments_percent_with_a_mismatch_marked_and_explained_in_the_annex(
        rendered: dict[str, Path], seed_report: ConsolidatedReport) -> None:
    marked = [line for line in seed_report.lines if line.percent_marks]
    assert marked
    for line in marked:
        for number in line.percent_marks:
            finding = seed_report.findings[number - 1]
            assert finding.rule_code == "ROW-PERCENT-MISMATCH" and finding.row == line.source_row
    page = lxml.html.fromstring(rendered["html"].read_text(encoding="utf-8"))
    cells = [plain(td.text_content()) for td in page.xpath("//tr[contains(@class, 'line')]/td[@data-field='percent']")]
    line = marked[0]
    mark = f"див. п. {', '.join(map(str, line.percent_marks))} Додатка"
    assert f"{plain(ratio(line.reported_percent))}{mark}" in cells
    annex = page.xpath("//table[@class='quality-table']/tbody/tr")
    assert annex[line.percent_marks[0] - 1].get("data-rule") == "ROW-PERCENT-MISMATCH"
    assert "розрахунков" not in page.xpath("//table[contains(@class, 'form')]")[0].text_content()
    assert squashed(mark) in squashed(pdf_text(rendered["pdf"]))
    assert plain(mark) in docx_text(rendered["docx"])
    sheet = openpyxl.load_workbook(rendered["xlsx"]).worksheets[0]
    notes = [cell.comment.text for row in sheet.iter_rows() for cell in row if cell.comment]
    assert mark in notes


def test_the_program_total_shows_what_the_rejected_report_claims_as_not_counted(
        rendered: dict[str, Path], seed_report: ConsolidatedReport) -> None:
    [section] = seed_report.uncounted_claims
    assert section.status == "rejected" and section.claimed is not None
    claimed = [amount(value, THOUSANDS) for value in (section.claimed.annual, section.claimed.financed)]
    label = texts()["rows"]["claimed"].format(department=section.department_name, status="відхилено")
    page = lxml.html.fromstring(rendered["html"].read_text(encoding="utf-8"))
    [row] = page.xpath("//tr[@class='claimed']")
    assert plain(row.text_content()).startswith(plain(label))
    assert all(value in row.text_content() for value in claimed)
    pdf = squashed(pdf_text(rendered["pdf"]))
    assert squashed(label + "".join(claimed)) in pdf
    assert plain(label) in docx_text(rendered["docx"])
    sheet = openpyxl.load_workbook(rendered["xlsx"]).worksheets[0]
    [xlsx_row] = [row for row in sheet.iter_rows(values_only=True) if row[0] == label]
    assert xlsx_row[6] == pytest.approx(float(section.claimed.annual / 1000))
    with (rendered["datapackage"].parent / "totals.csv").open(encoding="utf-8", newline="") as stream:
        [open_data] = [row for row in csv.DictReader(stream) if row["level"] == "not_counted"]
    assert open_data["department_name"] == section.department_name
    assert open_data["financed"] == format(section.claimed.financed, "f")


# --- signature, approval, outgoing number, annex after them -------------------------------------------------------

def test_the_report_is_signed_and_approved_by_the_registrys_officials_and_the_annex_follows(
        rendered: dict[str, Path], seed_report: ConsolidatedReport) -> None:
    words = texts()["signature"]
    annex_line = f"Додаток: результати перевірки якості даних (пунктів: {len(seed_report.findings)})."
    order = [annex_line, SIGNER_POSITION, SIGNER, words["date_line"], words["approved"], APPROVER_POSITION, APPROVER,
             annex_heading(seed_report)]
    body, _annex = html_text(rendered["html"])
    shown = {"html": body + " " + plain(annex_heading(seed_report)), "docx": docx_text(rendered["docx"])}
    for fmt, text in shown.items():
        places = [text.index(plain(part)) for part in order]
        assert places == sorted(places), fmt
    pdf = squashed(pdf_text(rendered["pdf"]))
    places = [pdf.index(squashed(part)) for part in order]
    assert places == sorted(places)
    assert squashed(texts()["sections"]["status"]) in pdf[:places[0]]  # the main document ends with the signature
    sheet = xlsx_text(rendered["xlsx"], texts()["sheets"]["form"])
    for part in order[:-1]:
        assert plain(part) in sheet, part
    # no outgoing number given: blank lines to fill in when the document is registered
    assert plain(f"{words['blank_date']} {words['blank_number']}") in body


def test_without_officials_in_the_registry_the_lines_stay_blank_and_a_given_outgoing_number_is_printed(
        variant_files: dict[str, Path]) -> None:
    words = texts()["signature"]
    shown = {"html": html_text(variant_files["html"])[0], "docx": docx_text(variant_files["docx"]),
             "xlsx": xlsx_text(variant_files["xlsx"], texts()["sheets"]["form"]),
             "pdf": plain(pdf_text(variant_files["pdf"]))}
    for fmt, text in shown.items():
        assert "№ 12/345" in text and "від 2 листопада 2022 р." in text, fmt
        assert words["signer_position"] in text and words["blank_name"] in text, fmt
        assert SIGNER not in text and APPROVER not in text, fmt


def test_the_word_documents_sections_are_numbered_one_two_three_and_it_has_the_charts(
        rendered: dict[str, Path]) -> None:
    document = docx.Document(str(rendered["docx"]))
    sections = [p.text for p in document.paragraphs if p.style.name == "Section"]
    assert sections == [texts()["sections"][name] for name in ("form", "charts", "status")]
    assert [s[:2] for s in sections] == ["1.", "2.", "3."]
    media = [name for name in zipfile.ZipFile(rendered["docx"]).namelist() if name.startswith("word/media/")]
    assert len(media) >= 2
    for name in media:
        assert zipfile.ZipFile(rendered["docx"]).read(name).startswith(b"\x89PNG")
    assert texts()["charts"]["by_department"].format(unit="тис.\u00a0грн") in [p.text for p in document.paragraphs]


def test_the_workbook_has_excel_charts_and_the_lines_with_kopecks_and_their_places_in_the_files(
        rendered: dict[str, Path], seed_report: ConsolidatedReport) -> None:
    names = zipfile.ZipFile(rendered["xlsx"]).namelist()
    assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml"} <= set(names)
    data = openpyxl.load_workbook(rendered["xlsx"])[texts()["sheets"]["data"]]
    rows = list(data.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(seed_report.lines) == 15
    financed = sorted(row[8] for row in rows)
    assert financed == sorted(float(line.amounts.financed) for line in seed_report.lines)
    assert 35933.84 in financed  # kopecks exact, not 35,9 тис. грн
    assert all(row[11] and row[13] for row in rows)  # the file and the row each line comes from


# --- the departments' own signers, and where each line comes from ---------------------------------------------------

def test_the_departments_own_signers_and_the_source_of_every_line_are_shown(
        rendered: dict[str, Path], seed_report: ConsolidatedReport) -> None:
    signers = [status.signed_by for status in seed_report.statuses]
    assert all(signers)
    page = lxml.html.fromstring(rendered["html"].read_text(encoding="utf-8"))
    rows = page.xpath("//table[@class='status-table']/tbody/tr")
    assert [plain(row.xpath("./td")[10].text_content()) for row in rows] == [plain(s) for s in signers]
    package = rendered["datapackage"].parent
    with (package / "departments.csv").open(encoding="utf-8", newline="") as stream:
        assert [row["signed_by"] for row in csv.DictReader(stream)] == signers
    with (package / "lines.csv").open(encoding="utf-8", newline="") as stream:
        lines = list(csv.DictReader(stream))
    assert [(row["source_row"]) for row in lines] == [str(line.source_row) for line in seed_report.lines]
    assert all(row["source_file"] for row in lines)
    with (package / "findings.csv").open(encoding="utf-8", newline="") as stream:
        assert [row["annex_number"] for row in csv.DictReader(stream)] == [
            str(n) for n in range(1, len(seed_report.findings) + 1)]


def test_the_annex_lists_a_departments_findings_in_the_order_of_its_file(seed_report: ConsolidatedReport) -> None:
    first = [f for f in seed_report.findings if f.department_code == seed_report.statuses[0].department_code
             and f.rule_code == "ROW-PERCENT-MISMATCH"]
    assert len(first) >= 2
    assert [f.row for f in first] == sorted(f.row for f in first if f.row is not None)
    measures = [f.measure for f in first]
    assert measures == sorted(measures, key=lambda m: int(m or 0))


# --- precision and words ------------------------------------------------------------------------------------------

def test_amounts_in_thousands_keep_two_decimals_rounded_as_arithmetic_rounds(rendered: dict[str, Path]) -> None:
    body, _ = html_text(rendered["html"])
    assert "716,34" in body and "35,93" in body and "716,3 " not in body
    assert "за правилами математичного округлення" in body
    assert "перераховано в гривні як" not in texts()["notes"]["thousands"]
    docx_body = docx_text(rendered["docx"])
    assert "716,34" in docx_body and "35,93" in docx_body


def test_the_chart_titles_read_as_ukrainian_sentences() -> None:
    words = texts()["charts"]
    assert words["by_department"].startswith("Річний обсяг фінансування та фактично профінансовані кошти")
    assert "і фактично профінансовано за" not in words["by_department"] + words["by_measure"]


# --- the README's pictures -----------------------------------------------------------------------------------------

def test_the_pictures_command_draws_the_first_and_the_signature_page(rendered: dict[str, Path],
                                                                     tmp_path: Path) -> None:
    require_tool("pdftoppm")
    require_tool("pdftotext")
    from bench.pictures import make_pictures, signature_page

    first, signed = make_pictures(rendered["pdf"], tmp_path)
    assert first.name == "report-first-page.png" and signed.name == "report-signature-page.png"
    for picture in (first, signed):
        assert picture.read_bytes().startswith(b"\x89PNG")
    number = signature_page(rendered["pdf"])
    assert 1 < number <= len(pages(rendered["pdf"].read_bytes()))
    assert texts()["signature"]["approved"] in page_text(pages(rendered["pdf"].read_bytes())[number - 1])


def test_a_rescaled_column_is_explained_in_plain_words() -> None:
    from decimal import Decimal

    from zvit.normalize.units import ColumnUnit, rescale_details
    from zvit.quality.findings import catalogued

    unit = ColumnUnit("annual", Decimal(1), Decimal(1000), Decimal(1), True)
    details = rescale_details(unit, Decimal("2080"), Decimal("2080000"))
    message = catalogued("INTAKE-UNIT-RESCALED", header="Річний обсяг фінансування, грн", **details).message
    assert "Тому суми рядків прочитано в тис. грн." in message
    assert "перераховано в гривні як" not in message


def test_a_measures_sub_items_never_continue_on_a_page_without_its_number_and_task(
        seed_report: ConsolidatedReport) -> None:
    from tests.test_report_pdf import enlarged
    from zvit.report.pdf import render_pdf

    document = pages(render_pdf(enlarged(seed_report, 300)))
    blocks = [measure for section in seed_report.counted_sections for measure in section.measures
              if len(measure.lines) > 1]
    assert blocks
    seen = 0
    for page in document:
        text = squashed(page_text(page))
        for measure in blocks:
            for line in measure.lines[1:]:
                if line.content and squashed(line.content) in text:
                    seen += 1
                    assert squashed(measure.task or "") in text, line.content
    assert seen >= 20  # 20 copies of each of the two measures with sub-items


def test_a_long_chart_is_cut_in_word_with_a_note_saying_where_it_is_whole(seed_report: ConsolidatedReport) -> None:
    from tests.test_report_pdf import enlarged
    from zvit.report.chart_images import MAX_PICTURES, ROWS_PER_PICTURE
    from zvit.report.docx import render_docx

    data = render_docx(enlarged(seed_report, 300))
    package = zipfile.ZipFile(io.BytesIO(data))
    media = [name for name in package.namelist() if name.startswith("word/media/")]
    assert len(media) == 1 + MAX_PICTURES  # the chart by department whole, the one by measure cut
    text = plain(" ".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs))
    shown = ROWS_PER_PICTURE * MAX_PICTURES
    assert f"Показано перші {shown} з " in text and "повністю її наведено у PDF- та HTML-версіях звіту" in text
