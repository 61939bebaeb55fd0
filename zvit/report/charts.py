"""Bar charts of annual volume against financed amounts, laid out in Python and drawn by a Jinja macro in HTML.

The bars are boxes sized in percent of the value axis, the labels ordinary text: a chart of thousands of measures
continues over as many PDF pages as it needs, with its scale repeated on each (an SVG image is one unbreakable box,
and a PDF typesetter lays out SVG text letter by letter).
"""

from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from zvit.formatting import Unit, amount, number
from zvit.report.model import ConsolidatedReport

_LABEL_CHARS = 48         # characters per label line in the label column
_LABEL_LINES = 2


@dataclass(frozen=True)
class ChartItem:
    """One category: its label and the two amounts in hryvnias; a heading item only names the group below it."""

    label: str
    annual: Decimal | None = None
    financed: Decimal | None = None
    heading: bool = False


@dataclass(frozen=True)
class Bar:
    """One bar: its length in percent of the value axis, with the value printed after it."""

    series: str
    share: float
    value: str


@dataclass(frozen=True)
class Row:
    """A category row: its label lines and its bars (none for a heading)."""

    label_lines: tuple[str, ...]
    heading: bool
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    """A point of the value axis: where it is, in percent of the axis, and its label."""

    share: float
    label: str


@dataclass(frozen=True)
class BarChart:
    """A horizontal grouped bar chart ready to draw."""

    id: str
    title: str
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]


def department_items(report: ConsolidatedReport) -> list[ChartItem]:
    """One item per counted department: its annual volume and financed total."""
    return [ChartItem(section.department_name, section.totals.annual, section.totals.financed)
            for section in report.counted_sections if section.totals is not None]


def measure_items(report: ConsolidatedReport) -> list[ChartItem]:
    """Per counted department a heading, then one item per measure (sub-items added to their measure)."""
    items: list[ChartItem] = []
    for section in report.counted_sections:
        items.append(ChartItem(section.department_name, heading=True))
        for measure in section.measures:
            name = measure.lines[0].content or measure.task or ""
            label = f"{measure.number}. {name}" if measure.number else name
            items.append(ChartItem(label, measure.amounts.annual, measure.amounts.financed))
    return items


def bar_chart(chart_id: str, title: str, items: list[ChartItem], unit: Unit) -> BarChart | None:
    """Lay out the chart; None when no item has an amount to draw."""
    values = [unit.scale(v) for item in items for v in (item.annual, item.financed) if v is not None]
    if not values:
        return None
    top_value, step = axis_scale(max(values))

    def share(value: Decimal) -> float:
        return round(float(value / top_value) * 100, 3) if top_value else 0.0

    rows: list[Row] = []
    for item in items:
        if item.heading:
            rows.append(Row(label_lines=_wrap(item.label), heading=True, bars=()))
            continue
        bars = []
        for series, value in (("annual", item.annual), ("financed", item.financed)):
            scaled = unit.scale(value) if value is not None else Decimal(0)
            bars.append(Bar(series=series, share=share(max(scaled, Decimal(0))),
                            value=amount(value, unit) if value is not None else "—"))
        rows.append(Row(label_lines=_wrap(item.label), heading=False, bars=tuple(bars)))
    places = min(2, max(0, -int(step.normalize().as_tuple().exponent)))
    ticks = []
    tick = Decimal(0)
    while tick <= top_value:
        ticks.append(Tick(share=share(tick), label=number(tick, places)))
        tick += step
    return BarChart(id=chart_id, title=title, rows=tuple(rows), ticks=tuple(ticks))


def axis_scale(largest: Decimal) -> tuple[Decimal, Decimal]:
    """A round axis end at or above `largest` and a step giving 4 to 8 grid lines."""
    if largest <= 0:
        return Decimal(1), Decimal("0.25")
    magnitude = Decimal(10) ** (largest.adjusted() - 1)
    for factor in (1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        step = magnitude * Decimal(str(factor))
        count = (largest / step).to_integral_value(rounding=ROUND_CEILING)
        if count <= 8:
            return step * max(count, Decimal(1)), step
    return largest, largest  # not reached: factor 100 always fits


# Each format lays out the same charts (HTML, Word's pictures, Excel, PDF), and textwrap is most of their cost: the
# labels of one program are wrapped once (a 3,000-line program has some 3,100).
@functools.lru_cache(maxsize=8192)
def _wrap(label: str) -> tuple[str, ...]:
    lines = textwrap.wrap(" ".join(label.split()), _LABEL_CHARS) or [""]
    if len(lines) > _LABEL_LINES:
        lines = lines[:_LABEL_LINES]
        lines[-1] = lines[-1][: _LABEL_CHARS - 1].rstrip() + "…"
    return tuple(lines)
