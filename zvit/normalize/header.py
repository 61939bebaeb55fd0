"""Reading a report's header and signature lines: program, period, decisions, executors, term, signer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zvit.model import DecisionCitation, Signer
from zvit.normalize.decisions import parse_decisions
from zvit.normalize.periods import ReportingPeriod, find_period
from zvit.normalize.text import collapse_spaces, has_latin_in_cyrillic, repair_latin, strip_markup

_QUOTED = re.compile(r"[«\"“„]([^»\"”]+)[»\"”]")
_PROGRAM = re.compile(r"програм\w*\s+(?P<title>.+)$", re.IGNORECASE)
_DECISIONS_START = re.compile(r"рішенн\w*", re.IGNORECASE)
_SECTION_END = re.compile(r"^\s*(?:відповідальн|термін|\d+\.\s+виконання|виконавц)", re.IGNORECASE)
_EXECUTORS = re.compile(r"^\s*відповідальн\w*\s+виконав\w*(?:\s+програми)?\s*[:\-–]?\s*(?P<names>.*)$",
                        re.IGNORECASE)
_TERM = re.compile(r"^\s*термін\w*\s+реалізац\w*(?:\s+програми)?\s*[:\-–]?\s*(?P<term>.*)$", re.IGNORECASE)
_YEARS = re.compile(r"(20\d\d)\s*[-–—]\s*(20\d\d)|(20\d\d)")
_UNIT_NAME = re.compile(r"^(?:відділ|управління|департамент|служба|сектор|центр|комітет|апарат|"
                        r"виконавчий|інспекція|адміністрація|комунальн)", re.IGNORECASE)
_SIGNER_NAME = re.compile(r"([А-ЯІЇЄҐ][а-яіїєґʼ'’]+\s+[А-ЯІЇЄҐʼ'’\-]{2,})\s*$")


@dataclass
class HeaderFields:
    """What a report's header lines say, as written (the title already repaired)."""

    title: str | None = None
    title_raw: str | None = None
    period: ReportingPeriod | None = None
    decisions: list[DecisionCitation] = field(default_factory=list)
    responsible_executors: list[str] = field(default_factory=list)
    term: str | None = None
    #: indexes of the lines that named the program and cited the decisions
    title_line: int | None = None
    decisions_line: int | None = None


def read_header(lines: list[str]) -> HeaderFields:
    """Find every header field in the lines above the table."""
    lines = [strip_markup(line) for line in lines]
    fields = HeaderFields()
    decisions_at = next((i for i, line in enumerate(lines) if _DECISIONS_START.search(line)
                         and re.search(r"затвердж|номер|дата|№|\d\.\d\d\.\d{4}", line, re.IGNORECASE)), None)
    title_lines = lines[:decisions_at] if decisions_at is not None else lines
    fields.title_line = _program_title_line(title_lines)
    if fields.title_line is None:
        fields.title_line = _program_title_line(lines)
    fields.title_raw = _program_title(lines[fields.title_line]) if fields.title_line is not None else None
    if fields.title_raw:
        fields.title = repair_latin(fields.title_raw) if has_latin_in_cyrillic(fields.title_raw) else fields.title_raw
    fields.period = find_period(" ".join(title_lines)) or find_period(" ".join(lines))
    fields.decisions_line = decisions_at
    if decisions_at is not None:
        section = [lines[decisions_at]]
        for line in lines[decisions_at + 1:]:
            if _SECTION_END.match(line):
                break
            section.append(line)
        fields.decisions = parse_decisions(" ".join(section))
    for line in lines:
        executors = _EXECUTORS.match(line)
        if executors and not fields.responsible_executors:
            fields.responsible_executors = split_units(executors["names"])
        term = _TERM.match(line)
        if term and fields.term is None:
            years = _YEARS.search(term["term"])
            if years:
                fields.term = f"{years[1]}-{years[2]}" if years[1] else years[3]
    return fields


def _program_title_line(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if _program_title(line)), None)


def _program_title(line: str) -> str | None:
    if "програм" not in line.lower():
        return None
    quoted = _QUOTED.search(line)
    if quoted:
        return collapse_spaces(quoted.group(1))
    named = _PROGRAM.search(line)
    return collapse_spaces(named["title"]).rstrip(".") if named else None


def split_units(text: str) -> list[str]:
    """Split a list of departments at commas or semicolons that start another department's name."""
    parts = [collapse_spaces(p).strip(" .") for p in re.split(r"[,;]\s*", text)]
    units: list[str] = []
    for part in parts:
        if not part:
            continue
        if units and not _UNIT_NAME.match(part):
            units[-1] = f"{units[-1]}, {part}"
        else:
            units.append(part)
    return units


def read_signer(lines: list[str]) -> Signer | None:
    """The signer's position and name from the lines under the table."""
    position: list[str] = []
    name = None
    # Signature lines leave a «________» blank for the pen.
    for line in (collapse_spaces(strip_markup(line).replace("_", " ")) for line in lines):
        if not line:
            continue
        found = _SIGNER_NAME.search(line)
        if found:
            name = found.group(1)
            rest = line[: found.start()].strip()
            if rest:
                position.append(rest)
            break
        position.append(line)
    if not position and not name:
        return None
    return Signer(position=collapse_spaces(" ".join(position)) or None, name=name)
