"""Reading amounts and percentages the way Ukrainian offices write them («2 080 000, 00», «51,88%»)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from zvit.errors import NumberError
from zvit.normalize.text import collapse_spaces

# Thousands may be grouped by any kind of space or an apostrophe; a decimal comma may be followed by a
# stray space («000, 00») when the clerk retyped the number.
_SPACES = "\u0020\u00a0\u202f\u2009\u2007"
_GROUP = f"[{_SPACES}'’]"
_NUMBER = re.compile(
    rf"""
    (?P<sign>[-−–])?\s*
    (?P<int>\d{{1,3}}(?:{_GROUP}\d{{3}})+|\d{{1,3}}(?:\.\d{{3}})+(?=,\d)|\d{{1,3}}(?:\.\d{{3}}){{2,}}|\d+)
    (?:,[ ](?P<kopecks>\d{{2}})(?!\d)|[,.](?P<frac>\d+))?
    \s*(?P<pct>%)?
    """,
    re.VERBOSE,
)
_LABEL = re.compile(r"^(?P<label>всього|усього|разом|загалом|итого)\s*[:\-–]?\s*", re.IGNORECASE)
_DASHES = {"-", "–", "—", "−", "--"}
# Words after a number that only repeat its unit are not a note.
_UNIT_ONLY = re.compile(r"^(?:тис\.?\s*)?(?:грн\.?|гривень|гривні|відс\.?|%)$", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    """A number read from a cell, with any words written after it kept as a note."""

    value: Decimal
    is_percent: bool = False
    note: str | None = None
    label: str | None = None


def parse_number(text: str | None) -> Amount | None:
    """Read the leading number of a cell; None for an empty cell, NumberError when no number leads it."""
    if text is None:
        return None
    cleaned = collapse_spaces(text.replace("\u00a0", " ").replace("\u202f", " "))
    if not cleaned:
        return None
    if cleaned in _DASHES:
        return Amount(Decimal(0))
    label = None
    labelled = _LABEL.match(cleaned)
    if labelled:
        label = labelled.group("label")
        cleaned = cleaned[labelled.end():]
        if not cleaned:
            return None
    match = _NUMBER.match(cleaned)
    if not match:
        raise NumberError(f"not a number: {text!r}")
    note = cleaned[match.end():].strip().lstrip(".;,: ").strip() or None
    if note and _UNIT_ONLY.match(note):
        note = None
    if note and note[0].isdigit():
        # «5, 6» or «12 34»: digits go on after what we took for the number, so it is not one number.
        raise NumberError(f"not a number: {text!r}")
    value = _to_decimal(match)
    return Amount(value=value, is_percent=bool(match.group("pct")), note=note, label=label)


def _to_decimal(match: re.Match[str]) -> Decimal:
    # A single dot is a decimal point: amounts in тис. грн often carry three decimals («35.934»);
    # only two or more dot groups («1.234.567») or dots before a decimal comma group thousands.
    integer = re.sub(r"\D", "", match.group("int"))
    frac = match.group("kopecks") or match.group("frac")
    value = Decimal(f"{integer}.{frac}" if frac else integer)
    return -value if match.group("sign") else value
