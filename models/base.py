"""The metadata every warehouse table belongs to, with constraint names that migrations can rely on."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

#: Named constraints: SQLite table rebuilds and PostgreSQL drops in later migrations need stable names.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class WarehouseModel(SQLModel, registry=registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))):
    """Base of the warehouse tables; kept apart from SQLModel's global metadata."""


metadata = WarehouseModel.metadata


class HasId(Protocol):
    """A table row: every warehouse table has an integer `id` primary key."""

    id: int | None


def row_id(row: HasId) -> int:
    """The id of a row read from the database or flushed to it (a table's `id` is None only before that)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id before it is flushed")
    return row.id
