"""Word reports (.docx): body paragraphs and table rows in reading order, merged cells counted once."""

from __future__ import annotations

from pathlib import Path

from docx.oxml.ns import qn

from zvit.intake.blocks import Block, Paragraph, Row
from zvit.errors import IntakeError
from zvit.intake.ooxml import first_line, open_package
from zvit.model import PARAGRAPH, SourceLocation

#: Tables narrower than this are layout (signatures, approval stamps), read as paragraphs.
_MIN_REPORT_COLUMNS = 5
_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")


def read_docx(path: Path) -> list[list[Block]]:
    """The document body as one stream of blocks."""
    document = open_package(path, "docx")
    try:
        return [_body_blocks(document)]
    except Exception as exc:  # noqa: BLE001 - the body is read lazily; any failure here is the file's
        raise IntakeError(path.name, f"damaged Word (.docx) file: {first_line(exc)}", code="INTAKE-FORMAT") from exc


def _body_blocks(document) -> list[Block]:  # noqa: ANN001 - python-docx Document
    blocks: list[Block] = []
    tables = paragraphs = 0
    for element in _body_elements(document.element.body):
        if element.tag == _P:
            paragraphs += 1
            text = element.text
            if text.strip():
                blocks.append(Paragraph(text=text, location=SourceLocation(part=PARAGRAPH, row=paragraphs)))
        elif element.tag == _TBL:
            tables += 1
            blocks.extend(_table_blocks(element, tables))
    return blocks


def _body_elements(body):  # noqa: ANN001, ANN202 - lxml elements
    for element in body.iterchildren():
        if element.tag == _SDT:
            # Content controls wrap ordinary paragraphs and tables; read through them.
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_elements(content)
        else:
            yield element


def _table_blocks(tbl, number: int) -> list[Block]:  # noqa: ANN001 - lxml element
    part = f"таблиця {number}"
    grid = tbl.tblGrid
    width = len(grid.gridCol_lst) if grid is not None else 0
    rows: list[Block] = []
    for index, tr in enumerate(tbl.iterchildren(_TR), start=1):
        cells = _row_cells(tr, width)
        location = SourceLocation(part=part, row=index)
        if width and width < _MIN_REPORT_COLUMNS:
            text = " ".join(cell for cell in cells if cell.strip())
            if text:
                rows.append(Paragraph(text=text, location=location))
        else:
            rows.append(Row(cells=tuple(cells), location=location))
    return rows


def _row_cells(tr, width: int) -> list[str]:  # noqa: ANN001 - lxml element
    # Rows may start after skipped grid columns (w:gridBefore); keep the cells under their headers.
    cells: list[str] = [""] * tr.grid_before
    for tc in tr.iterchildren(_TC):
        # A vertically merged cell continues the one above: its text was counted there.
        text = "" if tc.vMerge == "continue" else "\n".join(p.text for p in tc.iterchildren(_P))
        cells.append(text)
        # A cell spanning several grid columns is read once; the columns it covers stay empty.
        cells.extend([""] * (tc.grid_span - 1))
    if width and len(cells) < width:
        cells.extend([""] * (width - len(cells)))
    return cells
