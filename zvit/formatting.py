"""Every Ukrainian number, amount, date and period zvit writes, for every output: «2 080 000,00», «27,77 %»,
«2 вересня 2022 р.», «9 місяців 2022 року», «3 дні»."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from zvit.normalize.periods import PERIOD_WORDS, parse_period_code

LOCALE = "uk_UA"
NBSP = "\u00a0"


@dataclass(frozen=True)
class Unit:
    """How amounts are shown: thousands of hryvnias with two decimals, as departments report them (the official
    form), or hryvnias with kopecks."""

    code: str
    divisor: Decimal
    places: int

    def scale(self, value: Decimal) -> Decimal:
        """The amount in this unit, exact (not rounded): 716337.84 грн -> 716.33784 тис. грн."""
        return value / self.divisor


THOUSANDS = Unit("thousands", Decimal(1000), 2)
HRYVNIAS = Unit("grn", Decimal(1), 2)
UNITS: dict[str, Unit] = {unit.code: unit for unit in (THOUSANDS, HRYVNIAS)}


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Money rounding: half a unit of the last place goes up (0,05 -> 0,1), never banker's rounding."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: Decimal | None, places: int = 2) -> str:
    """«2 080 000,00» with no-break spaces (uk_UA's symbols from babel), rounded half up; '' for a missing value."""
    if value is None:
        return ""
    # the same text as babel's format_decimal with pattern #,##0.00 (tests compare them), 20 times faster: a
    # report shows tens of thousands of amounts. Rounded half up here: babel would round half to even.
    rounded = round_half_up(value, places)
    group, decimal, minus = _symbols()
    digits = f"{abs(rounded):,.{places}f}".replace(",", "\0").replace(".", decimal).replace("\0", group)
    return (minus if rounded.is_signed() else "") + digits


@cache
def _symbols() -> tuple[str, str, str]:
    """uk_UA's group separator (a no-break space), decimal comma and minus sign."""
    # imported late: every `zvit` start loads this module
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

    return get_group_symbol(LOCALE), get_decimal_symbol(LOCALE), get_minus_sign_symbol(LOCALE)


def amount(value: Decimal | None, unit: Unit = THOUSANDS) -> str:
    """An amount in hryvnias shown in `unit`: «716,34» (тис. грн) or «716 337,84» (грн)."""
    return "" if value is None else number(unit.scale(value), unit.places)


def ratio(value: Decimal | None) -> str:
    """A percentage such as «27,77 %» (no-break space before the sign); '' for a missing one."""
    return "" if value is None else f"{number(value, 2)}{NBSP}%"


@lru_cache(maxsize=4096)  # babel's date formatting is slow, and a report shows the same few dates many times
def uk_date(value: date | None) -> str:
    """«2 вересня 2022 р.»; '' for a missing date."""
    if value is None:
        return ""
    from babel.dates import format_date

    # CLDR puts a narrow no-break space before «р.»; fonts in offices lack it more often than the plain one
    return format_date(value, format="long", locale=LOCALE).replace("\u202f", NBSP)


def uk_datetime(value: datetime | None, timezone: str | None = None) -> str:
    """«7 жовтня 2022 р., 09:30»: in the city's time zone when given (a stored moment is naive UTC), else in the
    moment's own; '' for a missing moment."""
    if value is None:
        return ""
    local = city_time(value, timezone) if timezone else value
    return f"{uk_date(local.date())}, {local:%H:%M}"


def city_time(moment: datetime, timezone: str) -> datetime:
    """A stored moment (naive UTC) or an aware one, in the city's time zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone))


def city_date(moment: datetime, timezone: str) -> date:
    """The city's calendar date at that moment."""
    return city_time(moment, timezone).date()


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
