"""Excel reports (.xlsx): saved cell values only, percent formats undone, unsaved formulas flagged."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter

from zvit.errors import IntakeError
from zvit.intake.blocks import Block, Row
from zvit.intake.limits import Budget
from zvit.intake.ooxml import first_line, open_package
from zvit.model import SourceLocation

if TYPE_CHECKING:
    from openpyxl.cell.read_only import EmptyCell, ReadOnlyCell
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")


def read_xlsx(path: Path) -> list[list[Block]]:
    """One stream of rows per sheet; formulas are never evaluated, only their saved values read."""
    workbook = open_package(path, "xlsx")
    streams: list[list[Block]] = []
    budget = Budget(path.name)
    try:
        for sheet in workbook.worksheets:
            budget.look()
            unsaved = _unsaved_formulas(path, getattr(sheet, "_worksheet_path", None))
            # The <dimension> a file declares is not trusted: "A1:XFD1048576" would pad every row to 16,384
            # cells and add a million empty rows. Each row is read as long as it really is.
            sheet.reset_dimensions()
            streams.append(list(_sheet_rows(sheet, unsaved, budget)))
    except IntakeError:
        raise
    except Exception as exc:  # sheets parse lazily; any failure here is the file's
        # defusedxml refuses entity declarations (billion laughs, external entities) while a sheet is read.
        raise IntakeError(path.name, f"damaged or unsafe Excel (.xlsx) file: {first_line(exc)}",
                          uk="файл Excel (.xlsx) пошкоджений або містить недозволені конструкції",
                          code="INTAKE-FORMAT") from exc
    finally:
        workbook.close()
    return streams


def _sheet_rows(sheet: ReadOnlyWorksheet, unsaved: set[tuple[int, int]], budget: Budget) -> Iterator[Row]:
    for cells in sheet.iter_rows():
        budget.look(cells=len(cells))
        if not cells:
            continue
        number = next((c.row for c in cells if getattr(c, "row", None)), None)
        if number is None:
            continue
        texts = tuple(_cell_text(cell) for cell in cells)
        missing = frozenset(i for i in range(len(cells)) if (number, i + 1) in unsaved)
        if not any(texts) and not missing:
            continue
        budget.row(len(cells))
        yield Row(
            cells=texts,
            location=SourceLocation(part=sheet.title, row=number),
            column_refs=tuple(get_column_letter(i + 1) for i in range(len(cells))),
            unsaved_formulas=missing,
        )


def _cell_text(cell: ReadOnlyCell | EmptyCell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in (getattr(cell, "number_format", "") or ""):
            # Excel keeps 51.88 % as 0.5188; the report means 51.88.
            return f"{_plain(number * 100)}%"
        return _plain(number)
    if isinstance(value, (datetime, date)):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _plain(number: Decimal) -> str:
    # A decimal comma, as a Ukrainian clerk would type it, so «1234.567» is never taken for thousands.
    return f"{number.normalize():f}".replace(".", ",")


def _unsaved_formulas(path: Path, member: str | None) -> set[tuple[int, int]]:
    """(row, column) of every formula cell with no saved value in one sheet's XML."""
    if not member:
        return set()
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(member.lstrip("/"))
    found: set[tuple[int, int]] = set()
    for match in _CELL.finditer(xml):
        inner = match.group(2) or b""
        if b"<f" not in inner and b":f" not in inner:
            continue
        if _VALUE.search(inner):
            continue
        ref = _REF.search(match.group(1))
        if ref:
            found.add((int(ref.group(2)), _column_index(ref.group(1).decode())))
    return found


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index
