"""The rule catalogue (`expectations/catalogue.yaml`): codes, severities and the messages people read."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from zvit.resources import resource_dir

CATALOGUE_PATH = resource_dir("expectations") / "catalogue.yaml"


@dataclass(frozen=True)
class Rule:
    """One catalogue entry."""

    code: str
    severity: str
    category: str
    home: str
    message_uk: str
    message_en: str
    #: for home `gx`: the expectation class, its arguments and the columns it is applied to
    expectation: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    #: texts a rule's `detail_code` selects for the {detail} placeholder
    details: dict[str, str] = field(default_factory=dict)
    #: the form's column (`percent`) or header line (`decisions`) every finding of the rule is about, if one
    field: str | None = None

    @property
    def sql_path(self) -> Path | None:
        """The rule's query file, for rules whose home is a file under sql/."""
        return resource_dir("sql") / self.home.removeprefix("sql/") if self.home.startswith("sql/") else None


@cache
def _catalogue() -> dict[str, Any]:
    catalogue: dict[str, Any] = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return catalogue


@cache
def rules() -> dict[str, Rule]:
    """Every rule of the catalogue by code."""
    return {code: Rule(code=code, **{**entry, "columns": tuple(entry.get("columns", ()))})
            for code, entry in _catalogue()["rules"].items()}


def column_name(field_name: str) -> str:
    """The Ukrainian name of a report column, for messages."""
    names: dict[str, str] = _catalogue()["column_names"]
    return names.get(field_name, field_name)


def form_columns() -> tuple[str, ...]:
    """The official form's columns in order, графа 1 to 10."""
    return tuple(_catalogue()["form_columns"])


def header_line(field_name: str | None) -> str | None:
    """The opening words of a report header's line («Дата і номер рішення…»), for a finding about that line."""
    lines: dict[str, str] = _catalogue()["header_lines"]
    return lines.get(field_name) if field_name else None


def message(code: str, **params: Any) -> str:
    """The Ukrainian message of one rule, its {placeholders} filled in."""
    return rules()[code].message_uk.format(**params)
