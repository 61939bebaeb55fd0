"""Earlier periods' figures the cross-period rules compare against: counted reports, summed per measure."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.engine import Engine

from models.types import to_decimal
from zvit.quality.staging import HistoryMeasure
from zvit.warehouse.schema import current_revision, head_revision

_KOPECK = Decimal("0.01")
_MEASURES = text("""
    SELECT department_code, program_code, period_code, measure, SUM(annual) AS annual, SUM(financed) AS financed
    FROM v_report_lines
    WHERE period_code LIKE :year
    GROUP BY department_code, program_code, period_code, measure
""")


def measure_history(engine: Engine, years: Iterable[int]) -> list[HistoryMeasure]:
    """Every counted measure of the given years; none when the warehouse is empty or not yet migrated."""
    if current_revision(engine) != head_revision():
        return []
    found: list[HistoryMeasure] = []
    with engine.connect() as connection:
        for year in sorted(set(years)):
            # Summed in SQL, so SQLite may hand back a float: round it back to kopecks.
            found += [HistoryMeasure(row.department_code, row.program_code, row.period_code, row.measure,
                                     _kopecks(row.annual), _kopecks(row.financed))
                      for row in connection.execute(_MEASURES, {"year": f"{year}-Q%"})]
    return found


def _kopecks(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, _KOPECK)
