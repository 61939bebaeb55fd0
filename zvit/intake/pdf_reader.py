"""Digital PDF reports (printed from Word or LibreOffice): the tables by pdfplumber's table extraction, the text
around them as paragraphs, in reading order. A scan (no text layer) is refused in one line.

Before pdfplumber parses anything the file is bounded: its size, what its compressed streams inflate to (a PDF
bomb), its page count and its characters.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

from zvit.errors import IntakeError
from zvit.intake.blocks import Block, Paragraph, Row
from zvit.intake.limits import MAX_PDF_BYTES, MAX_PDF_CHARS, MAX_PDF_INFLATED_BYTES, MAX_PDF_PAGES, Budget
from zvit.model import PARAGRAPH, SourceLocation

_STREAM = re.compile(rb"stream\r?\n")
_SCANNED = "a scanned PDF (no text layer) cannot be read: send the Word (.docx) or Excel (.xlsx) file"
#: a line whose right edge is this close to its cell's (points) was broken by the width, not by a space
_FULL_LINE = 12.0


def read_pdf(path: Path) -> list[list[Block]]:
    """Every page's paragraphs and table rows as one stream of blocks."""
    _check_bounds(path)
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    budget = Budget(path.name)
    blocks: list[Block] = []
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise IntakeError(path.name, f"more than {MAX_PDF_PAGES} pages: too large for a report",
                                  code="INTAKE-LIMIT")
            characters = sum(len(page.chars) for page in pdf.pages)
            if characters == 0:
                raise IntakeError(path.name, _SCANNED, code="INTAKE-FORMAT")
            if characters > MAX_PDF_CHARS:
                raise IntakeError(path.name, f"more than {MAX_PDF_CHARS} characters: too large for a report",
                                  code="INTAKE-LIMIT")
            paragraphs = 0
            for page in pdf.pages:
                page_blocks, paragraphs = _page_blocks(page, paragraphs, budget)
                blocks += page_blocks
    except IntakeError:
        raise
    except (PDFSyntaxError, Exception) as error:  # noqa: BLE001 - pdfminer raises many kinds for a damaged file
        raise IntakeError(path.name, f"damaged PDF file: {type(error).__name__}", code="INTAKE-FORMAT") from None
    return [blocks]


def _check_bounds(path: Path) -> None:
    """Refuse a file too large, or whose streams inflate past the limit, before any PDF parser sees it."""
    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        raise IntakeError(path.name, f"the file is larger than {MAX_PDF_BYTES // 2**20} MB: too large for a report",
                          code="INTAKE-LIMIT")
    data = path.read_bytes()
    inflated = 0
    for match in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        position = match.end()
        try:
            # inflate in bounded steps: a bomb is stopped at the limit, never held whole
            chunk = inflater.decompress(data[position:position + 2**20], MAX_PDF_INFLATED_BYTES - inflated + 1)
            while chunk:
                inflated += len(chunk)
                if inflated > MAX_PDF_INFLATED_BYTES:
                    raise IntakeError(path.name, f"its compressed content inflates past "
                                                 f"{MAX_PDF_INFLATED_BYTES // 2**20} MB: a PDF bomb",
                                      code="INTAKE-LIMIT")
                tail = inflater.unconsumed_tail
                if not tail:
                    position += 2**20
                    if position >= len(data) or inflater.eof:
                        break
                    tail = data[position:position + 2**20]
                chunk = inflater.decompress(tail, MAX_PDF_INFLATED_BYTES - inflated + 1)
        except zlib.error:
            continue  # not a Flate stream (an image, plain text): nothing inflates


def _page_blocks(page: Any, paragraphs: int, budget: Budget) -> tuple[list[Block], int]:
    number = page.page_number
    tables = page.find_tables()
    placed: list[tuple[float, Block]] = []
    for table_number, table in enumerate(tables, start=1):
        part = f"сторінка {number}, таблиця {table_number}"
        for index, row in enumerate(table.rows, start=1):
            budget.look(cells=len(row.cells))
            budget.row(len(row.cells))
            cells = tuple(_cell_text(page, cell) for cell in row.cells)
            if any(cells):
                placed.append((row.bbox[1], Row(cells=cells, location=SourceLocation(part=part, row=index))))
    boxes = [table.bbox for table in tables]

    def outside(obj: dict[str, Any]) -> bool:
        middle_x, middle_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes)

    text = page.filter(outside)
    for top, line in _paragraph_lines(text.extract_text_lines(), page.width):
        budget.look()
        budget.paragraph()
        paragraphs += 1
        placed.append((top, Paragraph(text=line, location=SourceLocation(part=PARAGRAPH, row=paragraphs))))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed], paragraphs


def _paragraph_lines(lines: list[dict[str, Any]], width: float) -> list[tuple[float, str]]:
    """Lines joined back into paragraphs: a line that runs to the right margin goes on in the next one."""
    if not lines:
        return []
    right = max(line["x1"] for line in lines)
    joined: list[tuple[float, str]] = []
    previous: dict[str, Any] | None = None
    for line in lines:
        text = " ".join(line["text"].split())
        if previous is not None and right - previous["x1"] < _FULL_LINE * 3 \
                and line["top"] - previous["bottom"] < (previous["bottom"] - previous["top"]):
            top, before = joined[-1]
            joined[-1] = (top, _join(before, text))
        else:
            joined.append((line["top"], text))
        previous = line
    return joined


def _cell_text(page: Any, bbox: tuple[float, float, float, float] | None) -> str:
    """A cell's text with its lines joined back: a word the width broke is one word again."""
    if bbox is None:
        return ""
    lines = page.within_bbox(bbox, strict=False).extract_text_lines()
    text = ""
    previous: dict[str, Any] | None = None
    for line in lines:
        words = " ".join(line["text"].split())
        if previous is None:
            text = words
        elif " " not in previous["text"].strip() and bbox[2] - previous["x1"] < _FULL_LINE:
            text += words  # one word wider than the cell, broken where the cell ends
        else:
            text = _join(text, words)
        previous = line
    return text


def _join(before: str, after: str) -> str:
    # a line ending in a hyphen goes on without a space: «матеріально-» + «технічними»
    return before + after if before.endswith("-") else f"{before} {after}"
