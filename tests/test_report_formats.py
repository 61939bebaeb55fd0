"""Every format of the consolidated report, read back from the written files and compared with the warehouse."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import lxml.html
import openpyxl
import pypdf
import pytest
from sqlalchemy.engine import Engine

from tests.report_fixtures import PERIOD, PROGRAM
from tests.test_report_pdf import A4_LANDSCAPE, embedded, page_size, page_text, pdf_text, squashed
from zvit.normalize.numbers import parse_number
from zvit.registry import Registry
from zvit.report import FORMATS
from zvit.formatting import UNITS, Unit, round_half_up
from zvit.report.texts import status_label, texts
from zvit.warehouse import view_rows

Triple = tuple[Decimal | None, Decimal | None, Decimal | None]
REJECTED = "управління звернень та діловодства"


def collapse(text: str) -> str:
    """Text with every run of whitespace (no-break spaces too) as one space."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def shown_number(text: str) -> Decimal | None:
    amount = parse_number(text)
    return None if amount is None else amount.value


@dataclass
class Shown:
    """What a reader of one file sees: the form's figures, the statuses and all the text."""

    lines: list[Triple]
    subtotals: list[Triple]
    total: Triple
    ratio: Decimal | None
    text: str
    #: department name -> status as written; None where the format does not tie them together (PDF text)
    statuses: dict[str, str] | None = None
    #: True when amounts are stored unrounded (spreadsheet cells, CSV)
    exact: bool = False
    line_texts: list[str] = field(default_factory=list)
    #: how `text` was made from what the file holds, applied to a phrase looked for in it
    normalize: Callable[[str], str] = collapse

    def has(self, phrase: str) -> bool:
        """Whether the file shows `phrase`."""
        return self.normalize(phrase) in self.text


@dataclass(frozen=True)
class Expected:
    """The warehouse's figures for the seed quarter."""

    lines: list[Triple]
    subtotals: list[Triple]
    total: Triple
    ratio: Decimal
    reasons: list[str]
    contents: list[str]
    #: how the two counted departments' statuses read («прийнято» or «прийнято з попередженнями»)
    counted_labels: list[str]


@pytest.fixture(scope="session")
def expected(seed_quarter_engine: Engine, registry: Registry) -> Expected:
    order = [department.code for department in registry.departments]
    lines = sorted(view_rows(seed_quarter_engine, "v_report_lines", program_code=PROGRAM, period_code=PERIOD),
                   key=lambda row: (order.index(row["department_code"]), row["line_no"]))
    departments = sorted(view_rows(seed_quarter_engine, "v_department_totals", program_code=PROGRAM,
                                   period_code=PERIOD), key=lambda row: order.index(row["department_code"]))
    [total] = view_rows(seed_quarter_engine, "v_program_totals", program_code=PROGRAM, period_code=PERIOD)
    statuses = sorted(view_rows(seed_quarter_engine, "v_department_status", program_code=PROGRAM,
                                period_code=PERIOD), key=lambda row: order.index(row["department_code"]))
    [rejected] = [row for row in statuses if row["status"] == "rejected"]
    with seed_quarter_engine.connect() as connection:
        reasons = [row.message for row in connection.exec_driver_sql(
            "SELECT message FROM check_result WHERE submission_id = ? AND severity = 'critical' ORDER BY id",
            (rejected["submission_id"],))]

    def triple(row: dict[str, Any]) -> Triple:
        return row["planned"], row["annual"], row["financed"]

    return Expected(lines=[triple(row) for row in lines], subtotals=[triple(row) for row in departments],
                    total=triple(total), ratio=total["computed_percent"], reasons=reasons,
                    contents=[row["content"] for row in lines],
                    counted_labels=[status_label(row["status"]) for row in statuses[:2]])


# --- readers, one per format -------------------------------------------------------------------------------------

def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def read_html(path: Path, unit: Unit) -> Shown:
    page = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    form = page.xpath(f"//table[{_has_class('form')}]")[0]

    def amounts(row: Any) -> Triple:
        cells = {cell.get("data-field"): cell for cell in row.xpath("./td[@data-field]")}
        return tuple(shown_number(cells[name].text_content()) for name in ("planned", "annual", "financed"))

    lines = form.xpath(f".//tr[{_has_class('line')}]")
    [total] = form.xpath(f".//tr[{_has_class('total')}]")
    ratio_cell = total.xpath("./td[@data-field='percent']")[0]
    statuses = {}
    for row in page.xpath(f"//table[{_has_class('status-table')}]/tbody/tr"):
        cells = row.xpath("./td")
        statuses[collapse(cells[1].text_content())] = collapse(cells[8].text_content())
    return Shown(lines=[amounts(row) for row in lines],
                 subtotals=[amounts(row) for row in form.xpath(f".//tr[{_has_class('subtotal')}]")],
                 total=amounts(total), ratio=shown_number(ratio_cell.text_content()),
                 text=collapse(page.text_content()), statuses=statuses,
                 line_texts=[collapse(row.xpath(f"./td[{_has_class('text')}]")[0].text_content()) for row in lines])


def read_docx(path: Path, unit: Unit) -> Shown:
    document = docx.Document(str(path))
    form = document.tables[0]
    [status_table] = [table for table in document.tables
                      if len(table.columns) > 2 and table.rows[0].cells[2].text == texts()["status"]["columns"]["responsible"]]
    rows = texts()["rows"]
    lines, subtotals, total, ratio, contents = [], [], None, None, []
    for row in form.rows[2:]:
        cells = [cell.text for cell in row.cells]
        amounts = tuple(shown_number(text) for text in cells[5:8])
        if len(set(cells)) == 1:  # a department's heading spans the row
            continue
        if cells[0] == rows["subtotal"]:
            subtotals.append(amounts)
        elif cells[0] == rows["total"]:
            total, ratio = amounts, shown_number(cells[8])
            break  # under it: the reports not counted, with what they claim
        else:
            lines.append(amounts)
            contents.append(collapse(cells[2]))
    statuses = {collapse(row.cells[1].text): row.cells[8].text for row in status_table.rows[1:]}
    everything = [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return Shown(lines=lines, subtotals=subtotals, total=total, ratio=ratio, text=collapse(" ".join(everything)),
                 statuses=statuses, line_texts=contents)


def read_xlsx(path: Path, unit: Unit) -> Shown:
    workbook = openpyxl.load_workbook(path, data_only=True)  # cached values, as a reader without Excel sees them
    sheets = texts()["sheets"]
    form, status_sheet = workbook[sheets["form"]], workbook[sheets["status"]]
    rows = texts()["rows"]

    def amounts(row: tuple[Any, ...]) -> Triple:
        return tuple(None if v is None else Decimal(repr(v)) * unit.divisor for v in row[5:8])

    lines, subtotals, total, ratio, contents = [], [], None, None, []
    for row in form.iter_rows(min_row=int(form.freeze_panes[1:]), values_only=True):
        if row[0] == rows["subtotal"]:
            subtotals.append(amounts(row))
        elif row[0] == rows["total"]:
            total, ratio = amounts(row), Decimal(repr(row[8])) * 100
            break  # under it: the reports not counted, with what they claim
        elif isinstance(row[6], (int, float)):
            lines.append(amounts(row))
            contents.append(collapse(row[2]))
    statuses = {collapse(row[1]): row[8] for row in status_sheet.iter_rows(min_row=2, values_only=True)}
    everything = [str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                  for cell in row if cell is not None]
    return Shown(lines=lines, subtotals=subtotals, total=total, ratio=ratio, text=collapse(" ".join(everything)),
                 statuses=statuses, exact=True, line_texts=contents)


_AMOUNT = r"\d{1,3}(?: \d{3})*,\d{1,2}"
_ROW = re.compile(rf"({_AMOUNT})\s+({_AMOUNT})\s+({_AMOUNT})(?:\s+(\d+,\d\d %))?")


def read_pdf(path: Path, unit: Unit) -> Shown:
    # pypdf's layout mode keeps a table row on one line (its amounts side by side); the text is compared without
    # spaces and hyphens, as a PDF breaks lines inside words
    lines, subtotals, total, ratio = [], [], None, None
    layout = "\n".join(page.extract_text(extraction_mode="layout") for page in pypdf.PdfReader(path).pages)
    for line in layout.replace("\u00a0", " ").splitlines():
        match = _ROW.search(line)
        if not match:
            continue
        amounts = tuple(shown_number(match[n]) for n in (1, 2, 3))
        if texts()["rows"]["subtotal"] in line:
            subtotals.append(amounts)
        elif texts()["rows"]["total"] in line:
            total, ratio = amounts, shown_number(match[4])
            break  # under it: the reports not counted, with what they claim
        else:
            lines.append(amounts)
    return Shown(lines=lines, subtotals=subtotals, total=total, ratio=ratio, text=squashed(pdf_text(path)),
                 normalize=squashed)


def read_datapackage(path: Path, unit: Unit) -> Shown:
    def table(name: str) -> list[dict[str, str]]:
        with (path.parent / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
            return list(csv.DictReader(stream))

    def amounts(row: dict[str, str]) -> Triple:
        return tuple(Decimal(row[name]) if row[name] else None for name in ("planned", "annual", "financed"))

    totals = table("totals")
    [program] = [row for row in totals if row["level"] == "program"]
    departments = table("departments")
    everything = [value for name in ("lines", "totals", "departments", "findings") for row in table(name)
                  for value in row.values()]
    lines = table("lines")
    return Shown(lines=[amounts(row) for row in lines],
                 subtotals=[amounts(row) for row in totals if row["level"] == "department"],
                 total=amounts(program), ratio=Decimal(program["computed_percent"]),
                 text=collapse(" ".join(everything)),
                 statuses={row["department_name"]: status_label(row["status"]) for row in departments},
                 exact=True, line_texts=[collapse(row["content"]) for row in lines])


READERS: dict[str, Callable[[Path, Unit], Shown]] = {
    "html": read_html, "docx": read_docx, "xlsx": read_xlsx, "pdf": read_pdf, "datapackage": read_datapackage}


def as_shown(values: Triple, unit: Unit, exact: bool) -> Triple:
    """What a format shows for amounts in hryvnias: rounded half up in `unit`, or exact where it keeps numbers."""
    if exact:
        return values
    return tuple(None if v is None else round_half_up(unit.scale(v), unit.places) * unit.divisor for v in values)


def scaled_back(shown: Shown, unit: Unit) -> Shown:
    """The shown amounts in hryvnias (text formats show them in `unit`)."""
    if shown.exact:
        return shown

    def back(values: Triple | None) -> Triple | None:
        return None if values is None else tuple(None if v is None else v * unit.divisor for v in values)

    shown.lines = [back(t) for t in shown.lines]
    shown.subtotals = [back(t) for t in shown.subtotals]
    shown.total = back(shown.total)
    return shown


# --- the acceptance test: every format, both units ----------------------------------------------------------------

@pytest.mark.parametrize("unit_code", ["grn", "thousands"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_the_accepted_lines_the_program_total_and_the_rejected_report(
        fmt: str, unit_code: str, request: pytest.FixtureRequest, expected: Expected) -> None:
    files = request.getfixturevalue("rendered_grn" if unit_code == "grn" else "rendered")
    unit = UNITS[unit_code]
    shown = scaled_back(READERS[fmt](files[fmt], unit), unit)
    assert len(shown.lines) == 15
    assert shown.lines == [as_shown(t, unit, shown.exact) for t in expected.lines]
    assert shown.subtotals == [as_shown(t, unit, shown.exact) for t in expected.subtotals]
    assert shown.total == as_shown(expected.total, unit, shown.exact)
    assert round_half_up(shown.ratio, 2) == expected.ratio == Decimal("27.77")
    if unit_code == "grn" or shown.exact:
        assert shown.total == (Decimal("4580000.00"), Decimal("2580000.00"), Decimal("716337.84"))
    assert shown.has(REJECTED)
    for reason in expected.reasons:
        assert shown.has(reason)
    if shown.statuses is None:  # the PDF's text: the status is there as a word
        assert shown.has(status_label("rejected"))
    else:
        assert shown.statuses[REJECTED] == "відхилено"
        assert [shown.statuses[name] for name in list(shown.statuses)[:2]] == expected.counted_labels
    if shown.line_texts:
        assert shown.line_texts == [collapse(text) for text in expected.contents]


def test_documents_show_ukrainian_numbers_with_no_break_spaces(rendered_grn: dict[str, Path],
                                                                rendered: dict[str, Path]) -> None:
    grn = rendered_grn["html"].read_text(encoding="utf-8")
    assert "4\u00a0580\u00a0000,00" in grn and "716\u00a0337,84" in grn and "27,77\u00a0%" in grn
    thousands = rendered["html"].read_text(encoding="utf-8")
    assert "4\u00a0580,00" in thousands and ">716,34<" in thousands and "4\u00a0580\u00a0000,00" not in thousands
    assert "тис.\u00a0грн" in thousands and "тис. грн" not in collapse(lxml.html.fromstring(grn).xpath(
        "//table[contains(@class, 'form')]/thead")[0].text_content())


# --- HTML --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def html_page(rendered: dict[str, Path]) -> Any:
    return lxml.html.fromstring(rendered["html"].read_text(encoding="utf-8"))


def test_html_title_names_the_program_and_the_period_and_the_passport_its_decisions(html_page: Any) -> None:
    assert collapse(html_page.xpath("//h1")[0].text_content()) == (
        "Зведений звіт про результати виконання міської цільової програми «Ефективна влада. Конкурентне місто» "
        "за 9 місяців 2022 року")
    passport = [collapse(node.text_content()) for node in html_page.xpath("//dl[@class='passport']/*")]
    assert passport[1] == "від 24 грудня 2020 р. № 31"
    assert passport[3] == "від 23 вересня 2021 р. № 279; від 24 грудня 2021 р. № 381; від 2 вересня 2022 р. № 558"
    assert passport[5].split("; ") == ["відділ організаційного забезпечення депутатської діяльності",
                                       "управління по зв'язках з громадськістю", REJECTED]
    assert passport[7] == "2021–2025 роки"
    assert passport[9].startswith("з 1 січня 2022 р. по 30 вересня 2022 р.")


def test_html_form_has_the_ten_numbered_columns_and_sub_items_under_their_measure(html_page: Any) -> None:
    numbering = html_page.xpath("//tr[@class='numbering']/th")
    assert [collapse(th.text_content()) for th in numbering] == [str(n) for n in range(1, 11)]
    measure_three = html_page.xpath("//tr[contains(@class, 'line')][@data-department='upravlinnia-zviazkiv']"
                                    "[@data-measure='3']")
    assert [row.get("data-sub-item") for row in measure_three] == ["0", "1", "2"]
    assert measure_three[0].xpath("./td[@class='measure']")[0].get("rowspan") == "3"
    assert not measure_three[1].xpath("./td[@class='measure']")
    heading = html_page.xpath("//tr[contains(@class, 'not-counted')]")[0]
    assert collapse(heading.text_content()) == f"3. {REJECTED} — дані не враховано: відхилено"


def test_html_status_section_shows_files_versions_times_and_lateness(html_page: Any, expected: Expected) -> None:
    rows = html_page.xpath("//table[@class='status-table']/tbody/tr")
    cells = [[collapse(td.text_content()) for td in row.xpath("./td")] for row in rows]
    assert [row[5] for row in cells] == ["7 жовтня 2022 р., 09:30", "12 жовтня 2022 р., 14:05",
                                         "10 жовтня 2022 р., 16:45"]
    assert [row[7] for row in cells] == ["вчасно", "із запізненням", "вчасно"]
    assert [(row[3], row[4], row[9]) for row in cells] == [
        ("zhytomyr-efficient-government-2022-9m.txt", "1", "5"),
        ("zhytomyr-efficient-government-2022-9m.txt", "1", "10"),
        ("zhytomyr-efficient-government-2022-9m.txt", "1", "0")]
    assert [row[8] for row in cells] == [*expected.counted_labels, "відхилено"]
    assert [row.get("data-status") for row in rows][2] == "rejected"
    assert len(rows[2].xpath(".//ul[@class='reasons']/li")) == 2


def test_html_quality_annex_lists_every_finding_with_its_place(html_page: Any, seed_quarter_engine: Engine,
                                                               seed_report: Any) -> None:
    rows = html_page.xpath("//table[@class='quality-table']/tbody/tr")
    with seed_quarter_engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT count(*) FROM check_result").scalar()
        [(value, expected, message)] = connection.exec_driver_sql(
            "SELECT value, expected, message FROM check_result WHERE rule_code = 'ROW-PERCENT-MISMATCH' AND row = 102")
    assert len(rows) == stored
    [mismatch] = [row for row in rows if row.get("data-rule") == "ROW-PERCENT-MISMATCH"
                  and row.get("data-department") == "upravlinnia-zvernen"]
    # the place in the words every letter uses (Finding.where)
    [where] = {f.where for f in seed_report.findings if f.rule_code == "ROW-PERCENT-MISMATCH" and f.row == 102}
    assert [collapse(td.text_content()) for td in mismatch.xpath("./td")][1:] == [
        REJECTED, "1", collapse(where), value, expected, collapse(message), "зауваження",
        "ROW-PERCENT-MISMATCH"]
    # the glossary's words (templates/glossary.yaml)
    severities = {row.get("data-severity"): collapse(row.xpath("./td")[7].text_content()) for row in rows}
    assert severities == {"critical": "критична помилка", "warning": "зауваження", "notice": "довідка"}


def test_html_charts_draw_bars_in_proportion_as_boxes_that_continue_over_pages(html_page: Any) -> None:
    charts = html_page.xpath("//figure[contains(@class, 'chart')]")
    assert [chart.get("id") for chart in charts] == ["chart-departments", "chart-measures"]
    assert not html_page.xpath("//svg | //img")  # no image: a chart of thousands of measures must paginate
    bars = charts[0].xpath(".//tr[@class='item']//span[contains(@class, 'bar ')]")
    widths = [float(re.fullmatch(r"width:([\d.]+)%", bar.get("style"))[1]) for bar in bars]
    assert len(bars) == 4  # two departments x (annual, financed)
    assert [bar.get("class") for bar in bars[:2]] == ["bar bar-annual", "bar bar-financed"]
    # 500 000 vs 202 800 and 2 080 000 vs 513 537,84, drawn on one scale
    assert widths[1] / widths[0] == pytest.approx(202800 / 500000, rel=1e-3)
    assert widths[2] / widths[0] == pytest.approx(2080000 / 500000, rel=1e-3)
    values = [collapse(text.text_content()) for text in charts[0].xpath(".//span[@class='value']")]
    assert values == ["500,00", "202,80", "2 080,00", "513,54"]
    assert len(charts[1].xpath(".//tr[@class='item']")) == 12  # 5 + 7 measures, sub-items added to theirs
    assert len(charts[1].xpath(".//tr[@class='heading']")) == 2
    # the legend and the scale are the table's header, repeated on every page the chart takes
    assert charts[1].xpath(".//thead/tr[@class='axis']//span[@class='tick']")


def test_html_is_self_contained_with_no_scripts_and_no_network(rendered: dict[str, Path], html_page: Any) -> None:
    assert not html_page.xpath("//script")
    assert not html_page.xpath("//*[@src] | //link | //*[@href]")
    csp = html_page.xpath("//meta[@http-equiv='Content-Security-Policy']")[0].get("content")
    assert "default-src 'none'" in csp
    assert "@page" in rendered["html"].read_text(encoding="utf-8") and "A4 landscape" in rendered[
        "html"].read_text(encoding="utf-8")


# --- XLSX --------------------------------------------------------------------------------------------------------

def test_xlsx_keeps_numbers_as_numbers_and_totals_as_formulas_with_cached_values(rendered: dict[str, Path]) -> None:
    formulas = openpyxl.load_workbook(rendered["xlsx"]).worksheets[0]
    values = openpyxl.load_workbook(rendered["xlsx"], data_only=True).worksheets[0]
    total_row = next(row[0].row for row in formulas.iter_rows() if row[0].value == texts()["rows"]["total"])
    assert formulas[f"F{total_row}"].value.startswith("=SUM(")
    assert formulas[f"I{total_row}"].value == f'=IF(N(G{total_row})=0,"",H{total_row}/G{total_row})'
    # exact to the kopeck: 716 337,84 грн is 716,33784 тис. грн, shown 716,34
    assert (values[f"F{total_row}"].value, values[f"G{total_row}"].value, values[f"H{total_row}"].value) == (
        4580.0, 2580.0, 716.33784)
    assert values[f"I{total_row}"].value == pytest.approx(716337.84 / 2580000)
    assert formulas[f"H{total_row}"].number_format == "#,##0.00"
    assert formulas[f"I{total_row}"].number_format == "0.00%"
    first_line = int(formulas.freeze_panes[1:]) + 1  # under the frozen header, after the department's heading
    assert formulas[f"G{first_line}"].data_type == "n" and formulas[f"G{first_line}"].value == 4.0
    # the department's own percent, as it reported it
    assert formulas[f"I{first_line}"].value == 1.0 and formulas[f"I{first_line}"].number_format == "0.00%"
    assert formulas.freeze_panes == f"A{first_line - 1}"
    # the subtotals add up exactly the department's rows
    subtotal_rows = [row[0].row for row in formulas.iter_rows() if row[0].value == texts()["rows"]["subtotal"]]
    assert formulas[f"H{subtotal_rows[0]}"].value == f"=SUM(H{first_line}:H{first_line + 4})"
    assert formulas[f"F{total_row}"].value == f"=SUM(F{subtotal_rows[0]},F{subtotal_rows[1]})"


def test_xlsx_merges_the_departments_and_each_measure_over_its_sub_items(rendered: dict[str, Path]) -> None:
    form = openpyxl.load_workbook(rendered["xlsx"]).worksheets[0]
    ranges = form.merged_cells.ranges
    header = int(form.freeze_panes[1:]) - 2
    assert [form.cell(header + 1, column).value for column in range(1, 11)] == list(range(1, 11))
    assert f"A{header + 2}:J{header + 2}" in {str(r) for r in ranges}
    # measures 3 (two sub-items) and 6 (one): number and task span the measure's rows
    for column in (1, 2):
        spans = sorted((r.min_row, r.max_row) for r in ranges
                       if r.min_col == r.max_col == column and r.min_row > header + 1)
        assert [last - first + 1 for first, last in spans] == [3, 2]
    assert all(a is b or a.isdisjoint(b) for a in ranges for b in ranges)  # no range overlaps another
    assert form[f"A{header + 2}"].fill.fgColor.rgb.endswith("E7EBF0") and form[f"A{header + 2}"].font.b


def test_xlsx_in_hryvnias_has_kopecks_and_typed_status_cells(rendered_grn: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(rendered_grn["xlsx"], data_only=True)
    form, _charts, status, quality, _data = workbook.worksheets
    assert [sheet.title for sheet in workbook.worksheets] == ["Звіт", "Діаграми", "Стан подання",
                                                              "Додаток. Якість даних", "Дані (копійки, коди)"]
    total_row = next(row[0].row for row in form.iter_rows() if row[0].value == texts()["rows"]["total"])
    assert form[f"H{total_row}"].value == 716337.84 and form[f"H{total_row}"].number_format == "#,##0.00"
    assert status.freeze_panes == "A2" and quality.freeze_panes == "A5"
    rejected = next(row for row in status.iter_rows(min_row=2) if row[1].value == REJECTED)
    assert rejected[8].value == "відхилено" and rejected[4].value == 1 and rejected[9].value == 0
    assert rejected[5].value.isoformat() == "2022-10-10T16:45:00" and rejected[6].value.date().isoformat() == \
        "2022-10-10"
    assert quality.max_row - 4 == len(list(quality.iter_rows(min_row=5)))


# --- DOCX --------------------------------------------------------------------------------------------------------

def test_docx_is_the_edited_template_with_merged_measure_cells_and_repeated_headers(
        rendered: dict[str, Path]) -> None:
    document = docx.Document(str(rendered["docx"]))
    assert document.paragraphs[1].text.startswith("Зведений звіт про результати виконання")
    assert document.core_properties.title == document.paragraphs[1].text
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape
    form = document.tables[0]
    header_rows = form._tbl.xpath("./w:tr[w:trPr/w:tblHeader]")
    assert len(header_rows) == 2
    body = form._tbl.xpath("./w:tr[not(w:trPr/w:tblHeader)]")
    continued = [row for row in body if row.xpath("./w:tc/w:tcPr/w:vMerge[@w:val='continue']")]
    # the sub-items of measures 3 (two) and 6 (one): their number and task cells continue the measure's
    assert len(continued) == 3
    assert all(len(row.xpath("./w:tc/w:tcPr/w:vMerge[@w:val='continue']")) == 2 for row in continued)
    assert "{{" not in document.element.xml and "{%" not in document.element.xml


# --- PDF ---------------------------------------------------------------------------------------------------------

def test_pdf_is_a4_landscape_with_embedded_fonts(rendered: dict[str, Path]) -> None:
    reader = pypdf.PdfReader(rendered["pdf"])
    assert all(page_size(page) == pytest.approx(A4_LANDSCAPE, abs=1) for page in reader.pages)
    assert reader.metadata.title.startswith("Зведений звіт про результати виконання міської цільової програми")
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts and all(embedded(font) for font in fonts)
    assert f"Сторінка 1 з {len(reader.pages)}" in collapse(page_text(reader.pages[0]))


# --- Data package ------------------------------------------------------------------------------------------------

def test_the_data_package_validates_against_its_own_schema(rendered: dict[str, Path]) -> None:
    from frictionless import validate

    report = validate(str(rendered["datapackage"]))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(rendered["datapackage"].read_text(encoding="utf-8"))
    assert descriptor["name"] == "zvit-efektyvna-vlada-2022-q3"
    assert [resource["name"] for resource in descriptor["resources"]] == ["lines", "totals", "departments",
                                                                          "findings"]
    lines = descriptor["resources"][0]
    assert lines["encoding"] == "utf-8" and lines["schema"]["primaryKey"] == ["department_code", "line_no"]
    fields = {f["name"]: f for f in lines["schema"]["fields"]}
    assert fields["financed"]["type"] == "number" and fields["financed"]["title"].endswith(", грн")
    assert (rendered["datapackage"].parent / "lines.csv").read_bytes().startswith(b"program_code,")  # no BOM


def test_the_data_package_is_the_same_in_either_unit(rendered: dict[str, Path], rendered_grn: dict[str, Path]) -> None:
    for name in ("lines.csv", "totals.csv", "departments.csv", "findings.csv", "datapackage.json"):
        assert (rendered["datapackage"].parent / name).read_bytes() == (
            rendered_grn["datapackage"].parent / name).read_bytes()
