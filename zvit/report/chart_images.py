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


@dataclass(frozen=True)
class ChartPictures:
    """A chart's title and its PNG pictures, in order."""

    title: str
    pictures: tuple[bytes, ...]


def chart_pictures(report: ConsolidatedReport, unit: Unit) -> list[ChartPictures]:
    """Every chart of the report drawn as PNG (none without counted reports)."""
    import typst  # imported when a picture is asked for

    legend = {"annual": texts()["charts"]["annual"], "financed": texts()["charts"]["financed"]}
    made = []
    for laid_out in charts(report, unit):
        drawn = chart(laid_out)
        rows = drawn["rows"]
        pictures = []
        for start in range(0, len(rows), ROWS_PER_PICTURE):
            data = {"chart": {**drawn, "rows": rows[start:start + ROWS_PER_PICTURE]}, "legend": legend}
            # one page gives its bytes, several a list of them
            png: Any = typst.compile(TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True, format="png", ppi=PPI,
                                sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
            pictures.extend(png if isinstance(png, list) else [png])
        made.append(ChartPictures(title=laid_out.title, pictures=tuple(pictures)))
    return made
