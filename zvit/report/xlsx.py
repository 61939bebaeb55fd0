"""The report as an Excel workbook: numbers as numbers, totals as formulas with their values cached, frozen headers."""

from __future__ import annotations

import io
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
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

from zvit.formatting import THOUSANDS, Unit, uk_datetime
from zvit.report import present
from zvit.report.atomic import write_atomic
from zvit.report.html import FORM_COLUMNS, charts
from zvit.report.model import Amounts, ConsolidatedReport, Line, Section
from zvit.report.safety import looks_like_formula
from zvit.report.texts import column_heading, mark_text, texts, title
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
_FORM_WIDTHS = (6, 28, 42, 11, 22, 15, 15, 15, 13, 56)
#: the form's columns, 1-based: the percent (9) and the information (10)
_PERCENT_COLUMN, _INFO_COLUMN = 9, 10
#: bars an Excel chart draws at most: a chart is then at most some 60 cm long
_CHART_ITEMS = 50
_COLUMNS = len(FORM_COLUMNS)
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
    """The report's workbook: the official form with its signature, the charts, the status of every department,
    the data-quality annex, and the lines in hryvnias with kopecks and their places in the departments' files."""
    words = texts()
    workbook = Workbook()
    style = _Styler()
    form = _Sheet(workbook.active, style)
    form.ws.title = words["sheets"]["form"]
    _write_form(form, report, unit)
    _write_signature(form, report)
    _write_charts(_Sheet(workbook.create_sheet(words["sheets"]["charts"]), style), report, unit)
    _write_status(_Sheet(workbook.create_sheet(words["sheets"]["status"]), style), report)
    _write_quality(_Sheet(workbook.create_sheet(words["sheets"]["quality"]), style), report)
    _write_data(_Sheet(workbook.create_sheet(words["sheets"]["data"]), style), report)
    document_title = title(report.program.title, report.period)
    for ws in workbook.worksheets:
        # «Сторінка 2 з 7» at the bottom right of every printed page, the title at the top
        ws.oddFooter.right.text = f"{words['page']['page']} &P {words['page']['of']} &N"
        ws.oddFooter.right.size = 8
        ws.oddHeader.center.text = document_title
        ws.oddHeader.center.size = 8
    properties = workbook.properties
    properties.title = document_title
    properties.creator = properties.lastModifiedBy = (report.signatures.issuer
                                                       or "; ".join(report.responsible_executors))
    properties.subject = report.program.full_title or report.program.title
    properties.keywords = f"{report.program.code}, {report.period.code}"
    properties.language = "uk-UA"
    # Excel keeps no time zone: the moment in UTC, as the file format says
    properties.created = properties.modified = report.prepared_at.astimezone(UTC).replace(tzinfo=None)
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


def _merged_text(sheet: _Sheet, text: str, *, columns: int = _COLUMNS, bold: bool = False, height: float | None = None,
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
    number, dated = present.outgoing(report)
    _merged_text(sheet, f"{dated}    {number}")
    _merged_text(sheet, title(report.program.title, report.period), bold=True, height=32)
    if report.program.full_title:
        _merged_text(sheet, report.program.full_title, height=30)
    for label, value in present.passport(report):
        _merged_text(sheet, f"{label}: {value}")
    _merged_text(sheet, present.coverage(report), height=30)
    sheet.row += 1
    header = sheet.row
    _write_form_header(sheet, header, unit)
    sheet.row = header + 2
    ws.freeze_panes = ws.cell(sheet.row, 1)
    ws.print_title_rows = f"{header}:{header + 1}"
    subtotals: list[int] = []
    for section in report.sections:
        subtotal = _write_section(sheet, section, unit, amount_format)
        if subtotal:
            subtotals.append(subtotal)
    _write_total(sheet, report.total, subtotals, unit, amount_format)
    for section in report.uncounted_claims:
        _write_claimed(sheet, section, unit, amount_format)
    _merged_text(sheet, f"{words['notes'][unit.code]} {words['notes']['ratio']} {words['notes']['marks']}",
                 height=42)
    for index, width in enumerate(_FORM_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_form_header(sheet: _Sheet, row: int, unit: Unit) -> None:
    ws = sheet.ws
    for offset in range(2):
        look = _Look(align="center", bold=offset == 0, fill="header")
        for column in range(1, _COLUMNS + 1):
            sheet.style(ws.cell(row + offset, column), look)
    for column, field_name in enumerate(FORM_COLUMNS, start=1):
        _text(ws.cell(row, column), column_heading(field_name, unit.code))
        # the numbering row of the official form: 1..10
        ws.cell(row + 1, column).value = column
    ws.row_dimensions[row].height = 66


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
            for column, value in ((3, line.content), (4, line.term), (5, line.executors), (_INFO_COLUMN, line.info)):
                _text(ws.cell(row, column), value)
            _number(ws.cell(row, 6), _scaled(line.amounts.planned, unit))
            _number(ws.cell(row, 7), _scaled(line.amounts.annual, unit))
            _number(ws.cell(row, 8), _scaled(line.amounts.financed, unit))
            # the department's own percent; a mismatch is marked with a note pointing to the annex
            _number(ws.cell(row, _PERCENT_COLUMN), _fraction(line.reported_percent))
            _marks(ws, row, line)
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
    _number(ws.cell(row, _PERCENT_COLUMN), _fraction(section.reported_percent))
    sheet.row += 1
    return row


def _marks(ws: Worksheet, row: int, line: Line) -> None:
    """A note on the cell a finding of the annex is about: «див. п. 2 Додатка»."""
    from openpyxl.comments import Comment

    for column, numbers in ((_PERCENT_COLUMN, line.percent_marks), (3, line.other_marks)):
        if numbers:
            note = Comment(mark_text(numbers), texts()["sheets"]["quality"])
            note.width, note.height = 180, 40
            ws.cell(row, column).comment = note


def _write_claimed(sheet: _Sheet, section: Section, unit: Unit, amount_format: str) -> None:
    """A report that is not counted, under the program total: the amounts it claims, apart from every sum."""
    ws, row, claimed = sheet.ws, sheet.row, section.claimed
    if claimed is None:
        return
    _style_row(sheet, row, amount_format, fill="not_counted")
    _text(ws.cell(row, 1), present.claimed_label(section))
    sheet.merge(row, 1, row, 5)
    for field_name, column in _AMOUNT_COLUMNS.items():
        _number(ws[f"{column}{row}"], _scaled(getattr(claimed, field_name), unit))
    _number(ws.cell(row, _PERCENT_COLUMN), _fraction(claimed.ratio))
    _text(ws.cell(row, _INFO_COLUMN), texts()["rows"]["claimed_info"])
    sheet.row += 1


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
    _formula(sheet, sheet.ws.cell(row, _PERCENT_COLUMN), f'=IF(N(G{row})=0,"",H{row}/G{row})', value)


def _style_row(sheet: _Sheet, row: int, amount_format: str, *, bold: bool = False, fill: str | None = None) -> None:
    """Borders on the whole row: text wraps, amounts and percentages right-aligned in their formats."""
    text = _Look(align="wrap", bold=bold, fill=fill)
    amount = _Look(align="right", number_format=amount_format, bold=bold, fill=fill)
    percent = _Look(align="right", number_format=_PERCENT, bold=bold, fill=fill)
    for column in range(1, _COLUMNS + 1):
        look = amount if 6 <= column <= 8 else percent if column == _PERCENT_COLUMN else text
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
            elif isinstance(value, Decimal):
                _number(sheet.style(cell, plain), value)
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
             "lines", "signed_by", "reasons")
    headings = [words["columns"]["number"], *(words["status"]["columns"][name] for name in names)]
    rows = []
    for number, status in enumerate(report.statuses, start=1):
        shown = present.status_fields(status)
        # dates, times (city time: Excel has no time zones) and counts stay typed, to sort and filter by
        typed = {"version": status.version, "deadline": status.deadline, "lines": status.line_count,
                 "received": status.received_at.replace(tzinfo=None) if status.received_at else None}
        rows.append([number, *(typed[name] if name in typed else shown[name] or None for name in names)])
    _table(sheet, headings, rows, [5, 40, 14, 32, 8, 17, 12, 15, 24, 10, 30, 70])
    if report.refused:
        _write_refused(sheet, report, first_row=len(rows) + 3)


def _write_refused(sheet: _Sheet, report: ConsolidatedReport, *, first_row: int) -> None:
    """Under the status table, after an empty row: the refused files no department could be told from.

    The columns line up with the status table's: the file under «Отриманий файл», the time under «Отримано».
    """
    words, ws = texts(), sheet.ws
    columns = words["refused"]["columns"]
    #: status-table column of each refused-file field (1-based): №, file, received, fate, reason
    placed = {"number": 1, "file": 4, "received": 6, "fate": 9, "reason": 12}
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
    _table(sheet, headings, rows, [5, 36, 10, 34, 22, 22, 80, 16, 14])
    # the annex's own heading above its table
    sheet.ws.insert_rows(1, 3)
    ws = sheet.ws
    ws.freeze_panes, ws.print_title_rows = "A5", "4:4"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(headings))}{max(len(rows) + 4, 5)}"
    heading = present.annex_heading(report)
    ws.cell(1, 6).value = " ".join(heading[:2])
    ws.cell(2, 6).value = heading[2]
    ws.cell(3, 1).value = words["sections"]["quality"]
    ws.cell(3, 1).font = _BOLD
    for cell in ws["I"][4:]:
        cell.font = Font(size=8, color="404040")


def _write_signature(sheet: _Sheet, report: ConsolidatedReport) -> None:
    """Under the form: the annex named, the signer's position, a line to sign on and the name, a date line,
    then «ПОГОДЖЕНО» with the approver's."""
    ws, sign = sheet.ws, present.signature(report)
    sheet.row += 1
    _merged_text(sheet, present.annex_line(report))
    sheet.row += 1
    underline = Border(bottom=_THIN)
    for position, name in ((sign["position"], sign["name"]),):
        row = sheet.row
        _text(ws.cell(row, 1), position)
        sheet.merge(row, 1, row, 5)
        ws.cell(row, 1).alignment = _WRAP
        ws.cell(row, 7).border = ws.cell(row, 8).border = underline
        _text(ws.cell(row, 10), name)
        ws.row_dimensions[row].height = 30
        _text(ws.cell(row + 1, 7), sign["hint"])
        ws.cell(row + 1, 7).alignment = Alignment(horizontal="center")
        sheet.merge(row + 1, 7, row + 1, 8)
        _text(ws.cell(row + 2, 1), sign["date_line"])
        sheet.row = row + 4
    row = sheet.row
    _text(ws.cell(row, 1), sign["approved"]).font = _BOLD
    _text(ws.cell(row + 1, 1), sign["approver_position"])
    sheet.merge(row + 1, 1, row + 1, 5)
    ws.cell(row + 2, 1).border = ws.cell(row + 2, 2).border = underline
    _text(ws.cell(row + 2, 3), sign["approver_name"])
    _text(ws.cell(row + 3, 1), sign["hint"])
    _text(ws.cell(row + 4, 1), sign["date_line"])
    sheet.row = row + 6
    _text(ws.cell(sheet.row, 1), texts()["notes"]["prepared"].format(date=uk_datetime(report.prepared_at)))
    ws.cell(sheet.row, 1).font = Font(size=8, color="404040")
    sheet.finish_merges()


def _write_charts(sheet: _Sheet, report: ConsolidatedReport, unit: Unit) -> None:
    """Excel's own bar charts over a small table of their figures (in the form's unit), one under the other."""
    from openpyxl.chart import BarChart, Reference

    words, ws = texts(), sheet.ws
    legend = texts()["charts"]
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 60, 18, 18
    made = charts(report, unit)
    if not made:
        _text(ws.cell(1, 1), legend["empty"])
        return
    row, anchor_row = 1, 1
    amount_format = "#,##0." + "0" * unit.places
    for laid_out, items in zip(made, _chart_items(report), strict=True):
        _text(ws.cell(row, 1), laid_out.title).font = _BOLD
        _text(ws.cell(row + 1, 2), legend["annual"])
        _text(ws.cell(row + 1, 3), legend["financed"])
        first = row + 2
        for offset, (label, annual, financed) in enumerate(items):
            _text(ws.cell(first + offset, 1), label)
            _number(ws.cell(first + offset, 2), _scaled(annual, unit)).number_format = amount_format
            _number(ws.cell(first + offset, 3), _scaled(financed, unit)).number_format = amount_format
        last = first + len(items) - 1
        # the table holds every item; the chart draws the first _CHART_ITEMS (thousands of bars say nothing)
        charted = min(last, first + _CHART_ITEMS - 1)
        if charted < last:
            _text(ws.cell(row, 4), legend["xlsx_cut"].format(shown=_CHART_ITEMS, total=len(items)))
        chart = BarChart()
        chart.type, chart.grouping = "bar", "clustered"
        chart.title = laid_out.title
        chart.y_axis.title = words["units"][unit.code]
        chart.y_axis.numFmt = amount_format
        chart.x_axis.scaling.orientation = "maxMin"  # the first department on top, as in the table
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=row + 1, max_row=charted), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=charted))
        chart.width, chart.height = 26, max(7.5, 1.1 * (charted - first + 1) + 3)
        # beside its own table, below the chart before it (a row is about half a centimetre)
        top = max(anchor_row, row)
        ws.add_chart(chart, f"E{top}")
        anchor_row = top + int(chart.height * 2) + 3
        row = last + 3
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _chart_items(report: ConsolidatedReport) -> list[list[tuple[str, Decimal | None, Decimal | None]]]:
    """The figures of each chart: per department, then per measure (the measures' labels numbered)."""
    from zvit.report.charts import department_items, measure_items

    return [[(item.label, item.annual, item.financed) for item in items if not item.heading]
            for items in (department_items(report), measure_items(report))]


def _write_data(sheet: _Sheet, report: ConsolidatedReport) -> None:
    """The counted lines as data: hryvnias with kopecks, the computed percent and where each line is in its
    department's file (file, table or sheet, row)."""
    words = texts()
    fields = words["datapackage"]["fields"]
    names = ("department_code", "department_name", "line_no", "measure", "sub_item", "content", "planned",
             "annual", "financed", "reported_percent", "computed_percent", "source_file", "source_part",
             "source_row")
    rows: list[list[Any]] = []
    for section in report.counted_sections:
        for line in section.lines:
            values = {"department_code": section.department_code, "department_name": section.department_name,
                      "line_no": line.line_no, "measure": line.measure, "sub_item": line.sub_item,
                      "content": line.content, "planned": line.amounts.planned, "annual": line.amounts.annual,
                      "financed": line.amounts.financed, "reported_percent": line.reported_percent,
                      "computed_percent": line.amounts.ratio, "source_file": section.source_file,
                      "source_part": line.source_part, "source_row": line.source_row}
            rows.append([values[name] for name in names])
    _table(sheet, [fields[name] for name in names], rows, [22, 36, 8, 8, 8, 50, 16, 16, 16, 12, 12, 36, 14, 10])
    money = _Look(align="right", number_format="#,##0.00")
    for row in sheet.ws.iter_rows(min_row=2, min_col=7, max_col=11):
        for cell in row:
            sheet.style(cell, money)
