"""Recognizing the report table by its header text: which column holds which field, in which unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from zvit.normalize.text import collapse_spaces

FIELDS: tuple[str, ...] = (
    "measure", "task", "content", "term", "executors", "planned", "annual", "financed", "percent", "info",
)
TEXT_FIELDS: tuple[str, ...] = ("task", "content", "term", "executors", "info")

# Checked in this order: «Відсоток виконання заходу» names a percent, not a measure, and
# «Орієнтовний обсяг ... відповідно до програми» is the program volume even though «обсяг» is generic.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (field, re.compile(pattern, re.IGNORECASE))
    for field, pattern in (
        ("info", r"інформац|причин|стан\s+виконан|результат"),
        ("percent", r"відсот|%|рівень\s+виконан"),
        ("financed", r"фактично|профінанс|касов"),
        ("planned", r"орієнтовн|прогнозн"),
        ("annual", r"річн|на\s+(?:20\d\d\s+)?рік|рік|план"),
        ("planned", r"програм"),
        ("term", r"термін|строк"),
        ("executors", r"виконавц|відповідальн"),
        ("content", r"зміст|заход|захід|найменуван"),
        ("task", r"завдан|напрям"),
        ("measure", r"№|з/п|п/п|^номер"),
    )
)
_UNITS: tuple[tuple[re.Pattern[str], Decimal], ...] = (
    (re.compile(r"млн\.?\s*грн", re.IGNORECASE), Decimal(1_000_000)),
    (re.compile(r"тис\.?\s*грн|тис\.?\s*гривень", re.IGNORECASE), Decimal(1000)),
    (re.compile(r"\bгрн|гривень|гривня", re.IGNORECASE), Decimal(1)),
)
UNIT_NAMES = {Decimal(1): "грн", Decimal(1000): "тис. грн", Decimal(1_000_000): "млн грн"}


@dataclass(frozen=True)
class Column:
    """One recognized column: its field, position, header text and the unit its header declares."""

    field: str
    index: int
    header: str
    unit: Decimal | None


@lru_cache(maxsize=1 << 14)
def classify_header(text: str) -> str | None:
    """The field a header cell names, or None."""
    # Cached: every row of a table is tried as a header, several times, and header texts repeat across files.
    text = collapse_spaces(text)
    if not text or len(text) > 250:
        return None
    for field, pattern in _RULES:
        if pattern.search(text):
            return field
    return None


def unit_of(text: str) -> Decimal | None:
    """Hryvnias per written unit declared in a text («тис. грн» → 1000), or None."""
    for pattern, factor in _UNITS:
        if pattern.search(text):
            return factor
    return None


def header_columns(cells: tuple[str, ...]) -> list[Column] | None:
    """The columns of a header row, or None when the row is not the report table's header."""
    found = _header_columns(cells)
    return list(found) if found is not None else None


@lru_cache(maxsize=1 << 12)
def _header_columns(cells: tuple[str, ...]) -> tuple[Column, ...] | None:
    # Cached by the row's cells: finding the header and cutting the table ask about the same rows again.
    columns: list[Column] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        field = classify_header(cell)
        if field and field not in seen and not _looks_numeric(cell):
            seen.add(field)
            columns.append(Column(field, index, collapse_spaces(cell), unit_of(cell)))
    if len(seen) >= 4 and seen & {"annual", "financed"}:
        return tuple(columns)
    return None


def merge_header_levels(upper: tuple[str, ...], lower: tuple[str, ...]) -> tuple[str, ...]:
    """Join a two-level header into one text per column; a merged upper cell covers the lower ones after it."""
    merged: list[str] = []
    carried = ""
    for index in range(max(len(upper), len(lower))):
        top = upper[index].strip() if index < len(upper) else ""
        bottom = lower[index].strip() if index < len(lower) else ""
        if top:
            carried = top if bottom else ""
        elif not bottom:
            carried = ""
        merged.append(collapse_spaces(f"{top or carried} {bottom}"))
    return tuple(merged)


def is_numbering_row(cells: tuple[str, ...]) -> bool:
    """True for the «1 2 3 … 10» row printed under the header (and again after each page break)."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    return len(filled) >= 4 and filled == [str(n) for n in range(1, len(filled) + 1)]


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[\d\s.,%]+", text.strip()))
