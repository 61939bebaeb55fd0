"""The program registry: programs, council decisions, departments and the reporting calendar, kept as YAML."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from zvit.errors import RegistryError
from zvit.registry.names import normalize_department, normalize_program
from zvit.registry.periods import ReportingPeriod
from zvit.registry.schema import Calendar, ConvocationEntry, DecisionEntry, DepartmentEntry, ProgramEntry, Registry
from zvit.registry.validate import read_registry
from zvit.registry.yamldoc import Problem

__all__ = [
    "Calendar", "ConvocationEntry", "DecisionEntry", "DepartmentEntry", "Problem", "ProgramEntry", "Registry",
    "RegistryError", "ReportingPeriod", "check_registry", "default_registry", "load_registry", "normalize_department",
    "normalize_program",
]


def _directory(directory: Path | None) -> Path:
    if directory is not None:
        return Path(directory)
    # for callers that pass no directory yet; an entry point passes its settings' registry_dir
    from zvit.settings import Settings

    return Settings.load().registry_dir


def check_registry(directory: Path) -> list[Problem]:
    """Every problem of the registry in `directory`."""
    return read_registry(Path(directory))[1]


def load_registry(directory: Path | None = None) -> Registry:
    """The validated registry in `directory` (no directory: ZVIT_REGISTRY_DIR's); RegistryError lists what is wrong."""
    registry, problems = read_registry(_directory(directory))
    if registry is None:
        raise RegistryError(problems)
    return registry


@lru_cache(maxsize=4)
def _cached(directory: Path) -> Registry:
    return load_registry(directory)


def default_registry() -> Registry:
    """The registry named by the settings, read once per process."""
    return _cached(_directory(None).resolve())
