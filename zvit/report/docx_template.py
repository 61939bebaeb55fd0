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
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from zvit.report.atomic import write_atomic
from zvit.templating import TEMPLATES_DIR

TEMPLATE_PATH = TEMPLATES_DIR / "report" / "consolidated.docx"
FONT = "Times New Roman"
#: widths of the form's 11 columns (10 numbered, the 9th split in two), in millimetres: 273 mm of A4 landscape
FORM_WIDTHS = (9, 27, 39, 17, 24, 20, 20, 23, 19, 19, 56)
STATUS_WIDTHS = (8, 45, 22, 32, 14, 26, 22, 20, 22, 16, 46)
QUALITY_WIDTHS = (8, 40, 16, 30, 28, 22, 85, 22, 22)
REFUSED_WIDTHS = (8, 80, 36, 40, 109)
#: a fixed timestamp for every member of the .docx zip, so that regenerating gives the same bytes
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def build_template() -> docx.document.Document:
    """The template document."""
    document = docx.Document()
    _page_setup(document)
    _styles(document)
    document.core_properties.title = "{{ title }}"
    document.core_properties.author = "zvit"
    _paragraph(document, "{{ title }}", style="Title Line")
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
    _paragraph(document, "{{ t.sections.status }}", style="Section")
    _status_table(document)
    # the refused files no department could be told from: only when there are some
    _paragraph(document, "{%p if refused %}")
    _paragraph(document, "{{ t.refused.heading }}", style="Subsection")
    _paragraph(document, "{{ t.refused.note }}", style="Note")
    _refused_table(document)
    _paragraph(document, "{%p endif %}")
    signature = document.add_paragraph(style="Normal")
    signature.paragraph_format.space_before = Pt(18)
    signature.add_run("{{ t.sections.signature }}\t______________________\t______________________________")
    _paragraph(document, "{{ t.sections.signature_hint }}", style="Note").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, "{{ prepared }}", style="Note")
    heading = _paragraph(document, "{{ t.sections.quality }}", style="Section")
    heading.paragraph_format.page_break_before = True
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
            target.writestr(member, source.read(info))
    return output.getvalue()


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
    _style(document, "Title Line", size=14, bold=True, center=True)
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
    table = _new_table(document, 15, FORM_WIDTHS)
    rows = table.rows
    fields = ("number", "task", "content", "term", "executors", "planned", "annual", "financed")
    for index, name in enumerate(fields):
        merged = rows[0].cells[index].merge(rows[1].cells[index])
        merged.paragraphs[0].text = f"{{{{ columns.{name} }}}}"
        merged.paragraphs[0].style = "Table Heading"
    _merge(rows[0], 8, 9, "{{ columns.percent }}", "Table Heading")
    for index, name in ((8, "reported_percent"), (9, "computed_percent")):
        # only these two: the other cells of this row continue the vertical merges above
        rows[1].cells[index].paragraphs[0].text = f"{{{{ columns.{name} }}}}"
        rows[1].cells[index].paragraphs[0].style = "Table Heading"
    info = rows[0].cells[10].merge(rows[1].cells[10])
    info.paragraphs[0].text, info.paragraphs[0].style = "{{ columns.info }}", "Table Heading"
    _fill(rows[2], [str(n) for n in range(1, 9)] + ["9", "", "10"], "Table Heading")
    _merge(rows[2], 8, 9, "9", "Table Heading")
    for row in rows[:3]:
        _repeat_header(row)
    _tag_row(rows[3], "{%tr for section in sections %}")
    _merge(rows[4], 0, 10, "{{ section.heading }}", "Table Text")
    rows[4].cells[0].paragraphs[0].runs[0].bold = True
    _tag_row(rows[5], "{%tr for measure in section.measures %}")
    _tag_row(rows[6], "{%tr for line in measure.lines %}")
    line = ["{% vm %}{{ measure.number }}", "{% vm %}{{ measure.task }}", "{{ line.content }}", "{{ line.term }}",
            "{{ line.executors }}", "{{ line.planned }}", "{{ line.annual }}", "{{ line.financed }}",
            "{{ line.reported_percent }}", "{{ line.computed_percent }}", "{{ line.info }}"]
    _fill(rows[7], line, numbers=range(5, 10))
    _tag_row(rows[8], "{%tr endfor %}")
    _tag_row(rows[9], "{%tr endfor %}")
    _tag_row(rows[10], "{%tr if section.subtotal %}")
    _total_row(rows[11], "{{ t.rows.subtotal }}", "section.subtotal")
    _tag_row(rows[12], "{%tr endif %}")
    _tag_row(rows[13], "{%tr endfor %}")
    _total_row(rows[14], "{{ t.rows.total }}", "total")


def _total_row(row: _Row, label: str, source: str) -> None:
    _fill(row, [""] * 5 + [f"{{{{ {source}.{name} }}}}" for name in (
        "planned", "annual", "financed", "reported_percent", "computed_percent")] + [""], numbers=range(5, 10))
    _merge(row, 0, 4, label, "Table Number")
    for cell in row.cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def _status_table(document: docx.document.Document) -> None:
    table = _new_table(document, 4, STATUS_WIDTHS)
    names = ("number", "department", "responsible", "file", "version", "received", "deadline", "timeliness",
             "status", "lines", "reasons")
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


if __name__ == "__main__":
    print(write_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH))
