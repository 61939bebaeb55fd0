"""Which reminder or overdue notice is due on a given day, from the deadline and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Due:
    """The notice due to a department that has not submitted: kind and its number within that kind."""

    kind: str
    sequence: int
    #: the day this notice became due
    since: date


def due_notice(deadline: date, today: date, *, days_before: int, repeat_days: int, overdue_max: int) -> Due | None:
    """The one notice due today, if any.

    A reminder from `days_before` days before the deadline up to the deadline itself; overdue notice no. 1 the day
    after it, no. 2 `repeat_days` later, and so on up to `overdue_max`. On a day between two, the latest one
    already due is the one to send, so a missed day is made up for but a burst of old notices never goes out.
    """
    if deadline - timedelta(days=days_before) <= today <= deadline:
        return Due("reminder", 1, deadline - timedelta(days=days_before))
    first_overdue = deadline + timedelta(days=1)
    if today < first_overdue or overdue_max < 1:
        return None
    sequence = min(overdue_max, 1 + (today - first_overdue).days // repeat_days)
    return Due("overdue", sequence, first_overdue + timedelta(days=(sequence - 1) * repeat_days))
