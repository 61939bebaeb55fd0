"""Bring a warehouse database to the head revision with Alembic, configured in code (no alembic.ini)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

import models
from models import views
from zvit.errors import ZvitError
from zvit.warehouse.engine import SQLITE_BEGIN

MIGRATIONS_DIR = Path(models.__file__).resolve().parent / "migrations"
#: any constant works: it only has to be the same for every zvit process migrating the same database
_MIGRATION_LOCK = 0x7A76_6974_0001
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the migrations shipped in models/migrations, bound to `connection` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision shipped."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "models/migrations has no revisions"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, None for an empty one."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate up to `revision` and, at head, (re)create the views; one transaction, one process at a time."""
    return _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> str | None:
    """Migrate down to `revision` ('base' empties the database); the views exist only at head."""
    return _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str) -> str | None:
    all_views = views.load_views()
    with engine.connect() as connection:
        connection.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
        with connection.begin():
            _lock(connection)
            views.drop_views(connection, all_views)
            step(alembic_config(connection), revision)
            if MigrationContext.configure(connection).get_current_revision() == head_revision():
                views.create_views(connection, all_views)
    _ready.discard(engine)
    return current_revision(engine)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})


def ensure_schema(engine: Engine) -> None:
    """Upgrade an empty database to head; refuse one at another revision (that takes `zvit db upgrade`)."""
    if engine in _ready:
        return
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        if current is None and not set(inspect(engine).get_table_names()) & set(models.metadata.tables):
            upgrade(engine)
        else:
            raise ZvitError(f"the database is at revision {current or 'none'}, zvit needs {head}: "
                            "run `zvit db upgrade`")
    _ready.add(engine)
