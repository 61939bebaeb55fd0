"""Write transactions that serialize with other zvit processes on both engines."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from zvit.warehouse.engine import SQLITE_BEGIN


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one transaction that commits at the end; on SQLite it holds the write lock from the start."""
    # SQLite keeps its rollback journal: in write-ahead-log mode a transaction that reads and then writes fails at
    # once («database is locked», no busy wait) when another process wrote in between (two mail fetches at once)
    with engine.connect() as connection:
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
