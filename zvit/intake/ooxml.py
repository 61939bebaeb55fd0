"""Opening Office Open XML packages (.docx, .xlsx) safely: a zip checked before anything is inflated."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Literal

from zvit.errors import IntakeError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 5_000
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: Office XML compresses about 5-20 times; a far higher ratio on a large entry is a zip bomb.
MAX_RATIO = 150
_RATIO_FLOOR_BYTES = 1024 * 1024

#: What the zipfile module raises for a damaged archive (an unknown version or method, a bad offset...).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, NotImplementedError, ValueError, EOFError)

_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_KIND_NAME = {"docx": "a Word (.docx) file", "xlsx": "an Excel (.xlsx) file"}


def check_package(path: Path, kind: Literal["docx", "xlsx"]) -> None:
    """Refuse what is not a sound package of this kind, before inflating any of it."""
    size = path.stat().st_size
    if size == 0:
        raise IntakeError(path.name, "the file is empty", code="INTAKE-EMPTY")
    if size > MAX_FILE_BYTES:
        raise IntakeError(path.name, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB", code="INTAKE-LIMIT")
    if not zipfile.is_zipfile(path):
        problem = "truncated or damaged" if _starts_like_zip(path) else f"not {_KIND_NAME[kind]}"
        raise IntakeError(path.name, problem, code="INTAKE-FORMAT")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except ZIP_ERRORS as exc:
        raise IntakeError(path.name, f"truncated or damaged ({exc})", code="INTAKE-FORMAT") from exc
    if len(entries) > MAX_ENTRIES:
        raise IntakeError(path.name, f"the archive has more than {MAX_ENTRIES} entries", code="INTAKE-LIMIT")
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise IntakeError(path.name, "the archive would inflate beyond the size limit", code="INTAKE-LIMIT")
    for entry in entries:
        if entry.file_size > _RATIO_FLOOR_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise IntakeError(path.name, f"entry {entry.filename} is compressed like a zip bomb", code="INTAKE-LIMIT")
    if _MAIN_PART[kind] not in names:
        raise IntakeError(path.name, f"not {_KIND_NAME[kind]}", code="INTAKE-FORMAT")


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
    except Exception as exc:  # noqa: BLE001 - any library failure on a damaged file is the file's fault
        raise IntakeError(path.name, f"damaged {_KIND_NAME[kind].split(' ', 1)[1]}: {first_line(exc)}",
                          code="INTAKE-FORMAT") from exc


def _starts_like_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def first_line(error: BaseException) -> str:
    """A library's error in one line: errors reach people as one line naming the file."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
