"""Reporting periods: «за 9 місяців 2022 року» → `2022-Q3`, cumulative since 1 January."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from zvit.errors import PeriodError

_YEAR = r"(?P<year>20\d\d)"
_ROMAN_ONE = r"(?:i|і|1|перш(?:ий|е)|i-?й|1-?й)"
# Each phrase names how many quarters the cumulative period covers; the year follows it.
_SINCE_JANUARY = r"січень\s*[-–—]\s*"
_PHRASES: tuple[tuple[int, str], ...] = (
    (1, rf"{_ROMAN_ONE}\s+квартал\w*|3\s+місяц\w*|три\s+місяц\w*|{_SINCE_JANUARY}березень"),
    (2, (rf"(?:{_ROMAN_ONE}\s+)?півріч\w*|6\s+місяц\w*|шість\s+місяц\w*|(?:ii|іі|2)\s+квартал\w*|"
         rf"{_SINCE_JANUARY}червень")),
    (3, rf"9\s+місяц\w*|дев[ʼ'’`]?ять\s+місяц\w*|(?:iii|ііі|3)\s+квартал\w*|{_SINCE_JANUARY}вересень"),
    (4, rf"12\s+місяц\w*|(?:iv|іv|4)\s+квартал\w*|{_SINCE_JANUARY}грудень"),
)
_PATTERNS = [(q, re.compile(rf"\b(?:{phrase})\s+{_YEAR}", re.IGNORECASE)) for q, phrase in _PHRASES]
_WHOLE_YEAR = re.compile(rf"\bза\s+{_YEAR}\s+р(?:ік|оку|\.)", re.IGNORECASE)
_CODE = re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$")

#: How each period is named in a title: «Зведений звіт ... за 9 місяців 2022 року».
PERIOD_WORDS = {1: "I квартал", 2: "I півріччя", 3: "9 місяців", 4: "рік"}


@dataclass(frozen=True, order=True)
class ReportingPeriod:
    """A cumulative reporting period of one year."""

    year: int
    quarter: int

    @property
    def code(self) -> str:
        """`2022-Q3`."""
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> date:
        """1 January: figures are cumulative since the year began."""
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The last day the period covers."""
        month = self.quarter * 3
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return self.code


def parse_period_code(code: str) -> ReportingPeriod:
    """`2022-Q3` → ReportingPeriod(2022, 3)."""
    match = _CODE.match(code.strip())
    if not match:
        raise PeriodError(f"period must look like 2022-Q3, got {code!r}")
    return ReportingPeriod(int(match["year"]), int(match["quarter"]))


def find_period(text: str) -> ReportingPeriod | None:
    """The first period named in a text such as a report title, or None."""
    found: list[tuple[int, ReportingPeriod]] = []
    for quarter, pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            found.append((match.start(), ReportingPeriod(int(match["year"]), quarter)))
    match = _WHOLE_YEAR.search(text)
    if match:
        found.append((match.start(), ReportingPeriod(int(match["year"]), 4)))
    return min(found)[1] if found else None


def last_ended(today: date) -> ReportingPeriod:
    """The latest period that ended before `today`: the one a quarterly run or a reminder is about."""
    quarter = (today.month - 1) // 3  # quarters fully ended this year
    return ReportingPeriod(today.year, quarter) if quarter else ReportingPeriod(today.year - 1, 4)
