"""Which unit each money column is really written in: its header's word, checked against the total row."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import product

from zvit.formatting import number
from zvit.model import MONEY_FIELDS
from zvit.normalize.columns import UNIT_NAMES, Column, unit_of

#: When the header names no unit at all, the official form's тис. грн is assumed.
DEFAULT_UNIT = Decimal(1000)
_SCALES = (Decimal(1), Decimal(1000))
#: Totals are rounded by hand; a sum within this share of the total agrees with it.
_AGREEMENT = Decimal("0.01")


@dataclass(frozen=True)
class ColumnUnit:
    """Hryvnias per written unit for the lines and the total of one money column, and why."""

    field: str
    declared: Decimal
    lines: Decimal
    total: Decimal
    declared_in_header: bool

    @property
    def rescaled(self) -> bool:
        """True when the lines or the total were read in another unit than the header declares."""
        return self.lines != self.declared or self.total != self.declared


def resolve_units(columns: list[Column], header_lines: list[str], line_sums: dict[str, Decimal],
                  totals: dict[str, Decimal | None] | None) -> dict[str, ColumnUnit]:
    """The unit of every money column present, trusting the total row where the header contradicts it."""
    preamble_unit = next((u for u in (unit_of(line) for line in header_lines) if u), None)
    units: dict[str, ColumnUnit] = {}
    for column in columns:
        if column.field not in MONEY_FIELDS:
            continue
        declared = column.unit or preamble_unit
        in_header = declared is not None
        declared = declared or DEFAULT_UNIT
        lines_scale, total_scale = declared, declared
        total = (totals or {}).get(column.field)
        line_sum = line_sums.get(column.field, Decimal(0))
        if total is not None and not _agrees(line_sum * declared, total * declared):
            candidates = [(a, b) for a, b in product(_SCALES, repeat=2) if _agrees(line_sum * a, total * b)]
            # Prefer the reading that keeps the total in the declared unit: the total is typed last, checked most.
            candidates.sort(key=lambda pair: (pair[1] != declared, pair[0] != declared))
            if candidates:
                lines_scale, total_scale = candidates[0]
        units[column.field] = ColumnUnit(column.field, declared, lines_scale, total_scale, in_header)
    return units


def rescale_message(unit: ColumnUnit, header: str, line_sum: Decimal, total: Decimal) -> str:
    """The Ukrainian explanation of a rescaled column for the department."""
    declared = UNIT_NAMES[unit.declared]
    which = "значення рядків" if unit.lines != unit.declared else "рядок «Всього»"
    real = UNIT_NAMES[unit.lines if unit.lines != unit.declared else unit.total]
    return (f"Стовпець «{header}» заявлено в {declared}, але сума рядків ({number(line_sum)}) узгоджується "
            f"з рядком «Всього» ({number(total)}) лише якщо {which} записано в {real}. "
            f"Тому {which} прочитано як суми в {real} і перераховано в гривні.")


def _agrees(a: Decimal, b: Decimal) -> bool:
    if a == b:
        return True
    return abs(a - b) <= max(Decimal(1), _AGREEMENT * max(abs(a), abs(b)))
