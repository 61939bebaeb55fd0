"""Writing reports as a clerk's Word file: bold header values, merged cells, a table split over pages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from zvit.intake import ReportLayout
from zvit.model import NUMBER_FIELDS
from zvit.samples.cells import header_line, ordered_columns, paragraphs, without_label

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell

    from zvit.normalize.columns import Column

#: The page marker a Word template prints where the table goes on to the next page.
PAGE_MARKER = "Додаток"


def write_docx(layouts: list[ReportLayout], path: Path) -> Path:
    """Write one or more reports into a .docx file, each starting on a new page."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.styles["Normal"].font.size = Pt(10)
    for number, layout in enumerate(layouts):
        if number:
            document.add_page_break()
        _write_report(document, layout)
    document.save(str(path))
    return path


def _write_report(document: Document, layout: ReportLayout) -> None:
    for line in layout.header_lines:
        label, value = header_line(line)
        paragraph = document.add_paragraph()
        if label:
            paragraph.add_run(label)
        paragraph.add_run(value).bold = bool(label) or line.lower().startswith("звіт")
    columns = ordered_columns(layout)
    table = _new_table(document, columns, with_header=True)
    measure_row = None  # the row of the current measure in the current table, where sub-items merge up to
    for row in layout.rows:
        if row.kind == "continuation" and len(table.rows) > 2:
            # The row continues text cut by a page break: the clerk's file has a new table there.
            document.add_paragraph(PAGE_MARKER)
            table = _new_table(document, columns, with_header=False)
            measure_row = None
        cells = table.add_row().cells
        if row.kind == "line":
            measure_row = cells
        if row.kind == "total":
            _write_total(cells, columns, row.cells)
            continue
        for position, column in enumerate(columns):
            _fill(cells[position], row.cells.get(column.field, ""))
        if row.kind == "sub_item" and measure_row is not None:
            # Under a measure, its number and task cells are merged down over the sub-items.
            for position, column in enumerate(columns):
                if column.field in ("measure", "task") and not row.cells.get(column.field, "").strip():
                    measure_row[position].merge(cells[position])
    _write_signature(document, layout.footer_lines)


def _new_table(document: Document, columns: list[Column], *, with_header: bool) -> Table:
    table: Table = document.add_table(rows=0, cols=len(columns))
    table.style = "Table Grid"
    if with_header:
        header = table.add_row().cells
        for position, column in enumerate(columns):
            header[position].text = column.header
    numbering = table.add_row().cells
    for position in range(len(columns)):
        numbering[position].text = str(position + 1)
    return table


def _write_total(cells: Sequence[_Cell], columns: list[Column], values: dict[str, str]) -> None:
    first_number = next(i for i, c in enumerate(columns) if c.field in NUMBER_FIELDS)
    label = cells[0].merge(cells[first_number - 1]) if first_number > 1 else cells[0]
    label.text = "Всього:"
    for position, column in enumerate(columns):
        if column.field in NUMBER_FIELDS:
            cells[position].text = without_label(values.get(column.field, ""))


def _fill(cell: _Cell, text: str) -> None:
    parts = paragraphs(text)
    if not parts:
        return  # an untouched cell stays one empty paragraph, as Word leaves it
    cell.text = parts[0]
    for part in parts[1:]:
        cell.add_paragraph(part)


def _write_signature(document: Document, lines: list[str]) -> None:
    if not lines:
        return
    document.add_paragraph()
    *position, name = lines if len(lines) > 1 else (*lines, "")
    # Offices lay the signature out in a borderless two-column table: position left, name right.
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _fill(left, "\n".join(position))
    right.text = name
