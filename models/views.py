"""The reporting views: one SQL file each in sql/, dropped before migrations and created again at head.

Views are derived objects, so they are not versioned migration by migration. The migration runner
(zvit.warehouse.schema.upgrade) drops them before migrating, because a table rebuild in SQLite or a column
change in PostgreSQL fails under a dependent view, and creates them from the current sql/ files once the
database is at head, in the same transaction. Changing a view therefore needs no migration: `zvit db upgrade`
applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Connection

from zvit.resources import resource_dir

SQL_DIR = resource_dir("sql")
_CREATE = re.compile(r"^\s*CREATE\s+VIEW\s+(\w+)\s+AS\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class View:
    """A view's name (= its file's stem) and its CREATE VIEW statement."""

    name: str
    sql: str
    path: Path


def load_views(directory: Path = SQL_DIR) -> list[View]:
    """Every view in `directory`, ordered so that a view comes after the views it reads."""
    views: dict[str, View] = {}
    for path in sorted(directory.glob("*.sql")):
        sql = path.read_text(encoding="utf-8").strip().rstrip(";").strip()
        match = _CREATE.search(sql)
        if not match or match[1] != path.stem:
            raise ValueError(f"{path}: expected one 'CREATE VIEW {path.stem} AS ...' statement")
        views[path.stem] = View(path.stem, sql, path)
    return _dependency_order(views)


def _dependency_order(views: dict[str, View]) -> list[View]:
    ordered: list[View] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if any(view.name == name for view in ordered):
            return
        if name in visiting:
            raise ValueError(f"views depend on each other in a cycle through {name}")
        visiting.add(name)
        body = _CREATE.sub("", views[name].sql, count=1)
        for other in sorted(views):
            if other != name and re.search(rf"\b{other}\b", body):
                visit(other)
        visiting.discard(name)
        ordered.append(views[name])

    for name in sorted(views):
        visit(name)
    return ordered


def drop_statements(views: list[View]) -> list[str]:
    """DROP VIEW IF EXISTS for each view, dependents first."""
    return [f"DROP VIEW IF EXISTS {view.name}" for view in reversed(views)]


def drop_views(connection: Connection, views: list[View] | None = None) -> None:
    """Drop the views so that migrations can alter the tables under them."""
    for statement in drop_statements(load_views() if views is None else views):
        connection.exec_driver_sql(statement)


def create_views(connection: Connection, views: list[View] | None = None) -> None:
    """Create (after dropping) every view from sql/."""
    views = load_views() if views is None else views
    drop_views(connection, views)
    for view in views:
        # no parameters are passed, so the driver never reads the SQL as a format string
        connection.exec_driver_sql(view.sql)
