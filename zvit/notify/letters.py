"""What every letter to a department shares: who signs it and whom to ask, and by when to send a corrected file.

A letter is signed by the consolidator, never by the software: the program's contact from the registry, else its
signer, else the responsible department's head, else the responsible department by name. The resend-by date is
the deadline while it lasts; after it, a fixed number of working days from the letter's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from zvit.formatting import days, uk_date
from zvit.registry import Person, Registry

#: Working days (Monday to Friday; public holidays are not known to zvit) a department has to send a corrected
#: file once the deadline has passed: long enough to fix a file and have it signed, short enough for the quarter.
RESEND_WORKING_DAYS = 5


@dataclass(frozen=True)
class Signature:
    """Who a letter is from and whom to ask: a person from the registry, or only a department's name."""

    position: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    department: str = ""

    @property
    def contact(self) -> str:
        """«Ірина ШЕВЧУК, головний спеціаліст …, тел. (0412) 48-12-00, ел. пошта zvit@…» or the department."""
        if not self.name:
            return self.department
        parts = [self.name, self.position, f"тел. {self.phone}" if self.phone else "",
                 f"ел. пошта {self.email}" if self.email else ""]
        return ", ".join(part for part in parts if part)

    @property
    def lines(self) -> list[str]:
        """The sign-off under «З повагою,»: position, name, then phone and email on one line."""
        if not self.name:
            return [self.department] if self.department else []
        reach = ", ".join(part for part in (f"тел. {self.phone}" if self.phone else "",
                                             f"ел. пошта {self.email}" if self.email else "") if part)
        return [line for line in (_sentence_case(self.position), self.name, reach) if line]


def signature(registry: Registry, program: str | None) -> Signature:
    """The consolidator of a program as a letter names them (see the module's order); empty when nothing is known."""
    entry = next((p for p in registry.programs if p.code == program), None) if program else None
    responsible = [d for d in registry.departments if program and d.is_responsible_for(program)]
    department = responsible[0].name if responsible else ""
    person: Person | None = None
    if entry is not None:
        person = entry.contact or entry.signer
    if person is None and responsible:
        person = responsible[0].head
    if person is None:
        return Signature(department=_sentence_case(department))
    return Signature(position=person.position, name=person.name, phone=person.phone or "",
                     email=str(person.email) if person.email else "", department=department)


@dataclass(frozen=True)
class ResendBy:
    """By when to send a corrected file: the deadline, or after it a date `RESEND_WORKING_DAYS` on."""

    by: date
    deadline: date
    today: date
    working_days: int = RESEND_WORKING_DAYS

    @property
    def deadline_passed(self) -> bool:
        """Whether the letter is written after the deadline."""
        return self.today > self.deadline

    @property
    def days_left(self) -> str:
        """«2 дні» until the deadline; '' after it."""
        return "" if self.deadline_passed else days((self.deadline - self.today).days)

    def context(self) -> dict[str, object]:
        """The words a letter's «Строк» section needs."""
        return {"deadline": uk_date(self.deadline), "deadline_passed": self.deadline_passed,
                "days_left": self.days_left, "resend_by": uk_date(self.by),
                "working_days": working_days(self.working_days)}


def resend_by(deadline: date, today: date, working_days: int = RESEND_WORKING_DAYS) -> ResendBy:
    """The deadline while it lasts; after it, `working_days` working days (Monday to Friday) from today."""
    return ResendBy(by=deadline if today <= deadline else add_working_days(today, working_days),
                    deadline=deadline, today=today, working_days=working_days)


def working_days(count: int) -> str:
    """«1 робочий день», «3 робочі дні», «5 робочих днів»."""
    number, noun = days(count).split(" ", 1)
    return f"{number} {_WORKING[noun]} {noun}"


_WORKING = {"день": "робочий", "дні": "робочі", "днів": "робочих"}


def add_working_days(start: date, count: int) -> date:
    """The day `count` working days (Monday to Friday) after `start`."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]
