"""Ukrainian dates, periods and day counts as the emails show them, in the city's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from zvit.normalize.periods import PERIOD_WORDS, parse_period_code

LOCALE = "uk_UA"


def city_time(moment: datetime, timezone: str) -> datetime:
    """A stored moment (naive UTC) or an aware one, in the city's time zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone))


def city_date(moment: datetime, timezone: str) -> date:
    """The city's calendar date at that moment."""
    return city_time(moment, timezone).date()


def uk_date(value: date) -> str:
    """«10 жовтня 2022 р.»."""
    # babel is imported late: most of zvit never formats a date
    from babel.dates import format_date

    return format_date(value, format="long", locale=LOCALE)


def uk_datetime(moment: datetime, timezone: str) -> str:
    """«7 жовтня 2022 р., 12:30», city time."""
    local = city_time(moment, timezone)
    return f"{uk_date(local.date())}, {local:%H:%M}"


def period_label(code: str) -> str:
    """«9 місяців 2022 року», «2022 рік»: how a cumulative period is named."""
    period = parse_period_code(code)
    if period.quarter == 4:
        return f"{period.year} рік"
    return f"{PERIOD_WORDS[period.quarter]} {period.year} року"


def days(count: int) -> str:
    """«1 день», «3 дні», «5 днів», «21 день»: Ukrainian plural of «день»."""
    count = abs(count)
    if count % 10 == 1 and count % 100 != 11:
        word = "день"
    elif count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        word = "дні"
    else:
        word = "днів"
    return f"{count} {word}"
