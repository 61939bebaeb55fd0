"""The floor: every file of an inbox opened and every cell read by python-docx, openpyxl or csv, nothing else.

Run as a plain process (`python -m bench.floor DIR`); it never imports zvit, so its time is what merely
reading the files costs. Prints one JSON object: files, cells, characters, unreadable files and seconds.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from pathlib import Path

_started = time.perf_counter()
import docx  # noqa: E402 - imported after the clock starts: the floor pays for its imports too
import openpyxl  # noqa: E402 - as docx above

_IMPORT_SECONDS = time.perf_counter() - _started


def read_docx(path: Path) -> tuple[int, int]:
    """(cells, characters) of every body paragraph and every cell of every table."""
    document = docx.Document(str(path))
    cells = chars = 0
    for paragraph in document.paragraphs:
        chars += len(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                cells += 1
                chars += len(cell.text)
    return cells, chars


def read_xlsx(path: Path) -> tuple[int, int]:
    """(cells, characters) of every cell of every sheet, saved values only, as a read-only workbook."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = chars = 0
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    cells += 1
                    chars += len(str(value)) if value is not None else 0
    finally:
        workbook.close()
    return cells, chars


def read_csv(path: Path) -> tuple[int, int]:
    """(fields, characters) of a CSV in UTF-8 or Windows-1251, `;` or `,`."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    cells = chars = 0
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        for field in row:
            cells += 1
            chars += len(field)
    return cells, chars


_READERS = {".docx": read_docx, ".xlsx": read_xlsx, ".csv": read_csv}


def read_all(folder: Path) -> dict:
    """Read every file of the folder; a file the library cannot open counts as unreadable."""
    began = time.perf_counter()
    files = cells = chars = 0
    unreadable: list[str] = []
    for path in sorted(folder.iterdir()):
        reader = _READERS.get(path.suffix.lower())
        if reader is None:
            continue
        files += 1
        try:
            found, length = reader(path)
        except Exception:  # noqa: BLE001 - a truncated package fails in whatever way the library fails
            unreadable.append(path.name)
            continue
        cells += found
        chars += length
    return {"files": files, "cells": cells, "chars": chars, "unreadable": unreadable,
            "import_seconds": round(_IMPORT_SECONDS, 3), "read_seconds": round(time.perf_counter() - began, 3)}


if __name__ == "__main__":
    json.dump(read_all(Path(sys.argv[1])), sys.stdout)
    sys.stdout.write("\n")
