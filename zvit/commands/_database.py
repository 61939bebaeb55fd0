"""What the database commands share: turning user errors and database failures into one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps

from zvit.cli import ExitCode, print_error, print_os_error
from zvit.errors import ZvitError


def one_line(error: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's background link."""
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


def reports_errors(run: Callable[..., int]) -> Callable[..., int]:
    """Print `zvit: <message>` and return ExitCode.INPUT (2) for user errors (arguments, files, settings, the
    registry) and database failures instead of a traceback."""
    @wraps(run)
    def wrapper(*args: object, **kwargs: object) -> int:
        # Imported here, not at the top: `zvit parse` must not pay for SQLAlchemy at start-up.
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return run(*args, **kwargs)
        except ZvitError as error:
            print_error(error)
        except SQLAlchemyError as error:
            print(f"zvit: database error: {one_line(error)}", file=sys.stderr)
        except OSError as error:
            print_os_error(error)
        return ExitCode.INPUT
    return wrapper
