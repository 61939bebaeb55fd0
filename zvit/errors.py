"""Errors that are the user's to fix: shown as one line each, never as a traceback.

Every error a person can cause (a file, an argument, a setting, the registry) is a `ZvitError`; the command line
prints each line of its message as `zvit: <line>` and exits 2. The parse errors of `zvit.normalize` are also
`ValueError`s, so code that reads a cell or a title and tries the next reading on a `ValueError` keeps working.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from zvit.catalogue import message

#: line breaks and other control characters a file name may hold (Linux allows all but «/» and NUL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with control characters escaped: a file named «a\\nzvit: b.docx: ...» cannot forge a second line."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class ZvitError(Exception):
    """Base of every error zvit reports to a person."""


class IntakeError(ZvitError):
    """A submitted file cannot be read as a report: `str()` is the English line for logs and diagnostics, `told`
    the Ukrainian line the department reads (the catalogue's sentence for `code`, with `uk` as its {problem})."""

    def __init__(self, source: str, problem: str, *, uk: str, code: str = "INTAKE-FORMAT", row: str | None = None,
                 column: str | None = None, value: str | None = None) -> None:
        self.source, self.problem, self.uk, self.code = source, problem, uk, code
        self.row, self.column, self.value = row, column, value
        where = ", ".join(part for part in (row, f"column {column}" if column else None) if part)
        found = f" (found {value!r})" if value is not None else ""
        # every command, log and notice shows this on one line, whatever the file's name holds
        super().__init__(printable(f"{source}: {problem}{' at ' + where if where else ''}{found}"))

    @property
    def told(self) -> str:
        """What the department is told, on one line naming the file: plain Ukrainian, no library's words."""
        said = message(self.code, problem=self.uk, row=self.row or "", column=self.column or "",
                       value=self.value or "")
        return printable(f"{self.source}: {said}")


class PeriodError(ZvitError, ValueError):
    """A period code is not of the form `2022-Q3`."""


class NumberError(ZvitError, ValueError):
    """The text of a numeric cell is not a number."""


class DateError(ZvitError, ValueError):
    """A date in the text does not exist in the calendar (31.02.2022); the message shows it as written."""

    def __init__(self, written: str) -> None:
        self.written = written
        super().__init__(f"a date that does not exist: {printable(written)}")


class SettingsError(ZvitError):
    """ZVIT_* variables with values zvit cannot use: one line per variable, naming it and the expected form."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class RegistryError(ZvitError):
    """The registry has problems; each names a file and a line."""

    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = list(problems)
        more = f" (and {len(problems) - 1} more problems: run `zvit registry check`)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")
