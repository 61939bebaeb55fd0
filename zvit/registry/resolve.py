"""The one resolver: which registered department, program and period a report is about, decided once.

The gate checks these codes and the warehouse files the report under them: both take them from here, so a
report that the gate would reject for an unknown name is rejected when it is stored, and never the other way.
"""

from __future__ import annotations

from dataclasses import dataclass

from zvit.model import Report
from zvit.registry.names import normalize_department, normalize_program
from zvit.registry.schema import Registry


@dataclass(frozen=True)
class Resolution:
    """The registry's codes for what a report names; None where the registry does not know the name."""

    department: str | None
    program: str | None
    #: the report's period when some registered program runs in it
    period: str | None
    #: the department is registered as an executor of the program
    executes: bool
    #: department + program + period: by code, or by the normalized name where unresolved (versions count in it)
    slot: str
    #: loads into one department's slot of a program are serialized under this key
    lock_key: str


def department_in_name(file_name: str, registry: Registry) -> str | None:
    """The department whose code a file's name holds («upravlinnia-zvernen-zvit.docx»), the longest such code;
    None when no code is in it. Used only to tell who sent a file that could not be read."""
    name = file_name.lower()
    found = [d.code for d in registry.departments if d.code.lower() in name]
    return max(found, key=len) if found else None


class Resolver:
    """Resolves reports against one registry (its period codes gathered once for a whole batch)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._periods = frozenset(period.code for period in registry.periods())

    def __call__(self, report: Report) -> Resolution:
        """Resolve the names a report gives against the registry."""
        registry = self.registry
        department = registry.resolve_department(report.department)
        program = registry.resolve_program(report.program)
        period = report.period if report.period in self._periods else None
        executes = (department is not None and program is not None
                    and program in registry.department(department).programs)
        department_key = department or "?" + normalize_department(report.department or "")
        program_key = program or "?" + normalize_program(report.program or "")
        period_key = period or "?" + (report.period or "").strip()
        return Resolution(department, program, period, executes,
                          slot=f"{department_key}|{program_key}|{period_key}",
                          lock_key=f"{department_key}|{program_key}")


def resolve(report: Report, registry: Registry) -> Resolution:
    """Resolve one report's names against the registry."""
    return Resolver(registry)(report)
