"""The one vocabulary of checking: a Finding, its Severity, and the Status a submission's findings give it.

Intake, the gate and the warehouse all speak it: intake notes its repairs as findings, the gate adds the rules'
failures, the warehouse stores them as they are. This module imports only the rule catalogue, so every layer
may use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from zvit.catalogue import column_name, header_line, message, rules


class Severity(StrEnum):
    """How much a finding weighs: critical rejects, a warning is shown, a notice records a repair intake made."""

    CRITICAL = "critical"
    WARNING = "warning"
    NOTICE = "notice"


class Status(StrEnum):
    """A submission's verdict, or a department's state in a period when it has no counted submission."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_WARNINGS = "accepted_with_warnings"
    REJECTED = "rejected"
    #: a newer version of the same department, program and period replaced it
    SUPERSEDED = "superseded"
    #: the department sent nothing for the period
    MISSING = "missing"
    #: the department's only files for the period could not be read
    UNREADABLE = "unreadable"


#: The verdicts a check can give (the rest are states of a department or of an older version).
VERDICTS: tuple[Status, ...] = (Status.ACCEPTED, Status.ACCEPTED_WITH_WARNINGS, Status.REJECTED)

#: Findings are listed criticals first.
SEVERITY_ORDER: dict[str, int] = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


class Finding(BaseModel):
    """One finding about a report: the rule, what it says, and the cell it points to (file row, column, value)."""

    model_config = ConfigDict(frozen=True)

    rule_code: str
    severity: Severity
    message: str
    measure: str | None = None
    #: the table number (Word), sheet name (Excel) or paragraph marker the row is counted in; None for a file line
    part: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None

    def data(self) -> dict[str, str | int | None]:
        """The finding as the commands' JSON gives it (`zvit validate --json`, `zvit run --json`)."""
        return {"code": self.rule_code, "severity": self.severity.value, "message": self.message,
                "measure": self.measure, "part": self.part, "row": self.row, "column": self.column,
                "value": self.value, "expected": self.expected}

    @property
    def where(self) -> str:
        """Where the cell is, in words a clerk finds it by: «рядок 3 таблиці 1 (захід 1), графа 9 «Відсоток
        виконання»»; '' when the finding names no place."""
        rule = rules().get(self.rule_code)
        return location_text(self.part, self.row, self.column, measure=self.measure,
                             field=rule.field if rule else None)

    @property
    def is_intake(self) -> bool:
        """True for a repair or assumption made while reading the file, not a rule of the gate."""
        rule = rules().get(self.rule_code)
        return rule is not None and rule.home == "intake"


def status_for(severities: Iterable[str]) -> Status:
    """rejected if anything is critical, accepted_with_warnings if anything is a warning, else accepted.

    A notice (a repair intake made, such as a rescaled column) is shown but changes nothing.
    """
    found = set(severities)
    if Severity.CRITICAL in found:
        return Status.REJECTED
    return Status.ACCEPTED_WITH_WARNINGS if Severity.WARNING in found else Status.ACCEPTED


def catalogued(code: str, *, measure: str | None = None, row: int | None = None, column: str | None = None,
               value: str | None = None, expected: str | None = None, part: str | None = None,
               field: str | None = None, **params: Any) -> Finding:
    """A finding of a catalogue rule, with the rule's severity and its Ukrainian message filled in.

    `field` names the form's column (or header line) the finding is about when the rule does not fix it; the
    message's {where} says the place in words, {Where} the same with a capital letter to open a sentence.
    """
    params.setdefault("detail", "")
    where = location_text(part, row, column, measure=measure, field=field or rules()[code].field)
    text = message(code, measure=measure, where=where, Where=where[:1].upper() + where[1:], column=column,
                   value=value, expected=expected, **params)
    return Finding(rule_code=code, severity=Severity(rules()[code].severity), message=text, measure=measure,
                   row=row, column=column, value=value, expected=expected, part=part or None)


#: The `part` of a Word paragraph outside the tables; its `row` counts paragraphs.
PARAGRAPH = "абзац"
_TABLE = re.compile(r"^таблиця\s+(\d+)$")


def location_text(part: str | None, row: int | None, column: str | None = None, *, measure: str | None = None,
                  field: str | None = None) -> str:
    """Where a finding points, in words a clerk finds it by; '' when it names no place.

    A table cell: «рядок 3 таблиці 1 (захід 1), графа 9 «Відсоток виконання»»; on an Excel sheet the column
    letter too («графа 8 (стовпець H)»); a line of the header: «рядок «Дата і номер рішення…» заголовка звіту»;
    any other paragraph: «6-й абзац тексту документа». The report's annex and every letter use it.
    """
    header = header_line(field)
    if header:
        # the header's own words find the line; the file line helps where the file has numbered lines
        place = f"рядок «{header}» заголовка звіту"
        if row is not None and part != PARAGRAPH:
            place += f" ({_row_in(part, row)})"
        return place
    if row is None and not column:
        return ""
    if part == PARAGRAPH:
        return f"{row}-й абзац тексту документа" if row is not None else ""
    places = []
    if row is not None:
        places.append(_row_in(part, row) + (f" (захід {measure})" if measure else ""))
    if column:
        places.append(_column_text(part, column, field))
    return ", ".join(places)


def _row_in(part: str | None, row: int) -> str:
    """«рядок 3 таблиці 1», «рядок 12 аркуша «Звіт»», «рядок 90 файлу»."""
    if not part:
        return f"рядок {row} файлу"
    table = _TABLE.match(part)
    if table:
        return f"рядок {row} таблиці {table.group(1)}"
    return f"рядок {row} аркуша «{part}»"


def _column_text(part: str | None, column: str, field: str | None) -> str:
    """«графа 9 «Відсоток виконання»»; on a sheet with its letter, «графа 8 (стовпець H)»."""
    text = f"графа {column}"
    if part and part != PARAGRAPH and not _TABLE.match(part) and column.isdigit():
        text += f" (стовпець {_letter(int(column))})"
    name = column_name(field) if field else None
    return f"{text} «{name}»" if name and name != field else text


def _letter(number: int) -> str:
    """The Excel letter of a 1-based column number: 8 → H, 27 → AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
