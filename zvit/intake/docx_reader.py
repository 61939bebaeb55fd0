"""Word reports (.docx): body paragraphs and table rows in reading order, merged cells counted once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from docx.oxml.ns import qn

from zvit.errors import IntakeError
from zvit.intake.blocks import Block, Paragraph, Row
from zvit.intake.limits import Budget
from zvit.intake.ooxml import first_line, open_package
from zvit.model import PARAGRAPH, SourceLocation

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.oxml.table import CT_Row, CT_Tbl, CT_Tc
    from docx.oxml.text.paragraph import CT_P
    from docx.oxml.xmlchemy import BaseOxmlElement

#: Tables narrower than this are layout (signatures, approval stamps), read as paragraphs.
_MIN_REPORT_COLUMNS = 5
_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_R, _HYPERLINK, _T, _BR, _VAL, _TYPE = qn("w:r"), qn("w:hyperlink"), qn("w:t"), qn("w:br"), qn("w:val"), qn("w:type")
_TC_PR, _TR_PR, _V_MERGE, _GRID_SPAN, _GRID_BEFORE = (
    qn("w:tcPr"), qn("w:trPr"), qn("w:vMerge"), qn("w:gridSpan"), qn("w:gridBefore"))
#: run children that stand for a character, as python-docx's Run.text reads them (w:br is handled apart)
_RUN_CHARACTERS = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}


def read_docx(path: Path) -> list[list[Block]]:
    """The document body as one stream of blocks."""
    document = open_package(path, "docx")
    try:
        return [_body_blocks(document, Budget(path.name))]
    except IntakeError:
        raise
    except Exception as exc:  # the body is read lazily; any failure here is the file's
        raise IntakeError(path.name, f"damaged Word (.docx) file: {first_line(exc)}",
                          uk="файл Word (.docx) пошкоджений: його не вдалося прочитати", code="INTAKE-FORMAT") from exc


def _body_blocks(document: DocxDocument, budget: Budget) -> list[Block]:
    blocks: list[Block] = []
    tables = paragraphs = 0
    for element in _body_elements(document.element.body):
        budget.look()
        if element.tag == _P:
            paragraphs += 1
            text = paragraph_text(element)
            if text.strip():
                budget.paragraph()
                blocks.append(Paragraph(text=text, location=SourceLocation(part=PARAGRAPH, row=paragraphs)))
        elif element.tag == _TBL:
            tables += 1
            blocks.extend(_table_blocks(element, tables, budget))
    return blocks


def _body_elements(body: BaseOxmlElement) -> Iterator[BaseOxmlElement]:
    for element in body.iterchildren():
        if element.tag == _SDT:
            # Content controls wrap ordinary paragraphs and tables; read through them.
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_elements(content)
        else:
            yield element


def _table_blocks(tbl: CT_Tbl, number: int, budget: Budget) -> list[Block]:
    part = f"таблиця {number}"
    grid = tbl.tblGrid
    width = len(grid.gridCol_lst) if grid is not None else 0
    rows: list[Block] = []
    for index, tr in enumerate(tbl.iterchildren(_TR), start=1):
        budget.look()
        cells = _row_cells(tr, width, budget)
        location = SourceLocation(part=part, row=index)
        if width and width < _MIN_REPORT_COLUMNS:
            text = " ".join(cell for cell in cells if cell.strip())
            if text:
                rows.append(Paragraph(text=text, location=location))
        else:
            rows.append(Row(cells=tuple(cells), location=location))
    return rows


def _row_cells(tr: CT_Row, width: int, budget: Budget) -> list[str]:
    # Rows may start after skipped grid columns (w:gridBefore); keep the cells under their headers.
    before = _number(tr, _TR_PR, _GRID_BEFORE, 0)
    spans = [(tc, _number(tc, _TC_PR, _GRID_SPAN, 1)) for tc in tr.iterchildren(_TC)]
    # counted before any text is read or any column padded: a huge row costs nothing
    budget.row(max(width, before + sum(span for _, span in spans)))
    cells: list[str] = [""] * before
    for tc, span in spans:
        # A vertically merged cell continues the one above: its text was counted there.
        text = "" if _v_merge(tc) == "continue" else "\n".join(paragraph_text(p) for p in tc.iterchildren(_P))
        cells.append(text)
        # A cell spanning several grid columns is read once; the columns it covers stay empty.
        cells.extend([""] * (span - 1))
    if width and len(cells) < width:
        cells.extend([""] * (width - len(cells)))
    return cells


def paragraph_text(p: CT_P) -> str:
    """A paragraph's text as python-docx reads it (runs and hyperlinks' runs; tabs, breaks, hyphens as
    characters), walked directly: python-docx's XPath per run is most of the time a large file takes."""
    parts: list[str] = []
    for child in p.iterchildren(_R, _HYPERLINK):
        for run in (child,) if child.tag == _R else child.iterchildren(_R):
            for item in run.iterchildren():
                tag = item.tag
                if tag == _T:
                    parts.append(item.text or "")
                elif tag == _BR:
                    # a page or column break is no text; a line break (the default type) is
                    parts.append("\n" if item.get(_TYPE, "textWrapping") == "textWrapping" else "")
                elif tag in _RUN_CHARACTERS:
                    parts.append(_RUN_CHARACTERS[tag])
    return "".join(parts)


def _v_merge(tc: CT_Tc) -> str | None:
    properties = tc.find(_TC_PR)
    merge = properties.find(_V_MERGE) if properties is not None else None
    # <w:vMerge/> without a value continues the cell above (the schema's default)
    return None if merge is None else merge.get(_VAL, "continue")


def _number(element: BaseOxmlElement, properties_tag: str, tag: str, default: int) -> int:
    properties = element.find(properties_tag)
    found = properties.find(tag) if properties is not None else None
    try:
        value = int(found.get(_VAL)) if found is not None else default
    except (TypeError, ValueError):
        return default
    # a damaged file may say anything here; a span is at least one column and never absurdly wide
    return min(max(value, 0 if default == 0 else 1), 1000)
