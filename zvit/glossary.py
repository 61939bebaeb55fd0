"""The one glossary: the Ukrainian word for every status, severity and fate, read by every template."""

from __future__ import annotations

from enum import Enum
from functools import cache

import yaml

from zvit.resources import resource_dir

GLOSSARY_PATH = resource_dir("templates") / "glossary.yaml"


@cache
def glossary() -> dict[str, dict[str, str]]:
    """Every term by kind (status, severity, fate) and value."""
    terms: dict[str, dict[str, str]] = yaml.safe_load(GLOSSARY_PATH.read_text(encoding="utf-8"))
    return terms


def word(value: str | Enum | None, kind: str | None = None) -> str:
    """The word for a value: «відхилено» for `rejected`; a status where a value is also a fate («unreadable»)
    unless `kind` says otherwise; the value itself when the glossary has none."""
    if value is None:
        return ""
    key = str(value.value if isinstance(value, Enum) else value)
    kinds = [kind] if kind else ["status", "severity", "fate"]
    for name in kinds:
        if key in glossary()[name]:
            return glossary()[name][key]
    return key
