"""Alembic environment for the warehouse tables; zvit passes in the connection (see zvit.warehouse.schema).

The views in sql/ are not versioned here: zvit's migration runner drops them before migrating and creates
them again from the current sql/ files once the database is at head (models.views explains why).
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine, pool

import models
from models.types import ExactNumeric

config = context.config
target_metadata = models.metadata


def render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    """Write our decimal type as the plain NUMERIC it is in the database."""
    if kind == "type" and isinstance(item, ExactNumeric):
        return f"sa.Numeric(precision={item.precision}, scale={item.scale})"
    return False


def _options() -> dict[str, Any]:
    return {"target_metadata": target_metadata, "render_item": render_item, "compare_type": True}


def run_migrations_offline() -> None:
    """Write the SQL instead of running it (`--sql`)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                      dialect_opts={"paramstyle": "named"}, **_options())
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Any) -> None:
    # zvit's SQLite engine issues BEGIN itself, so DDL is transactional there too; batch mode rebuilds tables
    context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite",
                      transactional_ddl=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the connection zvit passes in, or one made from sqlalchemy.url."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("no connection passed in and no sqlalchemy.url set: nothing to migrate")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
