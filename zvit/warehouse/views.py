"""Typed handles on the views in sql/, so that reading them gives Decimals and datetimes on every engine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, select
from sqlalchemy.engine import Connection, Engine

from models.types import MONEY, PERCENT

#: Separate from the models' metadata: Alembic must never try to create these as tables.
view_metadata = MetaData()


def _view(name: str, *columns: Column[Any]) -> Table:
    return Table(name, view_metadata, *columns)


def _money(name: str) -> Column[Any]:
    return Column(name, MONEY)


def _percent(name: str) -> Column[Any]:
    return Column(name, PERCENT)


v_report_lines = _view(
    "v_report_lines",
    Column("submission_id", Integer), Column("version", Integer),
    Column("department_code", String), Column("department_name", String),
    Column("program_code", String), Column("period_code", String),
    Column("line_no", Integer), Column("measure", String), Column("sub_item", Integer),
    Column("task", String), Column("content", String), Column("term", String), Column("executors", String),
    _money("planned"), _money("annual"), _money("financed"),
    _percent("reported_percent"), _percent("computed_percent"),
    Column("info", String), Column("source_part", String), Column("source_row", Integer),
)

v_department_totals = _view(
    "v_department_totals",
    Column("department_code", String), Column("department_name", String),
    Column("program_code", String), Column("period_code", String),
    Column("submission_id", Integer), Column("version", Integer), Column("status", String),
    Column("line_count", Integer),
    _money("planned"), _money("annual"), _money("financed"), _percent("computed_percent"),
    _money("reported_total_planned"), _money("reported_total_annual"), _money("reported_total_financed"),
    _percent("reported_total_percent"),
)

v_program_totals = _view(
    "v_program_totals",
    Column("program_code", String), Column("period_code", String),
    Column("department_count", Integer), Column("line_count", Integer),
    _money("planned"), _money("annual"), _money("financed"), _percent("computed_percent"),
)

v_department_status = _view(
    "v_department_status",
    Column("department_code", String), Column("department_name", String),
    Column("program_code", String), Column("period_code", String),
    Column("deadline", Date), Column("responsible_executor", Integer),
    Column("submission_id", Integer), Column("source_file", String), Column("version", Integer),
    Column("received_at", DateTime), Column("status", String), Column("refused_file", String),
    Column("refused_reason", String), Column("is_late", Integer),
)

VIEWS: dict[str, Table] = {table.name: table for table in view_metadata.sorted_tables}


def view_rows(bind: Engine | Connection, name: str, **equals: Any) -> list[dict[str, Any]]:
    """Rows of view `name` whose columns equal the given values, as dicts with Python types."""
    table = VIEWS[name]
    query = select(table)
    for column, value in equals.items():
        query = query.where(table.c[column] == value)
    query = query.order_by(*table.c)
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]
    return [dict(row) for row in bind.execute(query).mappings()]
