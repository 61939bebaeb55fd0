"""The warehouse schema: SQLModel tables (and, in models/migrations, the Alembic history that builds them)."""

import models.access  # its tables join the metadata
import models.mail  # noqa: F401  (its tables join the metadata)
from models.base import NAMING_CONVENTION, WarehouseModel, metadata, row_id
from models.reference import Convocation, Decision, DecisionProgram, Department, DepartmentProgram, Period, Program
from models.submissions import (
    CHECK_STATUSES,
    FATES,
    ORIGINS,
    SEVERITIES,
    STATUSES,
    CheckResult,
    CitedDecision,
    Measure,
    Notification,
    ReceivedFile,
    ReportLine,
    Submission,
)

__all__ = [
    "CHECK_STATUSES", "FATES", "NAMING_CONVENTION", "ORIGINS", "SEVERITIES", "STATUSES", "CheckResult",
    "CitedDecision", "Convocation", "Decision", "DecisionProgram", "Department", "DepartmentProgram", "Measure",
    "Notification", "Period", "Program", "ReceivedFile", "ReportLine", "Submission", "WarehouseModel", "metadata",
    "row_id",
]
