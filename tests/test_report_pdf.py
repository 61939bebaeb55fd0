"""The consolidated report's PDF (Typst): A4 landscape pages, the form's heading on every page, Ukrainian text
hyphenated and read back as typed, nothing a department types taken for markup, and a 3,000-line program printed.

The PDF is read back with pypdf, a line of text per line of type. Where a line ends inside a word the text read
back cannot tell Typst's hyphen from one the word had: text is compared `squashed` (no spaces, no hyphens), except
in the form's heading, whose words have no hyphen of their own.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from pypdf import PageObject

from zvit.formatting import HRYVNIAS, THOUSANDS
from zvit.report.model import ConsolidatedReport, RefusedFile
from zvit.report.pdf import render_pdf
from zvit.report.pdf_data import FORM_COLUMNS
from zvit.report.texts import column_heading, fate_label, severity_label, status_label, texts, title

A4_LANDSCAPE = (842, 595)
#: what Typst draws at the end of a line where it hyphenated a word (the font's hyphen, read back as either)
_HYPHENS = ("-", "\u00ad")
#: what a department may type in a cell that Typst markup would act on
MARKUP = "#set page(fill: red) [далі] $x^2$ <мітка> *жирний* _курсив_ @посилання #(1 + 1) \\ кінець"
UKRAINIAN = "Ґрунтовна єдність і їжа: «Віче», зв'язок — ім’я № 5"


# --- reading the PDF back ---------------------------------------------------------------------------------------

def pages(pdf: bytes) -> list[PageObject]:
    """The document's pages."""
    return list(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def page_text(page: PageObject) -> str:
    """The page's text in drawing order, a line per line of type (a new line wherever the baseline moves)."""
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
        if text.strip():
            runs.append((round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5], 1), text))

    page.extract_text(visitor_text=visit)
    return "".join(("\n" if index and y != runs[index - 1][0] else "") + text
                   for index, (y, text) in enumerate(runs))


def pdf_text(pdf: bytes | Path) -> str:
    """The whole document's text, page after page."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    return "\n".join(page_text(page) for page in pages(data))


def plain(text: str) -> str:
    """Every run of spaces (no-break ones and line ends too) as one space."""
    return " ".join(text.replace("\u00a0", " ").split())


def squashed(text: str) -> str:
    """Text without spaces, hyphens and zero-width spaces, to look for a phrase whatever the lines broke it into."""
    return re.sub(r"[\s\u00a0\u00ad\u200b-]", "", text)


def unhyphenated(lines: list[str]) -> list[str]:
    """Lines of words without hyphens of their own with each hyphenated word made whole (and on the first line)."""
    joined: list[str] = []
    carried = False
    for line in lines:
        if carried:
            joined[-1] += line.lstrip()
        else:
            joined.append(line)
        carried = joined[-1].rstrip(" ").endswith(_HYPHENS)
        if carried:
            joined[-1] = joined[-1].rstrip(" ")[:-1]
    return joined


def page_size(page: PageObject) -> tuple[float, float]:
    return float(page.mediabox.width), float(page.mediabox.height)


def embedded(font: pypdf.generic.DictionaryObject) -> bool:
    """Whether a (Type0 or simple) font carries its glyphs in the file."""
    for descendant in font.get("/DescendantFonts", [font]):
        descriptor = descendant.get_object().get("/FontDescriptor")
        if descriptor is None or not any(key in descriptor.get_object() for key in
                                         ("/FontFile", "/FontFile2", "/FontFile3")):
            return False
    return True


# --- reports to render ------------------------------------------------------------------------------------------

def enlarged(report: ConsolidatedReport, lines: int) -> ConsolidatedReport:
    """The report with its counted departments' measures repeated (and renumbered) up to `lines` lines."""
    copies, rest = divmod(lines, len(report.lines))
    assert rest == 0 and copies > 0, f"{lines} is not a multiple of the report's {len(report.lines)} lines"
    sections = []
    for section in report.sections:
        count = len(section.measures)
        measures = tuple(replace(measure, number=str(copy * count + index + 1))
                         for copy in range(copies) for index, measure in enumerate(section.measures))
        sections.append(replace(section, measures=measures) if section.counted else section)
    enlarged_report = replace(report, sections=tuple(sections))
    assert len(enlarged_report.lines) == lines
    return enlarged_report


def with_first_line(report: ConsolidatedReport, **texts_: str) -> ConsolidatedReport:
    """The report with the first counted line's cells (and its department's name) replaced."""
    section = report.counted_sections[0]
    measure = section.measures[0]
    line = replace(measure.lines[0], **{k: v for k, v in texts_.items() if k != "department_name"})
    measure = replace(measure, lines=(line, *measure.lines[1:]),
                      task=texts_.get("task", measure.task))
    changed = replace(section, measures=(measure, *section.measures[1:]),
                      department_name=texts_.get("department_name", section.department_name))
    return replace(report, sections=tuple(changed if s is section else s for s in report.sections))


@pytest.fixture(scope="module")
def seed_pdf(seed_report: ConsolidatedReport) -> bytes:
    """The seed quarter's PDF, amounts in hryvnias (the widest numbers)."""
    return render_pdf(seed_report, unit=HRYVNIAS)


@pytest.fixture(scope="module")
def long_pdf(seed_report: ConsolidatedReport) -> bytes:
    """A 300-line program: the form takes many pages."""
    return render_pdf(enlarged(seed_report, 300))


# --- the page ---------------------------------------------------------------------------------------------------

def test_every_page_is_a4_landscape_with_its_fonts_embedded(seed_pdf: bytes) -> None:
    document = pages(seed_pdf)
    assert len(document) > 1
    for page in document:
        width, height = page_size(page)
        assert width == pytest.approx(A4_LANDSCAPE[0], abs=1) and height == pytest.approx(A4_LANDSCAPE[1], abs=1)
        fonts = page["/Resources"]["/Font"]
        assert fonts and all(embedded(font.get_object()) for font in fonts.values())


def test_the_pdf_is_titled_like_the_report_and_numbers_its_pages(seed_pdf: bytes,
                                                                   seed_report: ConsolidatedReport) -> None:
    reader = pypdf.PdfReader(io.BytesIO(seed_pdf))
    expected_title = title(seed_report.program.title, seed_report.period)
    assert reader.metadata.title == expected_title
    count = len(reader.pages)
    assert f"Сторінка 1 з {count}" in plain(page_text(reader.pages[0]))
    assert plain(page_text(reader.pages[-1])).endswith(f"Сторінка {count} з {count}")
    assert squashed(expected_title) in squashed(page_text(reader.pages[0]))


def test_the_same_report_prints_the_same_bytes_and_nothing_on_the_console(
        seed_report: ConsolidatedReport, seed_pdf: bytes, capfd: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    again = render_pdf(seed_report, unit=HRYVNIAS)
    assert again == seed_pdf  # dated by when the report was prepared, not by the clock
    assert capfd.readouterr() == ("", "")
    assert not caplog.records  # no warning from the template


# --- the form ---------------------------------------------------------------------------------------------------

def test_the_form_heading_is_repeated_on_every_page_the_form_takes(long_pdf: bytes) -> None:
    headings = [squashed(column_heading(name, THOUSANDS.code)) for name in FORM_COLUMNS]
    total_label = squashed(texts()["rows"]["total"])
    texts_ = [squashed(page_text(page)) for page in pages(long_pdf)]
    form_pages = texts_[:next(number for number, text in enumerate(texts_, start=1) if total_label in text)]
    assert len(form_pages) > 10
    for number, text in enumerate(form_pages, start=1):
        for heading in headings:
            assert heading in text, f"page {number}: {heading!r}"
        assert "12345678910" in text, f"page {number}: the columns' numbers"
    # the first department's 100 measures fill the first pages: its subtotal comes later
    assert squashed(texts()["rows"]["subtotal"]) not in form_pages[0]


def test_a_long_word_in_a_narrow_heading_is_hyphenated_never_split_bare(seed_pdf: bytes) -> None:
    lines = page_text(pages(seed_pdf)[0]).split("\n")
    start = lines.index(texts()["sections"]["form"]) + 1
    end = next(index for index, line in enumerate(lines) if plain(line) == "1 2 3 4 5 6 7 8 9 10")
    heading = lines[start:end]
    hyphenated = [line for line in heading if line.rstrip(" ").endswith(_HYPHENS)]
    assert len(hyphenated) >= 5  # «фінансу-вання», «відпо-відно»: narrow columns, long words
    words = {word for name in FORM_COLUMNS for word in column_heading(name, HRYVNIAS.code).split()}
    # made whole again, every piece is a word of the headings: a word broken without a hyphen would leave two
    # pieces that are not
    assert set(" ".join(unhyphenated(heading)).split()) <= words
    assert plain(column_heading("planned", HRYVNIAS.code)) in plain(" ".join(unhyphenated(heading)))


def test_amounts_percentages_and_dates_are_never_split_across_lines(seed_pdf: bytes) -> None:
    lines = [line.replace("\u00a0", " ") for page in pages(seed_pdf) for line in page_text(page).split("\n")]
    for whole in ("4 580 000,00", "2 580 000,00", "716 337,84", "27,77 %", "2 080 000,00",
                  "10 жовтня 2022 р.", "30 вересня 2022 р.", "за 9 місяців 2022 року", "2021–2025"):
        assert any(whole in line for line in lines), whole


def test_the_form_shows_each_department_its_subtotal_and_the_program_total(seed_pdf: bytes) -> None:
    text = plain(pdf_text(seed_pdf))
    assert "1. відділ організаційного забезпечення депутатської діяльності" in text
    # column 9: the percent of the department's own «Всього» row (the first department's report has none)
    assert "Разом за виконавцем 2 500 000,00 500 000,00 202 800,00 2." in text
    assert "Разом за виконавцем 2 080 000,00 2 080 000,00 513 537,84 24,69 % 3." in text
    assert "Усього за Програмою 4 580 000,00 2 580 000,00 716 337,84 27,77 %" in text
    assert f"3. управління звернень та діловодства — дані не враховано: {status_label('rejected')}" in text


def test_the_charts_status_signature_and_annex_follow_the_form(seed_pdf: bytes) -> None:
    text = squashed(pdf_text(seed_pdf))
    words = texts()
    annex = words["signature"]["annex_to"].format(period="за 9 місяців 2022 року")
    order = [squashed(heading) for heading in (words["sections"]["form"], words["sections"]["charts"],
                                                words["sections"]["status"], words["signature"]["approved"], annex)]
    assert [text.index(heading) for heading in order] == sorted(text.index(heading) for heading in order)
    charts = text[text.index(order[1]):text.index(order[2])]
    assert squashed(words["charts"]["annual"]) in charts and squashed(words["charts"]["financed"]) in charts
    assert "500000,00" in charts and "513537,84" in charts  # each bar's value is printed after it
    for shown in (status_label("rejected"), "із запізненням", severity_label("critical"), severity_label("warning")):
        assert squashed(shown) in text, shown
    # a file name too long for its column, broken after a hyphen
    assert text.count(squashed("zhytomyr-efficient-government-2022-9m.txt")) == 3


def test_files_no_department_could_be_told_from_are_listed_under_the_status(
        seed_report: ConsolidatedReport) -> None:
    refused = RefusedFile(name="скан_звіту_2022-09_без_назви_виконавця.pdf", fate="unsupported",
                          reason="PDF не читається як звіт", received_at=seed_report.prepared_at)
    text = squashed(pdf_text(render_pdf(replace(seed_report, refused=(refused,)))))
    words = texts()["refused"]
    after_status = text[text.index(squashed(texts()["sections"]["status"])):]
    for shown in (words["heading"], refused.name, fate_label("unsupported"), "PDF не читається як звіт"):
        assert squashed(shown) in after_status, shown
    assert squashed(words["heading"]) not in squashed(pdf_text(render_pdf(seed_report)))


# --- text from submissions -------------------------------------------------------------------------------------

def test_ukrainian_text_round_trips(seed_report: ConsolidatedReport) -> None:
    report = with_first_line(seed_report, content=UKRAINIAN, info=UKRAINIAN)
    text = squashed(pdf_text(render_pdf(report)))
    assert text.count(squashed(UKRAINIAN)) == 3  # the content and the info, and the measure's label in the chart
    assert squashed("управління по зв'язках з громадськістю") in text


def test_markup_typed_by_a_department_prints_as_plain_text(seed_report: ConsolidatedReport) -> None:
    report = with_first_line(seed_report, content=MARKUP, info=MARKUP, task=MARKUP,
                             department_name=f"відділ {MARKUP}")
    document = pages(render_pdf(report))
    text = squashed("\n".join(page_text(page) for page in document))
    assert text.count(squashed(MARKUP)) >= 4  # the task, the content, the info and the department's heading
    assert all(page_size(page) == page_size(document[0]) for page in document)  # no «#set page» took effect


# --- size --------------------------------------------------------------------------------------------------------

def test_a_program_of_3000_lines_prints_on_as_many_pages_as_it_needs(seed_report: ConsolidatedReport) -> None:
    # WeasyPrint needed ~100 s and ~1 GB for this (issue 15); Typst a few seconds (not asserted: machines differ)
    document = pages(render_pdf(enlarged(seed_report, 3000)))
    # the seed's lines are long (up to 15 lines of text each): a page of the form holds at most 10 of them
    assert len(document) >= 300
    assert plain(page_text(document[-1])).endswith(f"Сторінка {len(document)} з {len(document)}")
