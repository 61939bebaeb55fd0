"""Cleaning cell and header text: spaces, `<p>` fragments, markup left by exports, Latin look-alikes."""

from __future__ import annotations

import re

_SPACE_RUN = re.compile(r"[ \t\u00a0\u202f\u2009\u2007]+")
_P_TAG = re.compile(r"</?p\s*>", re.IGNORECASE)
_BOLD = re.compile(r"\*\*")

_CYRILLIC = "А-ЯЁЄІЇҐа-яёєіїґ"
_LATIN_IN_WORD = re.compile(rf"[{_CYRILLIC}]*[A-Za-z]+[{_CYRILLIC}A-Za-z]*")
_WORD_BEFORE = re.compile(rf"([{_CYRILLIC}]+) ([a-z]+[{_CYRILLIC}][{_CYRILLIC}A-Za-z]*)")

# Look-alike letters first (a Latin «o» in «Конкурентне» looks the same), then the letters a typist's
# autocorrect swaps by sound («rent» for «рент»).
_LATIN_TO_CYRILLIC = str.maketrans(
    "AaBCcEeHIiKMOoPpTXxYyrntmkdlsvgbufzhj",
    "АаВСсЕеНІіКМОоРрТХхУурнтмкдлсвгбуфзхй",
)


def collapse_spaces(text: str) -> str:
    """Collapse every run of spaces (no-break spaces too) into one space and trim the ends."""
    return _SPACE_RUN.sub(" ", text).strip()


def clean_cell(text: str | None) -> str:
    """Normalize one cell: `<p>` fragments become lines, spaces collapse, blank lines go."""
    if not text:
        return ""
    if "<p" in text.lower():
        text = _P_TAG.sub("\n", text)
    lines = (collapse_spaces(line) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def strip_markup(text: str) -> str:
    """Drop the `**bold**` markers a text export leaves in header lines."""
    return collapse_spaces(_BOLD.sub("", text))


def has_latin_in_cyrillic(text: str) -> bool:
    """True when a word mixes Latin and Cyrillic letters."""
    return any(_mixed(m.group(0)) for m in _LATIN_IN_WORD.finditer(text))


def repair_latin(text: str) -> str:
    """Replace Latin letters inside Cyrillic words with their Cyrillic twins («Конку rentне» → «Конкурентне»)."""
    # A spell-checker that swaps a syllable to Latin often also splits the word: rejoin a lowercase
    # Latin-led fragment that ends in Cyrillic to the Cyrillic word before it.
    text = _WORD_BEFORE.sub(lambda m: m.group(1) + m.group(2), text)
    return _LATIN_IN_WORD.sub(lambda m: m.group(0).translate(_LATIN_TO_CYRILLIC) if _mixed(m.group(0))
                              else m.group(0), text)


def _mixed(word: str) -> bool:
    return bool(re.search(r"[A-Za-z]", word)) and bool(re.search(rf"[{_CYRILLIC}]", word))
