"""Digital PDF reports (printed from Word or LibreOffice): the tables by pdfplumber's table extraction, the text
around them as paragraphs, in reading order. A scan (no text layer) is refused in one line.

Before pdfplumber parses anything the file is bounded: its size, what its compressed streams inflate to (a PDF
bomb), its page count and its characters.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from zvit.errors import IntakeError
from zvit.intake import limits
from zvit.intake.blocks import Block, Paragraph, Row
from zvit.intake.limits import MAX_PDF_BYTES, MAX_PDF_CHARS, MAX_PDF_INFLATED_BYTES, MAX_PDF_PAGES, Budget
from zvit.model import PARAGRAPH, SourceLocation

_STREAM = re.compile(rb"stream\r?\n")
_SCANNED = "a scanned PDF (no text layer) cannot be read: send the Word (.docx) or Excel (.xlsx) file"
_SCANNED_UK = "це сканований PDF — зображення сторінок без тексту, його не прочитати"
#: a paragraph's line that ends this close to the right margin (points) goes on in the next line
_FULL_LINE = 36.0


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
                                  uk=f"понад {limits.limit_text(MAX_PDF_PAGES)} сторінок — забагато для звіту",
                                  code="INTAKE-LIMIT")
            characters = sum(len(page.chars) for page in pdf.pages)
            if characters == 0:
                raise IntakeError(path.name, _SCANNED, uk=_SCANNED_UK, code="INTAKE-FORMAT")
            if characters > MAX_PDF_CHARS:
                raise IntakeError(path.name, f"more than {MAX_PDF_CHARS} characters: too large for a report",
                                  uk=f"понад {limits.limit_text(MAX_PDF_CHARS)} знаків тексту — забагато для звіту",
                                  code="INTAKE-LIMIT")
            paragraphs = 0
            pages = []
            for page in pdf.pages:
                page_blocks, paragraphs = _page_blocks(page, paragraphs, budget)
                pages.append(page_blocks)
            blocks = _blocks(pages)
    except IntakeError:
        raise
    except (PDFSyntaxError, Exception) as error:  # noqa: BLE001 - pdfminer raises many kinds for a damaged file
        raise IntakeError(path.name, f"damaged PDF file: {type(error).__name__}",
                          uk="файл PDF пошкоджений: його не вдалося прочитати", code="INTAKE-FORMAT") from None
    return [blocks]


def _check_bounds(path: Path) -> None:
    """Refuse a file too large, or whose streams inflate past the limit, before any PDF parser sees it."""
    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        raise IntakeError(path.name, f"the file is larger than {MAX_PDF_BYTES // 2**20} MB: too large for a report",
                          uk=f"файл більший за {limits.megabytes(MAX_PDF_BYTES)} — забагато для звіту",
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
                                      uk=f"стиснений вміст файлу розпаковується понад "
                                         f"{limits.megabytes(MAX_PDF_INFLATED_BYTES)}, як у шкідливих файлах",
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


@dataclass
class _Cell:
    """A table cell's lines of text (pdfplumber's, with their characters) and its box."""

    lines: list[dict[str, Any]]
    bbox: tuple[float, float, float, float] | None

    @property
    def text(self) -> str:
        return _cell_text(self.lines, self.bbox)


@dataclass(frozen=True)
class _Tag:
    """Where a marked piece of text sits in a tagged PDF's structure: its paragraph, the table cell and row."""

    paragraph: int
    cell: int
    #: the row when the paragraph is in a table, else the paragraph itself: what one line of text is made of
    group: int


def _tags(page: Any) -> dict[int, _Tag]:
    """Marked-content id -> its place in the page's structure tree; {} for an untagged PDF."""
    try:
        tree = page.structure_tree
    except Exception:  # noqa: BLE001 - a damaged structure tree: read the page as untagged
        return {}
    found: dict[int, _Tag] = {}
    counter = iter(range(1, 1 << 30))

    def walk(node: dict[str, Any], row: int | None, cell: int) -> None:
        kind = node.get("type")
        if kind == "TR":
            row = next(counter)
            for index, child in enumerate(node.get("children", [])):
                walk(child, row, index)
            return
        if node.get("mcids"):
            paragraph = next(counter)
            for mcid in node["mcids"]:
                found[mcid] = _Tag(paragraph, cell, row if row is not None else paragraph)
        for child in node.get("children", []):
            walk(child, row, cell)

    for node in tree:
        walk(node, None, 0)
    return found


def _page_blocks(page: Any, paragraphs: int, budget: Budget) -> tuple[list[tuple[float, Paragraph | list[_Cell],
                                                                               SourceLocation]], int]:
    """The page's paragraphs and table rows (as cells, to join a row the page break split), top to bottom."""
    number = page.page_number
    tables = page.find_tables()
    tags = _tags(page)
    placed: list[tuple[float, Paragraph | list[_Cell], SourceLocation]] = []
    for table_number, table in enumerate(tables, start=1):
        part = f"сторінка {number}, таблиця {table_number}"
        for index, row in enumerate(table.rows, start=1):
            budget.look(cells=len(row.cells))
            budget.row(len(row.cells))
            cells = [_Cell(_cell_lines(page, cell, tags), cell) for cell in row.cells]
            if any(cell.lines for cell in cells):
                placed.append((row.bbox[1], cells, SourceLocation(part=part, row=index)))
    boxes = [table.bbox for table in tables]

    def outside(obj: dict[str, Any]) -> bool:
        middle_x, middle_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes)

    text = page.filter(outside)
    lines = _tagged_lines(text, tags) if tags else _paragraph_lines(text.extract_text_lines(), page.width)
    for top, line in lines:
        budget.look()
        budget.paragraph()
        paragraphs += 1
        location = SourceLocation(part=PARAGRAPH, row=paragraphs)
        placed.append((top, Paragraph(text=line, location=location), location))
    placed.sort(key=lambda item: item[0])
    return placed, paragraphs


def _blocks(pages: list[list[tuple[float, Paragraph | list[_Cell], SourceLocation]]]) -> list[Block]:
    """The pages' blocks in order; a table row the page break split (the next page's table opens with a row whose
    first cell is empty, right after the row) is joined back into one row, as the file's author wrote it."""
    rows: list[tuple[list[_Cell], SourceLocation] | Paragraph] = []
    for page in pages:
        for index, (_, item, location) in enumerate(page):
            previous = rows[-1] if rows else None
            if (index == 0 and isinstance(item, list) and isinstance(previous, tuple)
                    and len(previous[0]) == len(item) and not item[0].lines):
                for before, after in zip(previous[0], item, strict=True):
                    if before.lines and after.lines and _goes_on(before.lines[-1], after.lines[0]):
                        # the paragraph the page break cut goes on: the same paragraph, though tagged anew
                        cut, going_on = before.lines[-1]["paragraph"], after.lines[0]["paragraph"]
                        for line in after.lines:
                            if going_on is not None and line["paragraph"] == going_on:
                                line["paragraph"] = cut
                    before.lines = before.lines + after.lines
                continue
            rows.append(item if isinstance(item, Paragraph) else (item, location))
    return [item if isinstance(item, Paragraph)
            else Row(cells=tuple(cell.text for cell in item[0]), location=item[1]) for item in rows]


def _tagged_lines(text: Any, tags: dict[int, _Tag]) -> list[tuple[float, str]]:
    """A tagged page's text outside the tables: one line per paragraph, and one per row of a table the lines do
    not draw (a signature laid out in two columns), its cells side by side, as a Word reader sees them."""
    groups: dict[int, dict[int, dict[int, list[dict[str, Any]]]]] = {}
    for char in text.chars:
        tag = tags.get(char.get("mcid")) if char.get("mcid") is not None else None
        if tag is not None:
            groups.setdefault(tag.group, {}).setdefault(tag.cell, {}).setdefault(tag.paragraph, []).append(char)
    found: list[tuple[float, str]] = []
    for cells in groups.values():
        texts: list[str] = []
        top = float("inf")
        for paragraphs in cells.values():
            for chars in paragraphs.values():
                ids = {id(char) for char in chars}
                part = text.filter(lambda obj, ids=ids: id(obj) in ids)
                lines = _annotated(part, [line for line in part.extract_text_lines() if line["text"].strip()], tags)
                if lines:
                    top = min(top, lines[0]["top"])
                    box = (min(x["x0"] for x in lines), lines[0]["top"], max(x["x1"] for x in lines),
                           lines[-1]["bottom"])
                    texts.append(_cell_text(lines, box))
        if texts:
            found.append((top, " ".join(t for t in texts if t)))
    return sorted(found, key=lambda item: item[0])


def _paragraph_lines(lines: list[dict[str, Any]], width: float) -> list[tuple[float, str]]:
    """Lines joined back into paragraphs: a line that runs to the right margin goes on in the next one."""
    if not lines:
        return []
    right = max(line["x1"] for line in lines)
    joined: list[tuple[float, str]] = []
    previous: dict[str, Any] | None = None
    for line in lines:
        text = " ".join(line["text"].split())
        if previous is not None and right - previous["x1"] < _FULL_LINE \
                and line["top"] - previous["bottom"] < (previous["bottom"] - previous["top"]):
            top, before = joined[-1]
            joined[-1] = (top, _join(before, text))
        else:
            joined.append((line["top"], text))
        previous = line
    return joined


def _goes_on(last: dict[str, Any], first: dict[str, Any]) -> bool:
    """Whether the text after a page break goes on with the paragraph before it: cut at a space, or inside a word
    (a new paragraph would start with a capital letter)."""
    return bool(last["broken_at_space"] or (first["text"].strip()[:1].islower()))


def _cell_lines(page: Any, bbox: tuple[float, float, float, float] | None,
                tags: dict[int, _Tag]) -> list[dict[str, Any]]:
    if bbox is None:
        return []
    x0, top, x1, bottom = bbox
    # a character belongs to the cell its middle is in: a line's glyphs may cross the cell's border by a hair
    inside = page.filter(lambda obj: x0 <= (obj["x0"] + obj["x1"]) / 2 <= x1
                         and top <= (obj["top"] + obj["bottom"]) / 2 <= bottom)
    return _annotated(inside, [line for line in inside.extract_text_lines() if line["text"].strip()], tags)


def _annotated(area: Any, lines: list[dict[str, Any]], tags: dict[int, _Tag]) -> list[dict[str, Any]]:
    """Each line told whether it was broken at a space and which paragraph it belongs to (tagged PDFs)."""
    spaces = [char for char in area.chars if char["text"] == " "]
    for line in lines:
        # the space a line was broken at, when the PDF keeps it (a tagged PDF, as Word and LibreOffice write)
        line["broken_at_space"] = any(abs(char["top"] - line["top"]) < 1 and char["x0"] >= line["x1"] - 0.5
                                      for char in spaces)
        line["tagged"] = any(char.get("mcid") is not None for char in line["chars"])
        tag = tags.get(line["chars"][0].get("mcid")) if line["chars"] else None
        line["paragraph"] = tag.paragraph if tag is not None else None
    return lines


def _cell_text(lines: list[dict[str, Any]], bbox: tuple[float, float, float, float] | None) -> str:
    """A cell's text with its lines joined back: a word the width broke is one word again.

    A tagged PDF keeps the space each line was broken at, so a line without one broke a word too wide for the
    cell. Otherwise a word is taken as broken when its line is one fragment filled so close to the right edge
    that not even the next character would fit (a line that ends a word exactly at the edge reads as one word
    with the next: untagged PDFs do not say which).
    """
    if bbox is None or not lines:
        return ""
    inner_right = bbox[2] - (min(line["x0"] for line in lines) - bbox[0])  # the padding is the same either side
    text = " ".join(lines[0]["text"].split())
    for previous, line in pairwise(lines):
        words = " ".join(line["text"].split())
        first = line["chars"][0] if line.get("chars") else None
        room = inner_right - previous["x1"]
        known = previous["paragraph"] is not None and line["paragraph"] is not None
        if (known and line["paragraph"] != previous["paragraph"]) or (
                not known and previous["tagged"] and not previous["broken_at_space"] and words[:1].isupper()):
            # a paragraph of its own, as a Word cell holds it (a paragraph the tree does not place, on a page the
            # previous one ran over from: a line that ends without its space before a capital letter ended one)
            text = f"{text}\n{words}"
        elif previous["broken_at_space"]:
            text = f"{text} {words}"
        elif previous["tagged"] or (first is not None and " " not in previous["text"].strip()
                                    and room < first["x1"] - first["x0"]):
            text += words
        else:
            text = _join(text, words)
    return text


def _join(before: str, after: str) -> str:
    # a line ending in a hyphen goes on without a space: «матеріально-» + «технічними»
    return before + after if before.endswith("-") else f"{before} {after}"
