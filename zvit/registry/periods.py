"""Reporting periods as the registry uses them: the periods of a year and each period's deadline."""

from __future__ import annotations

import calendar
from datetime import date

from zvit.normalize.periods import ReportingPeriod

__all__ = ["ReportingPeriod", "default_deadline", "periods_of_year"]


def periods_of_year(year: int) -> list[ReportingPeriod]:
    """The four cumulative periods of a year."""
    return [ReportingPeriod(year, quarter) for quarter in range(1, 5)]


def default_deadline(period: ReportingPeriod, *, day: int, months_after: int) -> date:
    """`day` of the month `months_after` months after the quarter ends (clamped to that month's length)."""
    month_index = period.year * 12 + period.quarter * 3 - 1 + months_after
    year, month0 = divmod(month_index, 12)
    return date(year, month0 + 1, min(day, calendar.monthrange(year, month0 + 1)[1]))
