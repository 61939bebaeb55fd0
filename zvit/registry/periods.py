"""Reporting periods: cumulative quarters '2022-Q1'..'2022-Q4' and their deadlines."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    """A cumulative period: from 1 January to the end of the quarter."""

    code: str
    year: int
    quarter: int

    @property
    def starts_on(self) -> date:
        """1 January: figures are cumulative since the start of the year."""
        return date(self.year, 1, 1)

    @property
    def ends_on(self) -> date:
        """The last day of the quarter."""
        month = self.quarter * 3
        return date(self.year, month, calendar.monthrange(self.year, month)[1])


def parse_period(code: str) -> Period:
    """'2022-Q3' -> Period(2022, 3); ValueError for anything else."""
    match = _PERIOD.match(code)
    if not match:
        raise ValueError(f"not a period code (expected YYYY-Qn): {code!r}")
    return Period(code, int(match[1]), int(match[2]))


def periods_of_year(year: int) -> list[Period]:
    """The four cumulative periods of a year."""
    return [Period(f"{year}-Q{quarter}", year, quarter) for quarter in range(1, 5)]


def default_deadline(period: Period, *, day: int, months_after: int) -> date:
    """`day` of the month `months_after` months after the quarter ends (clamped to that month's length)."""
    month_index = period.year * 12 + period.quarter * 3 - 1 + months_after
    year, month0 = divmod(month_index, 12)
    return date(year, month0 + 1, min(day, calendar.monthrange(year, month0 + 1)[1]))
