"""Column types: exact decimals on every engine, timestamps kept as naive UTC."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class _SqliteNumeric(Numeric[Decimal]):
    """NUMERIC(p, s) in SQLite DDL with no float conversion on the way in or out (ExactNumeric does it)."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


class ExactNumeric(TypeDecorator[Decimal]):
    """NUMERIC(precision, scale) that always hands back a Decimal rounded to the scale.

    PostgreSQL stores numeric exactly. SQLite has no decimal type: a NUMERIC column keeps the value as
    INTEGER or REAL, so we bind the decimal as text (SQLite converts it itself) and read the stored number
    back through its shortest decimal representation, which is exact at two decimal places.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision, self.scale = precision, scale
        self.quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SqliteNumeric(self.precision, self.scale))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = to_decimal(value, self.quantum)
        return str(number) if dialect.name == "sqlite" else number

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else to_decimal(value, self.quantum)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


def to_decimal(value: Any, quantum: Decimal | None = None) -> Decimal:
    """A Decimal from what a driver returns (Decimal, int, str or SQLite's REAL), optionally rounded."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, str)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))  # shortest repr round-trips: 513537.84 stays 513537.84
    else:
        raise TypeError(f"not a number: {value!r}")
    return number.quantize(quantum) if quantum is not None else number


#: Amounts in hryvnias: NUMERIC(14, 2).
MONEY = ExactNumeric(14, 2)
#: Percentages: NUMERIC(7, 2).
PERCENT = ExactNumeric(7, 2)
