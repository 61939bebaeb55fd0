"""The program registry: programs, council decisions, departments and the reporting calendar, kept as YAML."""

from __future__ import annotations

from pathlib import Path

from zvit.errors import RegistryError
from zvit.registry.names import normalize_department, normalize_program
from zvit.registry.periods import ReportingPeriod
from zvit.registry.schema import (
    Calendar,
    ConvocationEntry,
    DecisionEntry,
    DepartmentEntry,
    Person,
    ProgramEntry,
    Registry,
)
from zvit.registry.validate import read_registry
from zvit.registry.yamldoc import Problem

__all__ = [
    "Calendar", "ConvocationEntry", "DecisionEntry", "DepartmentEntry", "Person", "Problem", "ProgramEntry", "Registry",
    "RegistryError", "ReportingPeriod", "check_registry", "load_registry", "normalize_department",
    "normalize_program",
]


def check_registry(directory: Path) -> list[Problem]:
    """Every problem of the registry in `directory`."""
    return read_registry(Path(directory))[1]


def load_registry(directory: Path) -> Registry:
    """The validated registry in `directory` (an entry point passes its settings' registry_dir); RegistryError lists
    what is wrong."""
    registry, problems = read_registry(Path(directory))
    if registry is None:
        raise RegistryError(problems)
    return registry
