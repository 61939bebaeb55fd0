"""The warehouse: every submission kept with its lines, findings and history, on SQLite or PostgreSQL."""

from zvit.warehouse.engine import database_url, display_url, make_engine
from zvit.warehouse.load import LoadResult, load_report
from zvit.warehouse.queries import (
    check_results,
    count_rows,
    current_submissions,
    submission_history,
    submission_lines,
)
from zvit.warehouse.registry_sync import RegistrySummary, sync_registry
from zvit.warehouse.schema import current_revision, downgrade, ensure_schema, head_revision, upgrade
from zvit.warehouse.views import VIEWS, view_rows

__all__ = [
    "VIEWS", "LoadResult", "RegistrySummary", "check_results", "count_rows", "current_revision",
    "current_submissions", "database_url", "display_url", "downgrade", "ensure_schema", "head_revision",
    "load_report", "make_engine", "submission_history", "submission_lines", "sync_registry",
    "upgrade", "view_rows",
]
