"""Engines for the warehouse: SQLite by default, PostgreSQL through psycopg 3."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url

from zvit.errors import ZvitError
from zvit.redaction import redact

#: Execution option naming how a SQLite transaction starts; loads use IMMEDIATE to take the write lock first.
SQLITE_BEGIN = "sqlite_begin"


def database_url(url: str) -> str:
    """The URL as SQLAlchemy takes it (an entry point passes its settings' database_url): postgres means
    psycopg 3."""
    # plain postgresql:// would pick psycopg2, which zvit does not ship
    return re.sub(r"^(postgres|postgresql)://", "postgresql+psycopg://", url)


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for the warehouse at `url` (see database_url), set up for safe concurrent loads."""
    url = database_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - ArgumentError or ValueError today, but any parse failure is the URL's
        # the URL may hold a password, and this message reaches terminals, logs and Prefect's run states: the
        # library's error is redacted and never chained
        raise ZvitError(redact(f"invalid database URL {url!r}: {exc}")) from None
    if parsed.get_backend_name() == "sqlite":
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(parsed, **options)
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise ZvitError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://")
    options.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **options)


def warehouse_exists(url: str) -> bool:
    """False for an SQLite file that does not exist yet (connecting would create it), True otherwise."""
    parsed = make_url(database_url(url))
    database = parsed.database or ""
    return parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or Path(database).exists()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take transaction control from the sqlite3 module so that BEGIN is ours (and can be IMMEDIATE)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def display_url(engine: Engine) -> str:
    """The engine's URL with the password hidden, for messages."""
    return engine.url.render_as_string(hide_password=True)
