"""Council decisions cited in a report header: «24.12.2020 №31», «№31 від 24.12.2020», a bare date."""

from __future__ import annotations

import re
from datetime import date

from zvit.errors import DateError
from zvit.model import DecisionCitation
from zvit.registry import Registry

_MONTHS = {
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6,
    "липня": 7, "серпня": 8, "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
}
_DATE = re.compile(
    r"(?P<d>\d{1,2})\s*[./-]\s*(?P<m>\d{1,2})\s*[./-]\s*(?P<y>\d{4}|\d{2})(?!\d)"
    r"|(?P<d2>\d{1,2})\s+(?P<mn>" + "|".join(_MONTHS) + r")\s+(?P<y2>\d{4})",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"№\s*(?P<n>\d+(?:[/-]\d+)*(?:-[А-ЯІЇЄҐа-яіїєґ]+)?)")
# What may stand between a date and the number that follows it («24.12.2020 р. № 31»), and between a
# number and the date after it («№ 31 від 24.12.2020»).
_DATE_THEN_NUMBER = re.compile(r"^\s*(?:р\.?|року)?\s*,?\s*$", re.IGNORECASE)
_NUMBER_THEN_DATE = re.compile(r"^\s*(?:від|з|от)?\s*$", re.IGNORECASE)


def parse_date(text: str) -> date | None:
    """Read the first date in a text («02.09.2022», «2 вересня 2022 року»), or None."""
    match = _DATE.search(text)
    return _match_date(match) if match else None


def _match_date(match: re.Match[str]) -> date:
    if match["d"]:
        day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
        year += 2000 if year < 100 else 0
    else:
        day, month, year = int(match["d2"]), _MONTHS[match["mn"].lower()], int(match["y2"])
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(match.group(0)) from exc


def parse_decisions(text: str) -> list[DecisionCitation]:
    """Every decision cited in a text, in order; a date with no number gives number None."""
    dates = [(m.start(), m.end(), _match_date(m)) for m in _DATE.finditer(text)]
    numbers = [(m.start(), m.end(), m["n"]) for m in _NUMBER.finditer(text)]
    paired: dict[int, str] = {}  # index in dates -> number
    for n_start, n_end, number in numbers:
        before = [i for i, (_, d_end, _) in enumerate(dates)
                  if d_end <= n_start and i not in paired and _DATE_THEN_NUMBER.match(text[d_end:n_start])]
        after = [i for i, (d_start, _, _) in enumerate(dates)
                 if d_start >= n_end and i not in paired and _NUMBER_THEN_DATE.match(text[n_end:d_start])]
        if after:
            paired[after[0]] = number
        elif before:
            paired[before[-1]] = number
    return [DecisionCitation(number=paired.get(i), date=d) for i, (_, _, d) in enumerate(dates)]


def cite(number: str | None, when: date) -> str:
    """A decision as a report header writes it: «24.12.2020 № 31», or the date alone when it has no number."""
    return f"{when:%d.%m.%Y} № {number}" if number else f"{when:%d.%m.%Y}"


def decisions_line(registry: Registry, program: str, until: date | None = None) -> str:
    """The program's decisions as a report header should cite them, ready to paste: «24.12.2020 № 31 (зі змінами
    від 23.09.2021 № 279, 24.12.2021 № 381)»; amendments adopted after `until` (a period's end) are not yet in
    force and are left out. '' for a program the registry has no decision for."""
    approving = [d for d in registry.decisions if program in d.approves]
    amending = [d for d in registry.decisions if program in d.amends and (until is None or d.date <= until)]
    if not approving:
        return ", ".join(cite(d.number, d.date) for d in sorted(amending, key=lambda d: d.date))
    line = ", ".join(cite(d.number, d.date) for d in sorted(approving, key=lambda d: d.date))
    if amending:
        line += " (зі змінами від " + ", ".join(cite(d.number, d.date)
                                               for d in sorted(amending, key=lambda d: d.date)) + ")"
    return line
