"""One Jinja2 environment for everything zvit renders, with the Ukrainian number filters registered once."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import jinja2

from zvit import formatting
from zvit.formatting import number
from zvit.glossary import word
from zvit.resources import resource_dir

TEMPLATES_DIR = resource_dir("templates")


def money(value: Decimal | None, places: int = 2) -> str:
    """«2 080 000,00»; an empty cell for a missing amount."""
    return "" if value is None else number(value, places)


def percent(value: Decimal | None) -> str:
    """«51,88%»; an empty cell for a missing percent."""
    return "" if value is None else f"{number(value, 2)}%"


@cache
def environment() -> jinja2.Environment:
    """The shared environment: HTML and XML templates autoescaped, text templates kept verbatim."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "html.j2"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # The glossary's word for a status, severity or fate: «{{ status|word }}», «{{ f.severity|word("severity") }}».
    env.filters["word"] = word
    env.filters["money"] = money
    env.filters["percent"] = percent
    # The consolidated report's filters: amounts in a chosen unit, «27,77 %», «2 вересня 2022 р.».
    env.filters["amount"] = formatting.amount
    env.filters["ratio"] = formatting.ratio
    env.filters["uk_date"] = formatting.uk_date
    env.filters["uk_datetime"] = formatting.uk_datetime
    # Plain-text tables (command line, text emails) align columns with these.
    env.filters["ljust"] = lambda text, width: str(text).ljust(width)
    env.filters["rjust"] = lambda text, width: str(text).rjust(width)
    return env


def render(name: str, **context: object) -> str:
    """Render one template from `templates/`."""
    return environment().get_template(name).render(**context)
