"""The program registry: programs, council decisions, departments and the reporting calendar, kept as YAML."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from zvit.errors import ZvitError
from zvit.registry.names import normalize_department, normalize_program
from zvit.registry.periods import Period, parse_period
from zvit.registry.schema import Calendar, Convocation, Decision, Department, Program, Registry
from zvit.registry.validate import read_registry
from zvit.registry.yamldoc import Problem
from zvit.settings import Settings

__all__ = [
    "Calendar", "Convocation", "Decision", "Department", "Period", "Problem", "Program", "Registry",
    "RegistryError", "check_registry", "default_registry", "load_registry", "normalize_department",
    "normalize_program", "parse_period", "resolve_department", "resolve_program",
]


class RegistryError(ZvitError):
    """The registry has problems; each names a file and a line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems: run `zvit registry check`)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


def _directory(directory: Path | None) -> Path:
    return Path(directory) if directory is not None else Settings.from_env().registry_dir


def check_registry(directory: Path | None = None) -> list[Problem]:
    """Every problem of the registry in `directory` (default: ZVIT_REGISTRY_DIR or the shipped registry/)."""
    return read_registry(_directory(directory))[1]


def load_registry(directory: Path | None = None) -> Registry:
    """The validated registry in `directory`; RegistryError lists what is wrong."""
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


def resolve_department(name: str | None, registry: Registry | None = None) -> str | None:
    """The code of the department a report names (case, apostrophes, «з/із/зі», «міської ради» ignored)."""
    return (registry or default_registry()).resolve_department(name)


def resolve_program(title: str | None, registry: Registry | None = None) -> str | None:
    """The code of the program a report names, by normalized title."""
    return (registry or default_registry()).resolve_program(title)
