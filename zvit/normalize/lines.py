"""Turning table rows into report lines: sub-items, rows continued after a page break, the total row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from zvit.errors import IntakeError, NumberError
from zvit.intake.blocks import Row
from zvit.model import NUMBER_FIELDS, SourceLocation
from zvit.normalize.columns import TEXT_FIELDS, Column
from zvit.normalize.layout import is_total_row
from zvit.normalize.numbers import Amount, parse_number
from zvit.normalize.text import clean_cell

_MEASURE = re.compile(r"^\s*(\d+(?:\.\d+)*)\s*[.)]?\s*$")
_CONNECTIVES = r"\b(?:та|і|й|або|чи|з|із|зі|у|в|на|до|для|щодо|від|про|за|по|а також)"
# A text that ends like this goes on in the next row; a list item («…ради;») too, on a new line.
_OPEN_ENDING = re.compile(rf"(?:[,;:(\-–—]|{_CONNECTIVES})\s*$", re.IGNORECASE)
_MID_SENTENCE = re.compile(rf"(?:[,(\-–—]|{_CONNECTIVES})\s*$", re.IGNORECASE)


@dataclass
class GridRow:
    """A source row laid out under the report's columns: field → text as written."""

    cells: dict[str, str]
    location: SourceLocation
    unsaved: frozenset[str] = frozenset()
    #: "line", "sub_item", "continuation" or "total": what the row turned out to be
    kind: str = "line"


@dataclass
class LineDraft:
    """A report line being assembled; amounts are still in the unit they were written in."""

    measure: str | None
    sub_item: int
    texts: dict[str, str]
    amounts: dict[str, Decimal | None]
    notes: list[str]
    location: SourceLocation
    #: number field -> the words written after its number («402,70 відповідно до рішення …»)
    cell_notes: dict[str, str] = field(default_factory=dict)


@dataclass
class TableContent:
    """What the table says: its lines, its total row and the rows as laid out under the columns."""

    lines: list[LineDraft] = field(default_factory=list)
    total: dict[str, Decimal | None] | None = None
    total_location: SourceLocation | None = None
    grid: list[GridRow] = field(default_factory=list)


def read_table(source: str, rows: list[Row], columns: list[Column], width: int) -> TableContent:
    """Assemble the lines of one report table."""
    content = TableContent()
    number_columns = [c for c in columns if c.field in NUMBER_FIELDS]
    refs = {c.field: c for c in columns}
    for row in rows:
        grid = _lay_out(row, columns, number_columns, width, content.lines[-1] if content.lines else None)
        if not any(grid.cells.values()) and not grid.unsaved:
            continue
        content.grid.append(grid)
        amounts = _amounts(source, row, grid, refs)
        if is_total_row(row):
            content.total = {f: (a.value if a else None) for f, a in amounts.items()}
            content.total_location = row.location
            grid.kind = "total"
            continue
        grid.kind = _add_row(content, grid, amounts)
    return content


def _add_row(content: TableContent, grid: GridRow, amounts: dict[str, Amount | None]) -> str:
    texts = {f: clean_cell(grid.cells.get(f)) for f in TEXT_FIELDS}
    number_text = clean_cell(grid.cells.get("measure"))
    measure_match = _MEASURE.match(number_text)
    if number_text and not measure_match:
        # A merged «№ / task» cell: the text belongs to the task.
        texts["task"] = _join(number_text, texts["task"])
    has_numbers = any(a is not None for a in amounts.values())
    previous = content.lines[-1] if content.lines else None
    notes = [a.note for a in amounts.values() if a is not None and a.note]
    cell_notes = {f: a.note for f, a in amounts.items() if a is not None and a.note}
    values = {f: (a.value if a else None) for f, a in amounts.items()}
    number = measure_match.group(1) if measure_match else None
    if number and previous and previous.measure and number.startswith(previous.measure + "."):
        # «3.1» under measure 3 is a numbered sub-item of it.
        number = None
    elif number:
        content.lines.append(LineDraft(number, 0, texts, values, notes, grid.location, cell_notes))
        return "line"
    if previous and not measure_match and not has_numbers and not (
            texts["content"] and (texts["term"] or texts["executors"])):
        for name, text in texts.items():
            if text:
                previous.texts[name] = _join(previous.texts.get(name, ""), text)
        previous.notes.extend(notes)
        for name, note in cell_notes.items():
            previous.cell_notes[name] = _join(previous.cell_notes.get(name, ""), note)
        return "continuation"
    measure = previous.measure if previous else None
    sub_item = previous.sub_item + 1 if previous else 0
    if previous and not texts["task"]:
        texts["task"] = _task_of(content, measure)
    content.lines.append(LineDraft(measure, sub_item, texts, values, notes, grid.location, cell_notes))
    return "sub_item" if previous else "line"


def _task_of(content: TableContent, measure: str | None) -> str:
    return next((line.texts.get("task", "") for line in content.lines if line.measure == measure), "")


def _amounts(source: str, row: Row, grid: GridRow, refs: dict[str, Column]) -> dict[str, Amount | None]:
    amounts: dict[str, Amount | None] = {}
    for name in NUMBER_FIELDS:
        if name not in refs:
            continue
        column_ref = row.column_ref(refs[name].index)
        if name in grid.unsaved:
            raise IntakeError(source, "a formula whose value was never saved (open the file in Excel, save it "
                              "and send it again)", uk="формула без збереженого значення", code="INTAKE-FORMULA",
                              row=str(row.location), column=column_ref)
        text = grid.cells.get(name, "")
        try:
            amounts[name] = parse_number(text)
        except NumberError:
            raise IntakeError(source, "a number that cannot be read", uk="число не вдалося прочитати",
                              code="INTAKE-NUMBER", row=str(row.location), column=column_ref, value=text) from None
    return amounts


def _lay_out(row: Row, columns: list[Column], number_columns: list[Column], width: int,
             previous: LineDraft | None) -> GridRow:
    cells = list(row.cells)
    unsaved = frozenset(c.field for c in columns if c.index in row.unsaved_formulas)
    if len(cells) >= width:
        return GridRow({c.field: cells[c.index] if c.index < len(cells) else "" for c in columns},
                       row.location, unsaved)
    # A text export drops cells merged across columns, so a short row no longer lines up with the header.
    filled = [cell for cell in cells if cell.strip()]
    numeric = [cell for cell in filled if _is_number(cell)]
    if not numeric:
        return GridRow(_continue_unfinished(filled, columns, previous), row.location, unsaved)
    laid: dict[str, str] = {c.field: "" for c in columns}
    money = [c.field for c in number_columns if c.field != "percent"]
    after_numbers = False
    for cell in filled:
        if _is_number(cell):
            target = "percent" if "%" in cell and "percent" in laid else (money.pop(0) if money else None)
            if target:
                laid[target] = cell
            after_numbers = True
        elif after_numbers and "info" in laid:
            laid["info"] = _join(laid["info"], cell)
        else:
            text_field = next((c.field for c in columns if c.field in ("task", "content") and not laid[c.field]),
                              "info")
            laid[text_field] = cell
    return GridRow(laid, row.location, unsaved)


def _continue_unfinished(fragments: list[str], columns: list[Column], previous: LineDraft | None) -> dict[str, str]:
    laid = {c.field: "" for c in columns}
    open_fields = [c.field for c in columns if c.field in TEXT_FIELDS and previous
                   and _is_unfinished(previous.texts.get(c.field, ""))]
    targets = open_fields[: len(fragments)] if len(open_fields) >= len(fragments) else []
    if not targets:
        targets = (["content"] * (len(fragments) - 1) + ["info"])[-len(fragments):]
    for target, fragment in zip(targets, fragments, strict=False):
        laid[target] = _join(laid.get(target, ""), fragment)
    return laid


def _is_unfinished(text: str) -> bool:
    return bool(text) and (bool(_OPEN_ENDING.search(text)) or text.count("(") > text.count(")"))


def _is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except NumberError:
        return False


def _join(before: str, after: str) -> str:
    """Join text continued in another row: mid-sentence with a space, a new sentence on a new line."""
    before, after = before.strip(), after.strip()
    if not before or not after:
        return before or after
    if after[0].islower() or _MID_SENTENCE.search(before) or before.count("(") > before.count(")"):
        return f"{before} {after}"
    return f"{before}\n{after}"
