"""Finding the reports in a stream of blocks: header lines, the table under its header, the signature."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zvit.intake.blocks import Block, Paragraph, Row
from zvit.model import SourceLocation
from zvit.normalize.columns import Column, header_columns, is_numbering_row, merge_header_levels
from zvit.normalize.text import collapse_spaces

_TITLE = re.compile(r"^\s*(?:зведений\s+)?звіт\b", re.IGNORECASE)
_TOTAL = re.compile(r"^\s*(?:всього|усього|разом|загалом)\b", re.IGNORECASE)
_POSITION = re.compile(
    r"^\s*(?:т\.?\s*в\.?\s*о\.?|в\.?\s*о\.?|заступник|начальник|директор|керівник|голова|секретар|"
    r"головний\s+спеціаліст|провідний\s+спеціаліст|спеціаліст|виконавець|міський\s+голова)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[А-ЯІЇЄҐ][а-яіїєґʼ'’]+\s+[А-ЯІЇЄҐʼ'’\-]{2,}$")


@dataclass
class RawReport:
    """One report's parts before interpretation: header text, table header and body rows, footer text."""

    header_lines: list[str]
    #: where each header line stands in the file, in step with header_lines
    header_locations: list[SourceLocation]
    columns: list[Column]
    width: int
    rows: list[Row]
    footer_lines: list[str] = field(default_factory=list)


def block_text(block: Block) -> str:
    """A paragraph's text, or a row's filled cells joined (titles in Excel and CSV sit in cells)."""
    text = block.text if isinstance(block, Paragraph) else " ".join(cell for cell in block.cells if cell.strip())
    return collapse_spaces(text.replace("\n", " "))


def is_total_row(row: Row) -> bool:
    """True for the «Всього» row."""
    return any(_TOTAL.match(cell) for cell in row.cells)


def is_signature(text: str) -> bool:
    """True for a signer's position or «Ім'я ПРІЗВИЩЕ»."""
    return bool(_POSITION.match(text) or _NAME.match(text.strip()))


def split_reports(blocks: list[Block]) -> list[RawReport]:
    """Every report in one stream, each with its table found by header text."""
    headers = _find_headers(blocks)
    if not headers:
        return []
    titles = [i for i, block in enumerate(blocks) if _TITLE.match(block_text(block)) and _single_text(block)]
    starts: list[tuple[int, int, list[Column], int]] = []  # (region start, header index, columns, header rows)
    previous = -1
    for index, columns, depth in headers:
        between = [t for t in titles if previous < t < index]
        if not starts:
            starts.append((0, index, columns, depth))
        elif between:
            starts.append((between[0], index, columns, depth))
        previous = index
    reports = []
    for number, (start, header, columns, depth) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(blocks)
        header_row = blocks[header]
        assert isinstance(header_row, Row)
        reports.append(_cut(blocks, start, header, depth, end, columns, len(header_row.cells)))
    return reports


def _single_text(block: Block) -> bool:
    return isinstance(block, Paragraph) or sum(1 for cell in block.cells if cell.strip()) == 1


def _find_headers(blocks: list[Block]) -> list[tuple[int, list[Column], int]]:
    found = []
    for index in range(len(blocks)):
        header = detect_header(blocks, index)
        if header:
            found.append((index, *header))
    return found


def detect_header(blocks: list[Block], index: int) -> tuple[list[Column], int] | None:
    """The columns and depth (1 or 2 rows) of a table header starting at this block, or None."""
    block = blocks[index]
    if not isinstance(block, Row):
        return None
    single = header_columns(block.cells)
    nxt = blocks[index + 1] if index + 1 < len(blocks) else None
    double = None
    if isinstance(nxt, Row) and not is_numbering_row(nxt.cells) and not header_columns(nxt.cells):
        double = header_columns(merge_header_levels(block.cells, nxt.cells))
    if double and (not single or len(double) > len(single)):
        return double, 2
    return (single, 1) if single else None


def _cut(blocks: list[Block], start: int, header_at: int, depth: int, end: int, columns: list[Column],
         width: int) -> RawReport:
    header = [(text, b.location) for b in blocks[start:header_at] if (text := block_text(b))]
    header_lines = [text for text, _ in header]
    body = blocks[header_at + depth:end]
    last_row = max((i for i, b in enumerate(body) if isinstance(b, Row) and block_text(b)), default=-1)
    rows: list[Row] = []
    footer: list[str] = []
    in_footer = False
    skip = 0
    for i, block in enumerate(body):
        text = block_text(block)
        if in_footer or i > last_row:
            if text:
                footer.append(text)
            continue
        if isinstance(block, Paragraph):
            continue  # page markers («Додаток») and stray lines between the rows of one table
        if skip:
            skip -= 1
            continue
        repeated = detect_header(body, i)
        if repeated or is_numbering_row(block.cells):
            # The header and its numbering row are repeated after each page break.
            skip = repeated[1] - 1 if repeated else 0
            continue
        if rows and _single_text(block) and text and is_signature(text):
            in_footer = True
            footer.append(text)
            continue
        rows.append(block)
        if is_total_row(block):
            in_footer = True
    return RawReport(header_lines=header_lines, header_locations=[location for _, location in header],
                     columns=columns, width=width, rows=rows, footer_lines=footer)
