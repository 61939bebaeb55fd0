"""Generate the Word template of the consolidated report (`templates/report/consolidated.docx`) for docxtpl.

The template holds the layout only: A4 landscape, the official form's table with docxtpl row loops
(`{%tr %}`) and vertical merges (`{% vm %}`), the status and data-quality tables. Every word people read
comes from the render context (`templates/report/texts.yaml`), so wording changes need no new template.
Regenerate after changing the layout:  uv run python -m zvit.report.docx_template
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from zvit.report.atomic import write_atomic
from zvit.templating import TEMPLATES_DIR

TEMPLATE_PATH = TEMPLATES_DIR / "report" / "consolidated.docx"
FONT = "Times New Roman"
#: the language Word checks the spelling of (and hyphenates) every paragraph in
LANGUAGE = "uk-UA"
#: widths of the form's 10 columns, in millimetres: 273 mm of A4 landscape
FORM_WIDTHS = (9, 28, 44, 17, 24, 21, 21, 22, 21, 66)
STATUS_WIDTHS = (8, 36, 17, 30, 12, 23, 21, 19, 21, 14, 26, 46)
QUALITY_WIDTHS = (8, 38, 14, 36, 26, 26, 87, 22, 16)
REFUSED_WIDTHS = (8, 80, 36, 40, 109)
SIGNATURE_WIDTHS = (130, 60, 83)
#: a fixed timestamp for every member of the .docx zip, so that regenerating gives the same bytes
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def build_template() -> docx.document.Document:
    """The template document."""
    document = docx.Document()
    _page_setup(document)
    _styles(document)
    _footer(document)
    properties = document.core_properties
    properties.title, properties.author, properties.language = "{{ title }}", "", LANGUAGE
    properties.comments = properties.subject = properties.keywords = properties.last_modified_by = ""
    properties.created = properties.modified = datetime(2000, 1, 1, tzinfo=UTC)
    properties.revision = 1
    _paragraph(document, "{{ outgoing }}")
    _paragraph(document, "{{ title }}", style="Title Line").paragraph_format.space_before = Pt(6)
    _paragraph(document, "{{ full_title }}", style="Centered")
    _paragraph(document, "{%p for item in passport %}")
    passport = document.add_paragraph(style="Normal")
    passport.add_run("{{ item.label }}: ").bold = True
    passport.add_run("{{ item.value }}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{{ coverage }}", style="Note")
    _paragraph(document, "{{ t.sections.form }}", style="Section")
    _form_table(document)
    _paragraph(document, "{{ unit_note }}", style="Note")
    _paragraph(document, "{{ t.sections.charts }}", style="Section")
    _paragraph(document, "{%p for chart in charts %}")
    _paragraph(document, "{{ chart.title }}", style="Subsection")
    _paragraph(document, "{%p for image in chart.images %}")
    _paragraph(document, "{{ image }}", style="Centered")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p if chart.note %}")
    _paragraph(document, "{{ chart.note }}", style="Note")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p if not charts %}")
    _paragraph(document, "{{ t.charts.empty }}", style="Note")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{{ t.sections.status }}", style="Section")
    _status_table(document)
    # the refused files no department could be told from: only when there are some
    _paragraph(document, "{%p if refused %}")
    _paragraph(document, "{{ t.refused.heading }}", style="Subsection")
    _paragraph(document, "{{ t.refused.note }}", style="Note")
    _refused_table(document)
    _paragraph(document, "{%p endif %}")
    _signature(document)
    _paragraph(document, "{{ prepared }}", style="Note")
    # the annex on its own sheets: its heading top right, then its title
    heading = _paragraph(document, "{{ annex_heading }}", style="Annex Heading")
    heading.paragraph_format.page_break_before = True
    _paragraph(document, "{{ t.sections.quality }}", style="Title Line")
    _paragraph(document, "{%p if findings %}")
    _quality_table(document)
    _paragraph(document, "{%p else %}")
    _paragraph(document, "{{ t.quality.none }}")
    _paragraph(document, "{%p endif %}")
    return document


def template_bytes() -> bytes:
    """The template as .docx bytes, the same on every run (zip members in order, fixed timestamps)."""
    buffer = io.BytesIO()
    build_template().save(buffer)
    source = zipfile.ZipFile(buffer)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, _ukrainian(info.filename, source.read(info)))
    return output.getvalue()


def _ukrainian(name: str, data: bytes) -> bytes:
    """python-docx's own parts, made Ukrainian: the older styles part Word 2007 reads and the theme's language."""
    if name in ("word/stylesWithEffects.xml", "word/settings.xml"):
        english = b'w:val="en-US"'
        return data.replace(b'w:eastAsia="en-US"', b'w:eastAsia="' + LANGUAGE.encode() + b'"').replace(
            english, b'w:val="' + LANGUAGE.encode() + b'"')
    return data


def write_template(path: Path = TEMPLATE_PATH) -> Path:
    """Write the template where the report reads it (atomically)."""
    return write_atomic(path, template_bytes())


def _page_setup(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(12)
    section.top_margin, section.bottom_margin = Mm(14), Mm(14)


def _styles(document: docx.document.Document) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.paragraph_format.space_after = Pt(2)
    # Word picks the Cyrillic font from these attributes, not only from w:ascii
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    # Word checks spelling in the language of each run: Ukrainian everywhere, so no word is marked misspelled
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for element in (run_defaults, normal.element.get_or_add_rPr()):
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), LANGUAGE)
        language.set(qn("w:eastAsia"), LANGUAGE)
        language.set(qn("w:bidi"), "ar-SA")
        for old in element.findall(qn("w:lang")):
            element.remove(old)
        element.append(language)
    _style(document, "Title Line", size=14, bold=True, center=True)
    _style(document, "Annex Heading", size=11).paragraph_format.left_indent = Mm(175)
    _style(document, "Centered", size=11, center=True)
    _style(document, "Section", size=12, bold=True, before=10, keep_with_next=True)
    _style(document, "Subsection", size=11, bold=True, before=8, keep_with_next=True)
    _style(document, "Note", size=9)
    _style(document, "Table Text", size=8)
    _style(document, "Table Number", size=8, right=True)
    _style(document, "Table Heading", size=7, bold=True, center=True)


def _style(document: docx.document.Document, name: str, *, size: float, bold: bool = False, center: bool = False,
           right: bool = False, before: float = 0, keep_with_next: bool = False) -> ParagraphStyle:
    style: ParagraphStyle = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.size, style.font.bold = Pt(size), bold
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(before), Pt(2 if before else 0), keep_with_next
    if center:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return style


def _paragraph(document: docx.document.Document, text: str, style: str = "Normal") -> Paragraph:
    return document.add_paragraph(text, style=style)


def _new_table(document: docx.document.Document, rows: int, widths: tuple[int, ...]) -> Table:
    table: Table = document.add_table(rows=rows, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed: the widths below hold whatever the text
    # Word reads the cells' widths, LibreOffice the grid's: set both
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    return table


def _fill(row: _Row, texts: list[str], style: str = "Table Text", *, numbers: range = range(0)) -> None:
    for index, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
        paragraph = cell.paragraphs[0]
        paragraph.text = text
        paragraph.style = "Table Number" if index in numbers else style


def _tag_row(row: _Row, tag: str) -> None:
    # docxtpl replaces the whole row holding a {%tr %} tag by the tag itself
    row.cells[0].paragraphs[0].text = tag


def _repeat_header(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _merge(row: _Row, first: int, last: int, text: str, style: str) -> None:
    cell = row.cells[first].merge(row.cells[last])
    cell.paragraphs[0].text = text
    cell.paragraphs[0].style = style
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)


def _form_table(document: docx.document.Document) -> None:
    table = _new_table(document, 17, FORM_WIDTHS)
    rows = table.rows
    fields = ("number", "task", "content", "term", "executors", "planned", "annual", "financed", "percent", "info")
    _fill(rows[0], [f"{{{{ columns.{name} }}}}" for name in fields], "Table Heading")
    _fill(rows[1], [str(n) for n in range(1, 11)], "Table Heading")
    for row in rows[:2]:
        _repeat_header(row)
    _tag_row(rows[2], "{%tr for section in sections %}")
    _merge(rows[3], 0, 9, "{{ section.heading }}", "Table Text")
    rows[3].cells[0].paragraphs[0].runs[0].bold = True
    _tag_row(rows[4], "{%tr for measure in section.measures %}")
    _tag_row(rows[5], "{%tr for line in measure.lines %}")
    line = ["{% vm %}{{ measure.number }}", "{% vm %}{{ measure.task }}", "{{ line.content }}", "{{ line.term }}",
            "{{ line.executors }}", "{{ line.planned }}", "{{ line.annual }}", "{{ line.financed }}",
            "{{ line.percent }}", "{{ line.info }}"]
    _fill(rows[6], line, numbers=range(5, 9))
    # the reference to the annex: small italics after the content and after the percent
    _mark(rows[6].cells[2], "{{ line.content_mark }}")
    _mark(rows[6].cells[8], "{{ line.percent_mark }}")
    # a row of the measure is never split over pages (Word repeats no merged cell on the next page)
    _keep_row(rows[6])
    _tag_row(rows[7], "{%tr endfor %}")
    _tag_row(rows[8], "{%tr endfor %}")
    _tag_row(rows[9], "{%tr if section.subtotal %}")
    _total_row(rows[10], "{{ t.rows.subtotal }}", "section.subtotal")
    _tag_row(rows[11], "{%tr endif %}")
    _tag_row(rows[12], "{%tr endfor %}")
    _total_row(rows[13], "{{ t.rows.total }}", "total")
    _tag_row(rows[14], "{%tr for row in claimed %}")
    _fill(rows[15], [""] * 5 + [f"{{{{ row.{name} }}}}" for name in ("planned", "annual", "financed", "percent")]
          + ["{{ row.info }}"], numbers=range(5, 9))
    _merge(rows[15], 0, 4, "{{ row.label }}", "Table Number")
    for cell in rows[15].cells:
        for run in cell.paragraphs[0].runs:
            run.italic = True
    _tag_row(rows[16], "{%tr endfor %}")


def _mark(cell: _Cell, tag: str) -> None:
    run = cell.paragraphs[0].add_run(tag)
    run.italic, run.font.size = True, Pt(6.5)


def _keep_row(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _total_row(row: _Row, label: str, source: str) -> None:
    _fill(row, [""] * 5 + [f"{{{{ {source}.{name} }}}}" for name in ("planned", "annual", "financed", "percent")]
          + [""], numbers=range(5, 9))
    _merge(row, 0, 4, label, "Table Number")
    for cell in row.cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def _status_table(document: docx.document.Document) -> None:
    table = _new_table(document, 4, STATUS_WIDTHS)
    names = ("number", "department", "responsible", "file", "version", "received", "deadline", "timeliness",
             "status", "lines", "signed_by", "reasons")
    _fill(table.rows[0], [f"{{{{ status_columns.{name} }}}}" for name in names], "Table Heading")
    _repeat_header(table.rows[0])
    _tag_row(table.rows[1], "{%tr for s in statuses %}")
    _fill(table.rows[2], [f"{{{{ s.{name} }}}}" for name in names], numbers=range(4, 5))
    _tag_row(table.rows[3], "{%tr endfor %}")


def _refused_table(document: docx.document.Document) -> None:
    table = _new_table(document, 4, REFUSED_WIDTHS)
    names = ("number", "file", "received", "fate", "reason")
    _fill(table.rows[0], [f"{{{{ refused_columns.{name} }}}}" for name in names], "Table Heading")
    _repeat_header(table.rows[0])
    _tag_row(table.rows[1], "{%tr for r in refused %}")
    _fill(table.rows[2], [f"{{{{ r.{name} }}}}" for name in names])
    _tag_row(table.rows[3], "{%tr endfor %}")


def _quality_table(document: docx.document.Document) -> None:
    table = _new_table(document, 4, QUALITY_WIDTHS)
    names = ("number", "department", "measure", "cell", "value", "expected", "message", "severity", "rule")
    _fill(table.rows[0], [f"{{{{ quality_columns.{name} }}}}" for name in names], "Table Heading")
    _repeat_header(table.rows[0])
    _tag_row(table.rows[1], "{%tr for f in findings %}")
    _fill(table.rows[2], [f"{{{{ f.{name} }}}}" for name in names])
    _tag_row(table.rows[3], "{%tr endfor %}")
    # the rule's code: a small reference for the people who keep the rules
    for run in table.rows[2].cells[-1].paragraphs[0].runs:
        run.font.size = Pt(6)


def _signature(document: docx.document.Document) -> None:
    """The annex named, the signer's position, signature line and name, a date line, then «ПОГОДЖЕНО»."""
    _paragraph(document, "{{ annex_line }}").paragraph_format.space_before = Pt(14)
    table = document.add_table(rows=4, cols=3)
    table.autofit = False
    for column, width in zip(table.columns, SIGNATURE_WIDTHS, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, SIGNATURE_WIDTHS, strict=True):
            cell.width = Mm(width)
    _fill(table.rows[0], ["{{ sign.position }}", "", "{{ sign.name }}"], "Normal")
    _underline(table.rows[0].cells[1])
    _fill(table.rows[1], ["", "{{ sign.hint }}", ""], "Note")
    table.rows[1].cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fill(table.rows[2], ["{{ sign.date_line }}", "", ""], "Normal")
    _fill(table.rows[3], ["", "", ""], "Normal")
    approved = _paragraph(document, "{{ sign.approved }}")
    approved.runs[0].bold = True
    approved.paragraph_format.keep_with_next = True
    _paragraph(document, "{{ sign.approver_position }}").paragraph_format.keep_with_next = True
    approval = document.add_table(rows=2, cols=2)
    approval.autofit = False
    for column, width in zip(approval.columns, SIGNATURE_WIDTHS[1:], strict=True):
        column.width = Mm(width)
    for row in approval.rows:
        for cell, width in zip(row.cells, SIGNATURE_WIDTHS[1:], strict=True):
            cell.width = Mm(width)
    _fill(approval.rows[0], ["", "{{ sign.approver_name }}"], "Normal")
    _underline(approval.rows[0].cells[0])
    _fill(approval.rows[1], ["{{ sign.hint }}", ""], "Note")
    approval.rows[1].cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, "{{ sign.date_line }}")


def _underline(cell: _Cell) -> None:
    """A line to sign on: the cell's bottom border."""
    properties = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    properties.append(borders)


def _footer(document: docx.document.Document) -> None:
    """«Сторінка N з M» at the bottom right of every page: Word's PAGE and NUMPAGES fields."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run("{{ t.page.page }} ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" {{ t.page.of }} ")
    _field(paragraph, "NUMPAGES", "1")
    for run in paragraph.runs:
        run.font.size = Pt(8)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} \\* MERGEFORMAT ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


if __name__ == "__main__":
    print(write_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH))
