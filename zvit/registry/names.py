"""Normalize department names and program titles so that the ways people write them compare equal."""

from __future__ import annotations

import re
import unicodedata

from zvit.normalize.text import repair_latin

_APOSTROPHES = "'’ʼ‘`´′ʹ"
_NOT_WORD = re.compile(r"[^\w]+|_")
#: «з», «із», «зі» are one preposition, chosen by sound.
_PREPOSITION_Z = {"з", "із", "зі"}
#: Suffixes that only say whose department it is: «... Житомирської міської ради», «... міської ради».
_OWNER_SUFFIXES = (("житомирської", "міської", "ради"), ("міської", "ради"))
_QUOTED = re.compile(r"«([^»]+)»|\"([^\"]+)\"|“([^”]+)”")


def _words(text: str) -> list[str]:
    # Latin look-alikes typed inside Cyrillic words («управлiння», «Конку rentне») are the Cyrillic letters.
    folded = repair_latin(unicodedata.normalize("NFC", text)).casefold()
    folded = folded.translate(str.maketrans("", "", _APOSTROPHES))
    return [word for word in _NOT_WORD.split(folded) if word]


def normalize_department(name: str) -> str:
    """A department name as a comparison key: case, apostrophes, «з/із/зі», owner suffix, punctuation ignored."""
    words = ["з" if word in _PREPOSITION_Z else word for word in _words(name)]
    for suffix in _OWNER_SUFFIXES:
        if len(words) > len(suffix) and tuple(words[-len(suffix):]) == suffix:
            words = words[: -len(suffix)]
            break
    return " ".join(words)


def normalize_program(title: str) -> str:
    """A program title as a comparison key: the quoted name if there is one, letters and digits only."""
    quoted = _QUOTED.search(title)
    if quoted:
        title = next(group for group in quoted.groups() if group)
    # spaces are dropped too: reports have been seen with a title broken by a stray space
    return "".join(_words(title))
