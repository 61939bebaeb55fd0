"""The report as an Excel workbook: numbers as numbers, totals as formulas with their values cached, frozen headers."""

from __future__ import annotations

import io
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.worksheet import Worksheet

from zvit.formatting import THOUSANDS, Unit
from zvit.report import present
from zvit.report.atomic import write_atomic
from zvit.report.model import Amounts, ConsolidatedReport, Section
from zvit.report.safety import looks_like_formula
from zvit.report.texts import column_heading, texts, title
from zvit.report.xlsx_cache import cache_formula_values

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
_RIGHT = Alignment(horizontal="right", vertical="top")
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_DEPARTMENT_FILL = PatternFill("solid", fgColor="E7EBF0")
_NOT_COUNTED_FILL = PatternFill("solid", fgColor="FBEAEA")
_PERCENT = "0.00%"
_FORM_FIELDS = ("number", "task", "content", "term", "executors", "planned", "annual", "financed",
                "reported_percent", "computed_percent", "info")
_FORM_WIDTHS = (6, 28, 42, 11, 22, 15, 15, 15, 12, 13, 50)
_AMOUNT_COLUMNS = {"planned": "F", "annual": "G", "financed": "H"}
_ALIGNMENTS = {"wrap": _WRAP, "center": _CENTER, "right": _RIGHT}
_FILLS = {"header": _HEADER_FILL, "department": _DEPARTMENT_FILL, "not_counted": _NOT_COUNTED_FILL}


@dataclass(frozen=True)
class _Look:
    """How a cell looks, by name: cheap to hash, unlike openpyxl's style objects."""

    align: str | None = None
    number_format: str | None = None
    bold: bool = False
    fill: str | None = None
    border: bool = True


class _Styler:
    """Gives cells their look, each look built from openpyxl's style objects only once per workbook.

    Setting `cell.border` (or font, fill...) hashes the whole style object to find it in the workbook's list:
    tens of thousands of cells spent seconds on that. A look's resulting style indexes are kept and copied.
    """

    def __init__(self) -> None:
        self._styles: dict[_Look, StyleArray] = {}

    def __call__(self, cell: Cell, look: _Look) -> Cell:
        """Style the cell; anything set on it afterwards (a quote prefix) stays its own."""
        style = self._styles.get(look)
        if style is not None:
            cell._style = copy(style)
            return cell
        cell._style = StyleArray()
        if look.border:
            cell.border = _BORDER
        if look.align:
            cell.alignment = _ALIGNMENTS[look.align]
        if look.number_format:
            cell.number_format = look.number_format
        if look.bold:
            cell.font = _BOLD
        if look.fill:
            cell.fill = _FILLS[look.fill]
        self._styles[look] = copy(cell._style)
        return cell


@dataclass
class _Sheet:
    """A worksheet being written, with the values of its formulas to cache and its merged ranges."""

    ws: Worksheet
    style: _Styler
    cached: dict[str, Any] = field(default_factory=dict)
    merged: list[CellRange] = field(default_factory=list)
    row: int = 1

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        """Merge a range; the ranges are set on the worksheet by `finish_merges`."""
        self.merged.append(CellRange(min_row=first_row, min_col=first_column, max_row=last_row,
                                     max_col=last_column))

    def finish_merges(self) -> None:
        """Set every merged range at once.

        openpyxl's `merge_cells` compares each new range with every earlier one and redraws its borders:
        quadratic in the number of measures. The form's ranges never overlap, nothing is written in a range
        but its first cell, and every cell already has its border.
        """
        self.ws.merged_cells = MultiCellRange(self.merged)


def render_xlsx(report: ConsolidatedReport, *, unit: Unit = THOUSANDS) -> bytes:
    """The report's workbook: the official form, the status of every department and the data-quality findings."""
    words = texts()
    workbook = Workbook()
    style = _Styler()
    form = _Sheet(workbook.active, style)
    form.ws.title = words["sheets"]["form"]
    _write_form(form, report, unit)
    _write_status(_Sheet(workbook.create_sheet(words["sheets"]["status"]), style), report)
    _write_quality(_Sheet(workbook.create_sheet(words["sheets"]["quality"]), style), report)
    workbook.properties.title = title(report.program.title, report.period)
    workbook.properties.creator = "zvit"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl cannot store a formula's value: add it, so readers that do not calculate still see the totals
    return cache_formula_values(buffer.getvalue(), {1: form.cached})


def write_xlsx(report: ConsolidatedReport, path: Path, *, unit: Unit = THOUSANDS) -> Path:
    """Write the workbook atomically."""
    return write_atomic(path, render_xlsx(report, unit=unit))


def _text(cell: Cell, value: str | None) -> Cell:
    """Put text in a cell as text: «=...», «+...», «-...», «@...» from a submission never becomes a formula.

    The cell is styled first: the quote prefix is part of its style.
    """
    cell.value = value
    if value is not None:
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    return cell


def _number(cell: Cell, value: Decimal | None) -> Cell:
    # xlsx stores IEEE doubles: the one place where a Decimal becomes a float
    cell.value = None if value is None else float(value)
    return cell


def _formula(sheet: _Sheet, cell: Cell, formula: str, value: Decimal | None) -> Cell:
    cell.value = formula
    sheet.cached[cell.coordinate] = None if value is None else float(value)
    return cell


def _merged_text(sheet: _Sheet, text: str, *, columns: int = 11, bold: bool = False, height: float | None = None,
                 fill: str | None = None, border: bool = False) -> None:
    ws, row = sheet.ws, sheet.row
    _text(sheet.style(ws.cell(row, 1), _Look(align="wrap", bold=bold, fill=fill, border=border)), text)
    if fill or border:
        covered = _Look(fill=fill, border=border)
        for column in range(2, columns + 1):
            sheet.style(ws.cell(row, column), covered)
    sheet.merge(row, 1, row, columns)
    if height:
        ws.row_dimensions[row].height = height
    sheet.row += 1


def _write_form(sheet: _Sheet, report: ConsolidatedReport, unit: Unit) -> None:
    words, ws = texts(), sheet.ws
    amount_format = "#,##0." + "0" * unit.places
    _merged_text(sheet, title(report.program.title, report.period), bold=True, height=32)
    if report.program.full_title:
        _merged_text(sheet, report.program.full_title, height=30)
    for label, value in present.passport(report):
        _merged_text(sheet, f"{label}: {value}")
    _merged_text(sheet, f"{present.coverage(report)} {words['notes'][unit.code]} {words['notes']['ratio']}",
                 height=30)
    sheet.row += 1
    header = sheet.row
    _write_form_header(sheet, header, unit)
    sheet.row = header + 3
    ws.freeze_panes = ws.cell(sheet.row, 1)
    ws.print_title_rows = f"{header}:{header + 2}"
    subtotals: list[int] = []
    for section in report.sections:
        subtotal = _write_section(sheet, section, unit, amount_format)
        if subtotal:
            subtotals.append(subtotal)
    _write_total(sheet, report.total, subtotals, unit, amount_format)
    sheet.finish_merges()
    for index, width in enumerate(_FORM_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_form_header(sheet: _Sheet, row: int, unit: Unit) -> None:
    ws = sheet.ws
    for offset in range(3):
        look = _Look(align="center", bold=offset < 2, fill="header")
        for column in range(1, 12):
            sheet.style(ws.cell(row + offset, column), look)
    headings = {f: column_heading(f, unit.code) for f in (*_FORM_FIELDS, "percent")}
    for column, field_name in enumerate(_FORM_FIELDS, start=1):
        if field_name in ("reported_percent", "computed_percent"):
            continue
        _text(ws.cell(row, column), headings[field_name])
        sheet.merge(row, column, row + 1, column)
    _text(ws.cell(row, 9), headings["percent"])
    sheet.merge(row, 9, row, 10)
    _text(ws.cell(row + 1, 9), headings["reported_percent"])
    _text(ws.cell(row + 1, 10), headings["computed_percent"])
    # the numbering row of the official form: 1..8, 9 over both percent columns, 10
    for column in range(1, 10):
        ws.cell(row + 2, column).value = column
    ws.cell(row + 2, 11).value = 10
    sheet.merge(row + 2, 9, row + 2, 10)
    ws.row_dimensions[row].height = 54
    ws.row_dimensions[row + 1].height = 30


def _write_section(sheet: _Sheet, section: Section, unit: Unit, amount_format: str) -> int | None:
    """Write a department's block; returns the row of its subtotal (None when it is not counted)."""
    words, ws = texts(), sheet.ws
    _merged_text(sheet, present.section_heading(section), bold=section.counted, border=True,
                 fill="department" if section.counted else "not_counted")
    if section.totals is None:
        return None
    first = sheet.row
    for measure in section.measures:
        top = sheet.row
        for line in measure.lines:
            row = sheet.row
            _style_row(sheet, row, amount_format)
            if row == top:
                _text(ws.cell(row, 1), measure.number)
                _text(ws.cell(row, 2), measure.task)
            for column, value in ((3, line.content), (4, line.term), (5, line.executors), (11, line.info)):
                _text(ws.cell(row, column), value)
            _number(ws.cell(row, 6), _scaled(line.amounts.planned, unit))
            _number(ws.cell(row, 7), _scaled(line.amounts.annual, unit))
            _number(ws.cell(row, 8), _scaled(line.amounts.financed, unit))
            _number(ws.cell(row, 9), _fraction(line.reported_percent))
            _ratio_formula(sheet, row, line.amounts)
            sheet.row += 1
        if sheet.row - top > 1:
            # sub-items sit under their measure: number and task span the measure's rows
            sheet.merge(top, 1, sheet.row - 1, 1)
            sheet.merge(top, 2, sheet.row - 1, 2)
    last, row = sheet.row - 1, sheet.row
    _style_row(sheet, row, amount_format, bold=True)
    _text(ws.cell(row, 1), words["rows"]["subtotal"])
    sheet.merge(row, 1, row, 5)
    totals = section.totals
    for field_name, letter in _AMOUNT_COLUMNS.items():
        _formula(sheet, ws[f"{letter}{row}"], f"=SUM({letter}{first}:{letter}{last})",
                 _scaled(getattr(totals, field_name), unit))
    _number(ws.cell(row, 9), _fraction(section.reported_percent))
    _ratio_formula(sheet, row, totals)
    sheet.row += 1
    return row


def _write_total(sheet: _Sheet, total: Amounts, subtotals: list[int], unit: Unit, amount_format: str) -> None:
    ws, row = sheet.ws, sheet.row
    _style_row(sheet, row, amount_format, bold=True, fill="department")
    _text(ws.cell(row, 1), texts()["rows"]["total"])
    sheet.merge(row, 1, row, 5)
    if subtotals:
        for field_name, column in _AMOUNT_COLUMNS.items():
            cells = ",".join(f"{column}{subtotal}" for subtotal in subtotals)
            _formula(sheet, ws[f"{column}{row}"], f"=SUM({cells})", _scaled(getattr(total, field_name), unit))
        _ratio_formula(sheet, row, total)
    sheet.row += 1


def _ratio_formula(sheet: _Sheet, row: int, amounts: Amounts) -> None:
    # the cached value is what the formula gives, financed / annual unrounded; the cell shows two decimals
    value = None
    if amounts.annual and amounts.financed is not None:
        value = amounts.financed / amounts.annual
    _formula(sheet, sheet.ws.cell(row, 10), f'=IF(N(G{row})=0,"",H{row}/G{row})', value)


def _style_row(sheet: _Sheet, row: int, amount_format: str, *, bold: bool = False, fill: str | None = None) -> None:
    """Borders on the whole row: text wraps, amounts and percentages right-aligned in their formats."""
    text = _Look(align="wrap", bold=bold, fill=fill)
    amount = _Look(align="right", number_format=amount_format, bold=bold, fill=fill)
    percent = _Look(align="right", number_format=_PERCENT, bold=bold, fill=fill)
    for column in range(1, 12):
        look = amount if 6 <= column <= 8 else percent if column in (9, 10) else text
        sheet.style(sheet.ws.cell(row, column), look)


def _scaled(value: Decimal | None, unit: Unit) -> Decimal | None:
    return None if value is None else unit.scale(value)


def _fraction(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / 100


def _table(sheet: _Sheet, headings: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    ws = sheet.ws
    heading_look = _Look(align="center", bold=True, fill="header")
    moment, day, plain = (_Look(align="wrap", number_format="dd.mm.yyyy hh:mm"),
                          _Look(align="wrap", number_format="dd.mm.yyyy"), _Look(align="wrap"))
    for column, heading in enumerate(headings, start=1):
        _text(sheet.style(ws.cell(1, column), heading_look), heading)
    for row_index, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row_index, column)
            if isinstance(value, datetime):
                sheet.style(cell, moment).value = value
            elif isinstance(value, date):
                sheet.style(cell, day).value = value
            elif isinstance(value, int):
                sheet.style(cell, plain).value = value
            else:
                _text(sheet.style(cell, plain), value)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{max(len(rows) + 1, 2)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"


def _write_status(sheet: _Sheet, report: ConsolidatedReport) -> None:
    words = texts()
    names = ("department", "responsible", "file", "version", "received", "deadline", "timeliness", "status",
             "lines", "reasons")
    headings = [words["columns"]["number"], *(words["status"]["columns"][name] for name in names)]
    rows = []
    for number, status in enumerate(report.statuses, start=1):
        shown = present.status_fields(status)
        # dates, times (city time: Excel has no time zones) and counts stay typed, to sort and filter by
        typed = {"version": status.version, "deadline": status.deadline, "lines": status.line_count,
                 "received": status.received_at.replace(tzinfo=None) if status.received_at else None}
        rows.append([number, *(typed[name] if name in typed else shown[name] or None for name in names)])
    _table(sheet, headings, rows, [5, 40, 14, 32, 8, 17, 12, 15, 24, 10, 70])
    if report.refused:
        _write_refused(sheet, report, first_row=len(rows) + 3)


def _write_refused(sheet: _Sheet, report: ConsolidatedReport, *, first_row: int) -> None:
    """Under the status table, after an empty row: the refused files no department could be told from.

    The columns line up with the status table's: the file under «Отриманий файл», the time under «Отримано».
    """
    words, ws = texts(), sheet.ws
    columns = words["refused"]["columns"]
    #: status-table column of each refused-file field (1-based): №, file, received, fate, reason
    placed = {"number": 1, "file": 4, "received": 6, "fate": 9, "reason": 11}
    heading_look = _Look(align="center", bold=True, fill="header")
    sheet.row = first_row
    _merged_text(sheet, f"{words['refused']['heading']}. {words['refused']['note']}", bold=True, height=30)
    for name, column in placed.items():
        label = words["columns"]["number"] if name == "number" else columns[name]
        _text(sheet.style(ws.cell(sheet.row, column), heading_look), label)
    moment, plain = _Look(align="wrap", number_format="dd.mm.yyyy hh:mm"), _Look(align="wrap")
    for number, refused in enumerate(report.refused, start=1):
        row = sheet.row + number
        shown = present.refused_fields(refused)
        sheet.style(ws.cell(row, placed["number"]), plain).value = number
        _text(sheet.style(ws.cell(row, placed["file"]), plain), shown["file"])
        # city time, typed: Excel has no time zones
        sheet.style(ws.cell(row, placed["received"]), moment).value = refused.received_at.replace(tzinfo=None)
        _text(sheet.style(ws.cell(row, placed["fate"]), plain), shown["fate"])
        _text(sheet.style(ws.cell(row, placed["reason"]), plain), shown["reason"] or None)
    sheet.finish_merges()


def _write_quality(sheet: _Sheet, report: ConsolidatedReport) -> None:
    words = texts()
    names = ("department", "measure", "cell", "value", "expected", "message", "severity", "rule")
    headings = [words["columns"]["number"], *(words["quality"]["columns"][name] for name in names)]
    rows = [[number, *(present.finding_fields(finding)[name] or None for name in names)]
            for number, finding in enumerate(report.findings, start=1)]
    _table(sheet, headings, rows, [5, 36, 14, 30, 22, 18, 80, 18, 28])
