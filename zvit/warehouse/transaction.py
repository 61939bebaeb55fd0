"""Write transactions that serialize with other zvit processes on both engines."""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from zvit.warehouse.engine import SQLITE_BEGIN

_write_ahead: weakref.WeakSet[Engine] = weakref.WeakSet()


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one transaction that commits at the end; on SQLite it holds the write lock from the start."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite" and engine not in _write_ahead:
            _use_write_ahead_log(connection)
            _write_ahead.add(engine)
        # SQLite: BEGIN IMMEDIATE, so a read-then-write cannot interleave with another writer
        connection.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
        with connection.begin(), Session(bind=connection, expire_on_commit=False) as session:
            yield session
            session.flush()


def advisory_lock(connection: Connection, name: str) -> None:
    """Hold a PostgreSQL lock on `name` until the transaction ends (SQLite's write lock already covers it)."""
    if connection.dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _use_write_ahead_log(connection: Connection) -> None:
    """Switch an SQLite warehouse to its write-ahead log (a setting of the file: once is enough, for every process).

    A report is stored in a transaction of its own, and with the default rollback journal each commit costs three
    fsyncs (some 10 ms: 10 s of a 1,000-report quarter); appending to the log costs one, as durable (synchronous
    stays FULL), and readers no longer wait for a writer.
    """
    # on the driver's connection, outside any transaction: SQLite refuses the switch inside one
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()
