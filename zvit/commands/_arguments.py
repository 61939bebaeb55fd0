"""Argument types the sub-commands share; argparse turns their errors into a usage message and exit code 2."""

from __future__ import annotations

import argparse


def period_code(text: str) -> str:
    """A period such as 2022-Q3."""
    from zvit.errors import PeriodError
    from zvit.normalize.periods import parse_period_code

    try:
        return parse_period_code(text).code
    except PeriodError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
