"""Errors that are the user's to fix: shown as one line, never as a traceback."""

from __future__ import annotations

import re

#: line breaks and other control characters a file name may hold (Linux allows all but «/» and NUL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with control characters escaped: a file named «a\\nzvit: b.docx: ...» cannot forge a second line."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class ZvitError(Exception):
    """Base of every error zvit reports to a person."""


class IntakeError(ZvitError):
    """A submitted file cannot be read as a report; the message names the file and what is wrong."""

    def __init__(self, source: str, problem: str, *, code: str = "INTAKE-FORMAT", row: str | None = None,
                 column: str | None = None, value: str | None = None) -> None:
        self.source, self.problem, self.code = source, problem, code
        self.row, self.column, self.value = row, column, value
        where = ", ".join(part for part in (row, f"column {column}" if column else None) if part)
        found = f" (found {value!r})" if value is not None else ""
        # every command, log and notice shows this on one line, whatever the file's name holds
        super().__init__(printable(f"{source}: {problem}{' at ' + where if where else ''}{found}"))
