"""Text from submissions must stay text in spreadsheets: formula injection (CSV/XLSX) is neutralized here."""

from __future__ import annotations

#: A spreadsheet treats a cell starting with one of these as a formula (tab and CR too, per OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str | None) -> bool:
    """Whether a spreadsheet program would read `text` as a formula."""
    return bool(text and text.startswith(FORMULA_STARTS))


def csv_text(text: str | None) -> str:
    """A text value for CSV: an apostrophe in front of anything formula-like, '' for a missing value."""
    if text is None:
        return ""
    return f"'{text}" if looks_like_formula(text) else text
