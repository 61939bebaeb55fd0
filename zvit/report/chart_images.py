"""The report's charts as PNG pictures for Word and its readers: the PDF's own Typst drawing, page by page."""

from __future__ import annotations

import json
from dataclasses import dataclass

from zvit.formatting import Unit
from zvit.report.html import charts
from zvit.report.model import ConsolidatedReport
from zvit.report.pdf_data import chart
from zvit.report.texts import texts
from zvit.report.typeset import Document, typeset
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
    """Every chart of the report drawn as PNG (none without counted reports), all in one Typst process."""
    legend = {"annual": texts()["charts"]["annual"], "financed": texts()["charts"]["financed"]}
    laid_out = [(made.title, chart(made)) for made in charts(report, unit)]
    documents, shown = [], []
    for _, drawn in laid_out:
        rows = drawn["rows"][:ROWS_PER_PICTURE * MAX_PICTURES]
        shown.append(len(rows))
        documents.append([Document(TEMPLATE, {"data": json.dumps(
            {"chart": {**drawn, "rows": rows[start:start + ROWS_PER_PICTURE]}, "legend": legend},
            ensure_ascii=False)}, fmt="png", ppi=PPI) for start in range(0, len(rows), ROWS_PER_PICTURE)])
    every = [document for pictures in documents for document in pictures]
    drawings = iter(typeset(every) if every else [])
    return [ChartPictures(title=title, shown_rows=count, total_rows=len(drawn["rows"]),
                          # a picture of several pages gives a PNG per page
                          pictures=tuple(png for _ in pictures for png in next(drawings).output))
            for (title, drawn), pictures, count in zip(laid_out, documents, shown, strict=True)]
