"""Decoding text files as offices save them: UTF-8 with or without BOM, UTF-16, or Windows-1251."""

from __future__ import annotations

import codecs
from pathlib import Path

from zvit.errors import IntakeError
from zvit.intake.limits import check_text_size


def decode(path: Path) -> str:
    """The file's text, its encoding detected; an empty or binary file is an IntakeError."""
    check_text_size(path)
    data = path.read_bytes()
    if not data.strip():
        raise IntakeError(path.name, "the file is empty", uk="файл порожній", code="INTAKE-EMPTY")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise IntakeError(path.name, "a binary file, not a text export",
                          uk="у файлі не текст, хоча його назва обіцяє таблицю CSV або текст", code="INTAKE-FORMAT")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows-1251 decodes any byte string, so it is the last resort, never a guess before UTF-8.
        return data.decode("cp1251")
