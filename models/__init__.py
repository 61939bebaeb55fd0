"""The warehouse schema: SQLModel tables (and, in models/migrations, the Alembic history that builds them)."""

from models.base import NAMING_CONVENTION, WarehouseModel, metadata
from models.reference import (
    Convocation, Decision, DecisionProgram, Department, DepartmentAlias, DepartmentContact, DepartmentProgram,
    Period, Program, ProgramAlias,
)
from models.submissions import (
    CHECK_STATUSES, SEVERITIES, STATUSES, CheckResult, CitedDecision, Measure, Notification, ReportLine,
    Submission,
)

__all__ = [
    "CHECK_STATUSES", "NAMING_CONVENTION", "SEVERITIES", "STATUSES", "CheckResult", "CitedDecision", "Convocation",
    "Decision", "DecisionProgram", "Department", "DepartmentAlias", "DepartmentContact", "DepartmentProgram",
    "Measure", "Notification", "Period", "Program", "ProgramAlias", "ReportLine", "Submission", "WarehouseModel",
    "metadata",
]
