"""The report's Ukrainian texts (`templates/report/texts.yaml`) and its title, shared by every format."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from zvit.glossary import word
from zvit.normalize.periods import PERIOD_WORDS, ReportingPeriod
from zvit.templating import TEMPLATES_DIR, render

TEXTS_PATH = TEMPLATES_DIR / "report" / "texts.yaml"


@cache
def texts() -> dict[str, Any]:
    """Every label of the report, read once."""
    labels: dict[str, Any] = yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8"))
    return labels


def period_phrase(period: ReportingPeriod) -> str:
    """«за 9 місяців 2022 року», «за 2022 рік»."""
    return render("report/period.txt", period=period, words=PERIOD_WORDS).strip()


def title(program_title: str, period: ReportingPeriod) -> str:
    """«Зведений звіт про результати виконання міської цільової програми «…» за 9 місяців 2022 року»."""
    return " ".join(render("report/title.txt", program={"title": program_title}, period=period,
                           words=PERIOD_WORDS).split())


def status_label(status: str) -> str:
    """The glossary's word: «прийнято», «відхилено», «файл не прочитано», «не подано»...; an unknown status is
    shown as it is stored."""
    return word(status, "status")


def severity_label(severity: str) -> str:
    """The glossary's word: «критична помилка», «зауваження», «довідка»; an unknown severity as it is stored."""
    return word(severity, "severity")


def fate_label(fate: str) -> str:
    """The glossary's word for what became of a received file: «файл не прочитано», «формат не підтримується»."""
    return word(fate, "fate")


def unit_label(unit_code: str) -> str:
    """«тис. грн» or «грн»."""
    return str(texts()["units"][unit_code])


def column_heading(field: str, unit_code: str) -> str:
    """A column heading of the official form with the amounts' unit filled in."""
    return str(texts()["columns"][field]).format(unit=unit_label(unit_code))


def measure_label(measure: str | None, sub_item: int = 0) -> str:
    """«3» or «3 (підпункт 1)» for a finding about a sub-item; '' when the finding is about no line."""
    if not measure:
        return ""
    return f"{measure} ({texts()['rows']['sub_item'].format(number=sub_item)})" if sub_item else measure


def mark_text(numbers: tuple[int, ...]) -> str:
    """«див. п. 1, 3 Додатка» for a value with annex findings; '' for none."""
    return texts()["rows"]["mark"].format(numbers=", ".join(map(str, numbers))) if numbers else ""
