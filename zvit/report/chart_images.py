"""The report's charts as PNG pictures for Word and its readers: the PDF's own Typst drawing, page by page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from zvit.formatting import Unit
from zvit.report.html import charts
from zvit.report.model import ConsolidatedReport
from zvit.report.pdf_data import chart
from zvit.report.texts import texts
from zvit.resources import resource_dir

TEMPLATE = resource_dir("templates") / "report" / "chart.typ"
#: category rows per picture: a longer chart continues in the next picture, its legend and scale repeated
ROWS_PER_PICTURE = 36
#: pixels per inch: sharp when printed at the page's width, small enough for a Word file
PPI = 150
#: a chart longer than this many pictures is cut in Word (a 3,000-line program's chart by measure would be some
#: 70 pictures and 20 MB); the PDF and HTML have it whole
MAX_PICTURES = 3


@dataclass(frozen=True)
class ChartPictures:
    """A chart's title and its PNG pictures, in order, and how many of its rows they show."""

    title: str
    pictures: tuple[bytes, ...]
    shown_rows: int
    total_rows: int

    @property
    def cut(self) -> bool:
        """Whether the pictures leave rows of the chart out."""
        return self.shown_rows < self.total_rows


def chart_pictures(report: ConsolidatedReport, unit: Unit) -> list[ChartPictures]:
    """Every chart of the report drawn as PNG (none without counted reports)."""
    import typst  # imported when a picture is asked for

    legend = {"annual": texts()["charts"]["annual"], "financed": texts()["charts"]["financed"]}
    made = []
    for laid_out in charts(report, unit):
        drawn = chart(laid_out)
        rows = drawn["rows"]
        pictures = []
        shown = rows[:ROWS_PER_PICTURE * MAX_PICTURES]
        for start in range(0, len(shown), ROWS_PER_PICTURE):
            data = {"chart": {**drawn, "rows": rows[start:start + ROWS_PER_PICTURE]}, "legend": legend}
            # one page gives its bytes, several a list of them
            png: Any = typst.compile(TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True, format="png", ppi=PPI,
                                sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
            pictures.extend(png if isinstance(png, list) else [png])
        made.append(ChartPictures(title=laid_out.title, pictures=tuple(pictures), shown_rows=len(shown),
                                  total_rows=len(rows)))
    return made
