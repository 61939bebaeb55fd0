"""Russianisms in a department's own text: flagged to it as a notice, never changed (expectations/russianisms.yaml)."""

from __future__ import annotations

import re
from functools import cache

import yaml

from zvit.model import FormLine
from zvit.quality.findings import Finding, catalogued
from zvit.resources import resource_dir

RUSSIANISMS_PATH = resource_dir("expectations") / "russianisms.yaml"
#: The department's own words: a cell of these columns is read; numbers, terms and names are not.
OWN_TEXT: tuple[str, ...] = ("task", "content", "info")
# A letter of a word, an apostrophe or a hyphen: what may not touch a match, so «навики» is never found
# inside «навиків» or in a longer word.
_WORD = r"\w'’ʼ\-"
_SPACES = r"\s+"


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    entries: dict[str, str] = yaml.safe_load(RUSSIANISMS_PATH.read_text(encoding="utf-8"))["russianisms"]
    return [(re.compile(rf"(?<![{_WORD}]){_SPACES.join(map(re.escape, wrong.split()))}(?![{_WORD}])", re.IGNORECASE),
             right) for wrong, right in entries.items()]


def russianisms(text: str) -> list[tuple[str, str]]:
    """(as written, what to write instead) for each listed Russianism in a text, in the order they occur."""
    found = sorted((match.start(), match.group(0), right)
                   for pattern, right in _patterns() for match in pattern.finditer(text))
    return [(" ".join(written.split()), right) for _, written, right in found]


def language_notices(lines: tuple[FormLine, ...]) -> list[Finding]:
    """One notice per cell of a department's own text that holds listed Russianisms, naming each of them."""
    notices = []
    for line in lines:
        for field in OWN_TEXT:
            # each word once, however often and in whatever case the cell repeats it
            first: dict[str, tuple[str, str]] = {}
            for written, right in russianisms(getattr(line, field) or ""):
                first.setdefault(written.lower(), (written, right))
            found = list(first.values())
            if not found:
                continue
            advice = "; ".join(f"«{written}» краще замінити на «{right}»" for written, right in found)
            notices.append(catalogued(
                "TEXT-RUSSIANISM", measure=line.measure, part=line.location.part or None, row=line.location.row,
                column=line.columns.get(field), field=field, value=", ".join(w for w, _ in found),
                expected=", ".join(r for _, r in found), detail=advice))
    return notices
