"""Writing reports as a clerk's Excel file: a merged two-level header, typed numbers, percent as fractions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zvit.intake import ReportLayout
from zvit.model import MONEY_FIELDS, NUMBER_FIELDS
from zvit.normalize.columns import UNIT_NAMES, Column
from zvit.samples.cells import as_fraction, ordered_columns, plain_text, typed_amount, without_label

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

_WRAP = Alignment(wrap_text=True, vertical="top")


def write_xlsx(layouts: list[ReportLayout], path: Path) -> Path:
    """Write each report on its own sheet of an .xlsx workbook."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number, layout in enumerate(layouts, start=1):
        _write_sheet(workbook.create_sheet(f"Звіт {number}" if len(layouts) > 1 else "Звіт"), layout)
    workbook.save(path)
    return path


def _write_sheet(sheet: Worksheet, layout: ReportLayout) -> None:
    columns = ordered_columns(layout)
    width = len(columns)
    row = 1
    for line in layout.header_lines:
        sheet.cell(row, 1, line.replace("**", ""))
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    row = _write_header(sheet, columns, row + 1)
    for grid in layout.rows:
        if grid.kind == "total":
            sheet.cell(row, 1, "Всього:").font = Font(bold=True)
            first_number = next(i for i, c in enumerate(columns) if c.field in NUMBER_FIELDS)
            if first_number > 1:
                sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=first_number)
        for position, column in enumerate(columns, start=1):
            text = grid.cells.get(column.field, "")
            if grid.kind == "total":
                if column.field not in NUMBER_FIELDS:
                    continue
                text = without_label(text)
            _write_value(sheet.cell(row, position), column.field, text)
        row += 1
    for line in layout.footer_lines:
        sheet.cell(row + 1, 2, line)
        row += 1
    for position in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(position)].width = 18


def _write_header(sheet: Worksheet, columns: list[Column], row: int) -> int:
    """A two-level header: the money columns grouped under one merged «Обсяг фінансування» cell."""
    money = [i for i, c in enumerate(columns, start=1) if c.field in MONEY_FIELDS]
    units = {c.unit for c in columns if c.field in MONEY_FIELDS}
    unit = next(iter(units)) if len(units) == 1 else None
    group = "Обсяг фінансування" + (f", {UNIT_NAMES[unit]}" if unit is not None else "")
    for position, column in enumerate(columns, start=1):
        if position in money:
            lower = column.header.split(",")[0] if len(units) <= 1 else column.header
            sheet.cell(row + 1, position, lower).alignment = _WRAP
        else:
            sheet.cell(row, position, column.header).alignment = _WRAP
            sheet.merge_cells(start_row=row, start_column=position, end_row=row + 1, end_column=position)
    if money:
        sheet.cell(row, money[0], group).alignment = _WRAP
        sheet.merge_cells(start_row=row, start_column=money[0], end_row=row, end_column=money[-1])
    for position in range(1, len(columns) + 1):
        sheet.cell(row + 2, position, position)
    sheet.freeze_panes = sheet.cell(row + 3, 1)
    return row + 3


def _write_value(cell: Cell, field: str, text: str) -> None:
    amount = typed_amount(field, text)
    if amount is None:
        cell.value = plain_text(text) or None
        cell.alignment = _WRAP
    elif field == "percent":
        cell.value = as_fraction(amount.value)
        cell.number_format = "0.00%"
    else:
        cell.value = float(amount.value)
        cell.number_format = "#,##0.00"
