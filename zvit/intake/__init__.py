"""Reading departments' report files (Word, Excel, CSV, text exports) into normalized reports."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zvit.errors import IntakeError
from zvit.intake.blocks import Block
from zvit.intake.ooxml import ZIP_ERRORS
from zvit.model import Report, SourceFormat
from zvit.normalize.columns import Column
from zvit.normalize.layout import RawReport, split_reports
from zvit.normalize.lines import GridRow, read_table
from zvit.normalize.report import build_report


@dataclass(frozen=True)
class ReportLayout:
    """A report as laid out in its file: the lines above the table, the table under its columns, the signature."""

    header_lines: list[str]
    columns: list[Column]
    rows: list[GridRow]
    footer_lines: list[str]


_OLD_BINARY = {".xls": "Excel 97-2003 (.xls)"}
_OLD_BINARY_UK = "файл у старому форматі Word чи Excel 97-2003, якого система не читає"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ODT = b"application/vnd.oasis.opendocument.text"
#: formats known by their name when their content does not tell (an RTF or a web page saved as .doc converts too)
_BY_SUFFIX: dict[str, SourceFormat] = {".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv",
                                       ".doc": "doc", ".rtf": "rtf", ".odt": "odt", ".pdf": "pdf"}


def detect_format(path: Path) -> SourceFormat:
    """The format of a file, from its content where the name could mislead."""
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE_MAGIC):
        if suffix == ".doc":
            return "doc"
        kind = _OLD_BINARY.get(suffix, "an old binary Office format")
        raise IntakeError(path.name, f"{kind} is not supported: save it as .docx or .xlsx", uk=_OLD_BINARY_UK,
                          code="INTAKE-FORMAT")
    if suffix in _OLD_BINARY:
        raise IntakeError(path.name, f"{_OLD_BINARY[suffix]} is not supported: save it as .docx or .xlsx",
                          uk=_OLD_BINARY_UK, code="INTAKE-FORMAT")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK") and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except ZIP_ERRORS:
            names, mimetype = set(), b""  # damaged: the name decides, and opening it as that kind says what is wrong
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if mimetype.strip() == _ODT:
            return "odt"
    return _BY_SUFFIX.get(suffix, "txt")


def _reader(fmt: SourceFormat) -> Callable[[Path], list[list[Block]]]:
    # Imported on demand: reading a CSV should not pay for python-docx or openpyxl.
    if fmt in ("doc", "rtf", "odt"):
        return lambda path: _converted(path, fmt)
    if fmt == "pdf":
        from zvit.intake.pdf_reader import read_pdf

        return read_pdf
    if fmt == "docx":
        from zvit.intake.docx_reader import read_docx

        return read_docx
    if fmt == "xlsx":
        from zvit.intake.xlsx_reader import read_xlsx

        return read_xlsx
    if fmt == "csv":
        from zvit.intake.csv_reader import read_csv

        return read_csv
    from zvit.intake.txt_reader import read_txt

    return read_txt


def _converted(path: Path, fmt: str) -> list[list[Block]]:
    """An old Word, RTF or OpenDocument file, converted to .docx by LibreOffice and read as Word."""
    from zvit.intake.convert import converted_docx
    from zvit.intake.docx_reader import read_docx

    with converted_docx(path, fmt) as docx:
        try:
            return read_docx(docx)
        except IntakeError as error:  # it names the converted copy: name the file that was sent
            raise IntakeError(path.name, error.problem, uk=error.uk, code=error.code, row=error.row,
                              column=error.column, value=error.value) from None


def read_raw_reports(path: Path) -> tuple[SourceFormat, list[RawReport]]:
    """The format and every report found in a file, before interpretation."""
    if not path.is_file():
        raise IntakeError(path.name, "no such file", uk="файлу немає", code="INTAKE-FORMAT")
    fmt = detect_format(path)
    streams = _reader(fmt)(path)
    raws = [raw for stream in streams for raw in split_reports(stream)]
    if not raws:
        raise IntakeError(path.name, "no report table found (no header row with the report's columns)",
                          uk="не знайдено таблиці звіту з графами за формою", code="INTAKE-NO-TABLE")
    return fmt, raws


def read_reports(path: Path) -> list[Report]:
    """Every report in a file, normalized; an unreadable file raises IntakeError naming it."""
    fmt, raws = read_raw_reports(path)
    return [build_report(raw, path.name, fmt, index) for index, raw in enumerate(raws, start=1)]


def read_layouts(path: Path) -> list[ReportLayout]:
    """Every report in a file as laid out, rows lined up under their columns (to write it in another format)."""
    _, raws = read_raw_reports(path)
    return [ReportLayout(raw.header_lines, raw.columns, read_table(path.name, raw.rows, raw.columns, raw.width).grid,
                         raw.footer_lines) for raw in raws]
