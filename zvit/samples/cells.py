"""What the sample writers share: column order, cell text split into paragraphs, typed amounts."""

from __future__ import annotations

from decimal import Decimal

from zvit.errors import NumberError
from zvit.intake import ReportLayout
from zvit.model import NUMBER_FIELDS
from zvit.normalize.columns import Column
from zvit.normalize.numbers import Amount, parse_number
from zvit.normalize.text import clean_cell, strip_markup


def ordered_columns(layout: ReportLayout) -> list[Column]:
    """The report's recognized columns in the order they stood."""
    return sorted(layout.columns, key=lambda column: column.index)


def paragraphs(text: str) -> list[str]:
    """A cell's text as the paragraphs a Word cell would hold (`<p>` fragments and line breaks split it)."""
    return clean_cell(text).split("\n") if text else []


def plain_text(text: str) -> str:
    """A cell's text with its paragraphs on separate lines, as Excel and CSV keep them."""
    return clean_cell(text)


def header_line(text: str) -> tuple[str, str]:
    """A header line split into its label and its value, which offices set in bold («Термін: **2021-2025**»)."""
    text = strip_markup(text)
    label, colon, value = text.partition(": ")
    return (label + colon, value) if colon else ("", text)


def typed_amount(field: str, text: str) -> Amount | None:
    """The number a clerk would have typed into a spreadsheet cell, or None where the cell holds words too."""
    if field not in NUMBER_FIELDS:
        return None
    try:
        amount = parse_number(text)
    except NumberError:
        return None
    if amount is None or amount.note:
        return None
    return amount


def without_label(text: str) -> str:
    """A total row's amount without its «Всього:» label."""
    amount = parse_number(text) if text.strip() else None
    if amount is None or amount.label is None:
        return text
    return text.split(":", 1)[1].strip() if ":" in text else text[len(amount.label):].strip()


def as_fraction(percent: Decimal) -> float:
    """51.88 → 0.5188, the way Excel stores a cell formatted as percent."""
    return float(percent / 100)
