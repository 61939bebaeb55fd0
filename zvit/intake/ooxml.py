"""Opening Office Open XML packages (.docx, .xlsx) safely: a zip checked before anything is inflated."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any, Literal

from zvit.errors import IntakeError
from zvit.intake.limits import limit_text, megabytes

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 5_000
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: The XML of all parts together: python-docx holds it as one tree, several times its size in memory.
#: A long report's document.xml is a few megabytes.
MAX_XML_BYTES = 30 * 1024 * 1024
#: XML elements in all parts together: a parsed element costs lxml 200-400 bytes, so a million empty
#: paragraphs would take 500 MB. A long report (2,000 table rows of verbose Word XML) has about 250,000.
MAX_XML_ELEMENTS = 600_000
#: Sheets in a workbook: each is parsed on its own, so thousands of empty ones take minutes.
MAX_SHEETS = 100
#: Office XML compresses about 5-20 times; a far higher ratio on a large entry is a zip bomb.
MAX_RATIO = 150
_RATIO_FLOOR_BYTES = 1024 * 1024

#: What the zipfile module raises for a damaged archive (an unknown version or method, a bad offset...).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, NotImplementedError, ValueError,
              EOFError)

_CHUNK = 1 << 20
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b")
_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_KIND_NAME = {"docx": "a Word (.docx) file", "xlsx": "an Excel (.xlsx) file"}
_KIND_UK = {"docx": "Word (.docx)", "xlsx": "Excel (.xlsx)"}
#: what a department is told of a damaged file (the library's words go to the log only)
DAMAGED = "файл пошкоджений або обрізаний (можливо, надіслано не до кінця)"


def check_package(path: Path, kind: Literal["docx", "xlsx"]) -> None:
    """Refuse what is not a sound package of this kind, before inflating any of it."""
    size = path.stat().st_size
    if size == 0:
        raise IntakeError(path.name, "the file is empty", uk="файл порожній", code="INTAKE-EMPTY")
    if size > MAX_FILE_BYTES:
        raise IntakeError(path.name, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB",
                          uk=f"файл більший за {megabytes(MAX_FILE_BYTES)}", code="INTAKE-LIMIT")
    if not zipfile.is_zipfile(path):
        if _starts_like_zip(path):
            raise IntakeError(path.name, "truncated or damaged", uk=DAMAGED, code="INTAKE-FORMAT")
        raise IntakeError(path.name, f"not {_KIND_NAME[kind]}", uk=_not_kind(kind), code="INTAKE-FORMAT")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except ZIP_ERRORS as exc:
        raise IntakeError(path.name, f"truncated or damaged ({exc})", uk=DAMAGED, code="INTAKE-FORMAT") from exc
    if len(entries) > MAX_ENTRIES:
        raise IntakeError(path.name, f"the archive has more than {MAX_ENTRIES} entries",
                          uk=f"у файлі понад {limit_text(MAX_ENTRIES)} вкладених частин — у звіті їх кілька десятків",
                          code="INTAKE-LIMIT")
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise IntakeError(path.name, "the archive would inflate beyond the size limit",
                          uk=f"розпакований файл був би більшим за {megabytes(MAX_UNCOMPRESSED_BYTES)}",
                          code="INTAKE-LIMIT")
    for entry in entries:
        if entry.file_size > _RATIO_FLOOR_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise IntakeError(path.name, f"entry {entry.filename} is compressed like a zip bomb",
                              uk="файл стиснуто підозріло сильно, як стискають шкідливі файли", code="INTAKE-LIMIT")
    xml = [entry for entry in entries if entry.filename.endswith((".xml", ".rels"))]
    if sum(entry.file_size for entry in xml) > MAX_XML_BYTES:
        raise IntakeError(path.name, f"more than {MAX_XML_BYTES // 2**20} MB of XML: too large for a report",
                          uk=f"розмітка документа більша за {megabytes(MAX_XML_BYTES)} — забагато для звіту",
                          code="INTAKE-LIMIT")
    _check_xml_counts(path, xml)
    if _MAIN_PART[kind] not in names:
        raise IntakeError(path.name, f"not {_KIND_NAME[kind]}", uk=_not_kind(kind), code="INTAKE-FORMAT")


def _check_xml_counts(path: Path, xml: list[zipfile.ZipInfo]) -> None:
    """Inflate every entry once, in small pieces, before any library reads it whole.

    zipfile.read() inflates all of an entry's compressed data before cutting it to the size the header
    declares, so an entry that lies about its size could inflate a thousand times its bytes in one call.
    Read piece by piece, it stops at the declared size and fails its checksum. The same pass counts
    elements (and sheets) in the XML.
    """
    elements = 0
    xml_names = {entry.filename for entry in xml}
    try:
        with zipfile.ZipFile(path) as archive:
            for entry in archive.infolist():
                is_xml = entry.filename in xml_names
                tail = b""
                with archive.open(entry) as stream:
                    while chunk := stream.read(_CHUNK):
                        if is_xml:
                            # opening tags; a tag cut between two pieces is counted by joining the edge
                            piece = tail + chunk
                            elements += piece.count(b"<") - piece.count(b"</") - tail.count(b"<") + tail.count(b"</")
                            tail = chunk[-1:]
                if entry.filename == "xl/workbook.xml" and len(_SHEET.findall(archive.read(entry))) > MAX_SHEETS:
                    raise IntakeError(path.name, f"more than {MAX_SHEETS} sheets: too large for a report",
                                      uk=f"у книзі понад {limit_text(MAX_SHEETS)} аркушів — забагато для звіту",
                                      code="INTAKE-LIMIT")
    except ZIP_ERRORS as exc:
        raise IntakeError(path.name, f"truncated or damaged ({first_line(exc)})", uk=DAMAGED,
                          code="INTAKE-FORMAT") from exc
    if elements > MAX_XML_ELEMENTS:
        raise IntakeError(path.name, f"more than {MAX_XML_ELEMENTS} XML elements: too large for a report",
                          uk=f"понад {limit_text(MAX_XML_ELEMENTS)} елементів розмітки — забагато для звіту",
                          code="INTAKE-LIMIT")


def open_package(path: Path, kind: Literal["docx", "xlsx"]) -> Any:
    """The python-docx Document or read-only openpyxl Workbook for a checked package."""
    check_package(path, kind)
    try:
        if kind == "docx":
            import docx

            return docx.Document(str(path))
        import openpyxl

        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except IntakeError:
        raise
    except Exception as exc:  # any library failure on a damaged file is the file's fault
        # the library names the file by its full path: where zvit keeps it is nobody else's business
        problem = first_line(exc).replace(str(path), path.name)
        raise IntakeError(path.name, f"damaged {_KIND_NAME[kind].split(' ', 1)[1]}: {problem}",
                          uk=f"файл {_KIND_UK[kind]} пошкоджений: його не вдалося відкрити",
                          code="INTAKE-FORMAT") from exc


def _not_kind(kind: Literal["docx", "xlsx"]) -> str:
    return f"це не файл {_KIND_UK[kind]}, хоча його так названо"


def _starts_like_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def first_line(error: BaseException) -> str:
    """A library's error in one line: errors reach people as one line naming the file."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
