"""Bar charts of annual volume against financed amounts, laid out in Python and drawn as SVG by a Jinja macro."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from zvit.report.formatting import Unit, amount, number
from zvit.report.model import ConsolidatedReport

WIDTH = 1000
_LABEL_WIDTH = 400        # the label column on the left
_VALUE_ROOM = 90          # room right of the longest bar for its value
_TOP = 34                 # the legend
_AXIS = 26                # tick labels under the plot
_BAR = 12
_BAR_GAP = 2
_ROW_GAP = 10
_HEADING = 24
_LABEL_CHARS = 48         # characters per label line at 12px in the label column
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
    """One bar, in SVG user units, with the value printed after it."""

    series: str
    x: float
    y: float
    width: float
    height: float
    value: str
    value_x: float


@dataclass(frozen=True)
class Row:
    """A category row: its label lines (top at `y`) and its bars."""

    y: float
    height: float
    label_lines: tuple[str, ...]
    heading: bool
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    """A grid line and its label on the value axis."""

    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    """A horizontal grouped bar chart ready to draw."""

    id: str
    title: str
    width: int
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
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
    plot_left, plot_right = float(_LABEL_WIDTH), float(WIDTH - _VALUE_ROOM)
    span = plot_right - plot_left

    def x_of(value: Decimal) -> float:
        return plot_left + float(value / top_value) * span if top_value else plot_left

    rows: list[Row] = []
    y = float(_TOP)
    for item in items:
        lines = _wrap(item.label)
        if item.heading:
            height = _HEADING + 14 * (len(lines) - 1)
            rows.append(Row(y=y, height=height, label_lines=lines, heading=True, bars=()))
            y += height
            continue
        height = max(2 * _BAR + _BAR_GAP, 14 * len(lines)) + _ROW_GAP
        bars = []
        for index, (series, value) in enumerate((("annual", item.annual), ("financed", item.financed))):
            scaled = unit.scale(value) if value is not None else Decimal(0)
            end = x_of(max(scaled, Decimal(0)))
            bars.append(Bar(series=series, x=plot_left, y=y + index * (_BAR + _BAR_GAP),
                            width=round(end - plot_left, 2), height=_BAR,
                            value=amount(value, unit) if value is not None else "—", value_x=end + 4))
        rows.append(Row(y=y, height=height, label_lines=lines, heading=False, bars=tuple(bars)))
        y += height
    places = min(2, max(0, -int(step.normalize().as_tuple().exponent)))
    ticks = []
    tick = Decimal(0)
    while tick <= top_value:
        ticks.append(Tick(x=round(x_of(tick), 2), label=number(tick, places)))
        tick += step
    return BarChart(id=chart_id, title=title, width=WIDTH, height=y + _AXIS, plot_left=plot_left,
                    plot_right=plot_right, plot_top=float(_TOP), plot_bottom=y, rows=tuple(rows), ticks=tuple(ticks))


def axis_scale(largest: Decimal) -> tuple[Decimal, Decimal]:
    """A round axis end at or above `largest` and a step giving 4 to 8 grid lines."""
    if largest <= 0:
        return Decimal(1), Decimal("0.25")
    magnitude = Decimal(10) ** (largest.adjusted() - 1)
    for factor in (1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        step = magnitude * Decimal(str(factor))
        count = (largest / step).to_integral_value(rounding=ROUND_CEILING)
        if count <= 8:
            return step * max(count, 1), step
    return largest, largest  # not reached: factor 100 always fits


def _wrap(label: str) -> tuple[str, ...]:
    lines = textwrap.wrap(" ".join(label.split()), _LABEL_CHARS) or [""]
    if len(lines) > _LABEL_LINES:
        lines = lines[:_LABEL_LINES]
        lines[-1] = lines[-1][: _LABEL_CHARS - 1].rstrip() + "…"
    return tuple(lines)
