"""The rule catalogue (`expectations/catalogue.yaml`): codes, severities and the messages people read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from zvit.model import Finding, SourceLocation
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


@cache
def rules() -> dict[str, Rule]:
    """Every rule of the catalogue by code."""
    data = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return {code: Rule(code=code, **entry) for code, entry in data["rules"].items()}


def finding(code: str, *, location: SourceLocation | None = None, column: str | None = None,
            value: str | None = None, **params: Any) -> Finding:
    """A finding of one catalogue rule, its Ukrainian message filled in from the parameters."""
    rule = rules()[code]
    message = rule.message_uk.format(column=column, value=value, **params)
    return Finding(code=code, message=message, location=location, column=column, value=value)
