"""The report as one JSON document of display text: all the PDF's Typst template reads, formatted as in HTML."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from zvit.formatting import Unit, amount, ratio, uk_datetime
from zvit.quality.findings import Severity
from zvit.report import present
from zvit.report.charts import BarChart
from zvit.report.html import FORM_COLUMNS, charts
from zvit.report.model import Amounts, AnnexFinding, ConsolidatedReport, DepartmentStatus, Line, MeasureBlock, Section
from zvit.report.texts import column_heading, mark_text, period_phrase, texts, title

#: the status table's columns after «№ з/п», by the keys of `texts.yaml` status.columns
STATUS_COLUMNS = ("department", "responsible", "file", "version", "received", "deadline", "timeliness", "status",
                  "lines", "signed_by", "reasons")
#: the refused files' columns after «№ з/п», by the keys of `texts.yaml` refused.columns
REFUSED_COLUMNS = ("file", "received", "fate", "reason")
#: the quality annex's columns after «№ з/п», by the keys of `texts.yaml` quality.columns
QUALITY_COLUMNS = ("department", "measure", "cell", "value", "expected", "message", "severity", "rule")


#: a measure with up to this many lines is never split over pages; a longer one repeats its number and task
MEASURE_ROWS_TOGETHER = 8
#: The most rows of the form, or of the charts, in one part of the PDF. Each part is typeset by a Typst process of
#: its own, which needs some 0.18 MB per row and typesets fastest while what it memoized is small. A 3,036-line
#: program: 5.1 s and 827 MB typeset whole; in parts of 300, two at a time, 4.8 s with none above 95 MB (parts of
#: 400: 4.4 s and 114 MB; of 600: 130 MB each, which took a 1,000-report quarter's run past 1 GiB).
#: Each part begins on a new page.
PART_ROWS = 300
#: A document whose form and charts each have up to this many rows is typeset whole, in one process of some
#: 115 MB: in parts it would cost a join and a footer process. The 8 programs of about 300 lines of a 100-report
#: quarter took 1 s longer to render in parts of 300.
WHOLE_ROWS = 400
#: What a part of the PDF shows (`part` in the template): the title and the passport (head), the form's table,
#: the program's total under it, the charts' heading, the rest of the report (status, signature, annex), and
#: whether Typst numbers the pages (a whole document only: the parts are numbered once joined).
WHOLE = {"head": True, "form": True, "total": True, "charts_heading": True, "rest": True, "numbered": True}
NOTHING = dict.fromkeys(WHOLE, False)
#: what only the rest of the report shows (the template reads it under `part.rest`): left out of the other parts,
#: so that each is typeset from its own share of the report
REST_ONLY = ("status", "refused", "quality", "signature", "annex_line", "annex_heading", "prepared")


def document_json(report: ConsolidatedReport, unit: Unit) -> str:
    """The document as compact JSON text (UTF-8 characters kept as they are), for `sys.inputs`."""
    return _json(document(report, unit))


def document_parts(report: ConsolidatedReport, unit: Unit) -> list[str]:
    """The JSON of each part the PDF is typeset in: the whole document when its form and its charts each have up to
    `WHOLE_ROWS` rows; else the form's parts of `PART_ROWS` rows (the title in the first, the totals in the last),
    then the charts' parts (the status, signature and annex in the last)."""
    whole = document(report, unit)
    if len(split_sections(whole["form"]["sections"], WHOLE_ROWS)) == 1 \
            and len(split_charts(whole["charts"]["charts"], WHOLE_ROWS)) == 1:
        return [_json(whole)]
    forms = split_sections(whole["form"]["sections"], PART_ROWS)
    charts = split_charts(whole["charts"]["charts"], PART_ROWS)
    no_form = {**whole["form"], "sections": []}
    parts = [{**whole, "form": {**whole["form"], "sections": sections}, "charts": {**whole["charts"], "charts": []},
              "part": {**NOTHING, "head": index == 0, "form": True, "total": index == len(forms) - 1}}
             for index, sections in enumerate(forms)]
    parts += [{**whole, "form": no_form, "charts": {**whole["charts"], "charts": piece},
               "part": {**NOTHING, "charts_heading": index == 0, "rest": index == len(charts) - 1}}
              for index, piece in enumerate(charts)]
    return [_json(part if part["part"]["rest"] else {**part, **dict.fromkeys(REST_ONLY)}) for part in parts]


def split_sections(sections: list[dict[str, Any]], rows: int) -> list[list[dict[str, Any]]]:
    """The form's sections in runs of about `rows` rows, split between measures only (a longer one alone).

    A department that would not fit begins the next run when this one is at least half full; else it is split, and
    has its heading row in each run and its subtotal in the last.
    """
    pieces: list[list[dict[str, Any]]] = []
    piece: list[dict[str, Any]] = []
    size = 0
    for section in sections:
        if piece and size >= rows // 2 and size + 1 + sum(len(m["lines"]) for m in section["measures"]) > rows:
            pieces.append(piece)
            piece, size = [], 0
        measures: list[dict[str, Any]] = []
        size += 1  # the department's heading row
        for measure in section["measures"]:
            if size + len(measure["lines"]) > rows and (piece or measures):
                if measures:
                    piece.append({**section, "measures": measures, "subtotal": None})
                pieces.append(piece)
                piece, measures, size = [], [], 1
            measures.append(measure)
            size += len(measure["lines"])
        piece.append({**section, "measures": measures})
    return [*pieces, piece] if piece else pieces or [[]]


def split_charts(charts: list[dict[str, Any]], rows: int) -> list[list[dict[str, Any]]]:
    """The charts in runs of up to `rows` category rows; a longer chart continues in the next run, titled again."""
    pieces: list[list[dict[str, Any]]] = [[]]
    size = 0
    for chart in charts:
        for start in range(0, max(len(chart["rows"]), 1), rows):
            piece_rows = chart["rows"][start:start + rows]
            if size + len(piece_rows) > rows and pieces[-1]:
                pieces.append([])
                size = 0
            pieces[-1].append({**chart, "rows": piece_rows})
            size += len(piece_rows)
    return pieces


def _json(document_: dict[str, Any]) -> str:
    return json.dumps(document_, ensure_ascii=False, separators=(",", ":"))


def document(report: ConsolidatedReport, unit: Unit) -> dict[str, Any]:
    """Everything the report shows, as strings ready to print (and chart shares as numbers)."""
    words = texts()
    return {
        "title": title(report.program.title, report.period),
        # the document's author in the PDF's properties: the issuing body, else the responsible executors
        "author": report.signatures.issuer or "; ".join(report.responsible_executors),
        # the end of the title, «за 9 місяців 2022 року», which the template keeps on one line
        "period": period_phrase(report.period),
        "full_title": report.program.full_title or "",
        "passport": [{"label": label, "value": value} for label, value in present.passport(report)],
        "coverage": present.coverage(report),
        "headings": words["sections"],
        "form": form(report, unit),
        "charts": chart_section(report, unit),
        "status": status_section(report),
        "refused": refused_section(report),
        "prepared": words["notes"]["prepared"].format(date=uk_datetime(report.prepared_at)),
        "outgoing": list(present.outgoing(report)),
        "signature": present.signature(report),
        "annex_line": present.annex_line(report),
        "annex_heading": present.annex_heading(report),
        "quality": quality_section(report),
        "part": WHOLE,
    }


def form(report: ConsolidatedReport, unit: Unit) -> dict[str, Any]:
    """The official form: column headings, one block per department, the program total and the notes under it."""
    words = texts()
    return {
        "columns": {name: column_heading(name, unit.code) for name in FORM_COLUMNS},
        "sections": [section_rows(section, unit) for section in report.sections],
        "subtotal_label": words["rows"]["subtotal"],
        "total_label": words["rows"]["total"],
        "total": amount_cells(report.total, report.total.ratio, unit),
        "claimed": [{"label": present.claimed_label(section), "info": words["rows"]["claimed_info"],
                     **amount_cells(section.claimed, section.claimed.ratio, unit)}
                    for section in report.uncounted_claims if section.claimed is not None],
        "note": f"{words['notes'][unit.code]} {words['notes']['ratio']} {words['notes']['marks']}",
    }


def section_rows(section: Section, unit: Unit) -> dict[str, Any]:
    """A department's heading, its measures and its subtotal (none when its figures are not counted)."""
    return {
        "heading": present.section_heading(section),
        "counted": section.counted,
        "measures": [measure_rows(measure, unit) for measure in section.measures],
        "subtotal": amount_cells(section.totals, section.reported_percent, unit) if section.totals else None,
    }


def measure_rows(measure: MeasureBlock, unit: Unit) -> dict[str, Any]:
    """A measure's number and task (spanning its lines) and its lines."""
    return {"number": measure.number or "", "task": measure.task or "",
            # a measure of a few lines is kept on one page, so its number and task are beside each of them
            "together": 1 < len(measure.lines) <= MEASURE_ROWS_TOGETHER,
            "lines": [line_cells(line, unit) for line in measure.lines]}


def line_cells(line: Line, unit: Unit) -> dict[str, str]:
    """One line's cells from «Зміст заходів» to «Інформація про виконання»."""
    return {
        "content": line.content or "", "content_mark": mark_text(line.other_marks), "term": line.term or "",
        "executors": line.executors or "", **amount_cells(line.amounts, line.reported_percent, unit),
        "percent_mark": mark_text(line.percent_marks), "info": line.info or "",
    }


def amount_cells(amounts: Amounts, percent: Decimal | None, unit: Unit) -> dict[str, str]:
    """Columns 6 to 9: the three amounts in `unit` and the percent shown in column 9."""
    return {
        "planned": amount(amounts.planned, unit), "annual": amount(amounts.annual, unit),
        "financed": amount(amounts.financed, unit), "percent": ratio(percent),
    }


def chart_section(report: ConsolidatedReport, unit: Unit) -> dict[str, Any]:
    """The charts as laid out in Python (bar lengths in percent of the axis), their legend, or why none."""
    words = texts()["charts"]
    return {"legend": {"annual": words["annual"], "financed": words["financed"]}, "empty": words["empty"],
            "charts": [chart(made) for made in charts(report, unit)]}


def chart(made: BarChart) -> dict[str, Any]:
    """One chart: its title, the axis ticks and a row per category with its bars."""
    return {
        "title": made.title,
        "ticks": [{"share": tick.share, "label": tick.label} for tick in made.ticks],
        "rows": [{"label": " ".join(row.label_lines), "heading": row.heading,
                  "bars": [{"series": bar.series, "share": bar.share, "value": bar.value} for bar in row.bars]}
                 for row in made.rows],
    }


def status_section(report: ConsolidatedReport) -> dict[str, Any]:
    """The status table: its headings and a row per expected department."""
    words = texts()
    headings = words["status"]["columns"]
    return {
        "columns": [words["columns"]["number"], *(headings[name] for name in STATUS_COLUMNS)],
        "rows": [status_row(number, status) for number, status in enumerate(report.statuses, start=1)],
    }


def status_row(number: int, status: DepartmentStatus) -> dict[str, Any]:
    """A department's status cells in column order; the reasons as a list, and the flags that set emphasis."""
    shown = present.status_fields(status)
    return {
        "cells": [str(number), *(shown[name] for name in STATUS_COLUMNS if name != "reasons")],
        "reasons": list(status.reasons), "status": status.status, "late": bool(status.is_late),
    }


def refused_section(report: ConsolidatedReport) -> dict[str, Any] | None:
    """The files no department could be told from, under the status table; None when there are none."""
    if not report.refused:
        return None
    words = texts()
    headings = words["refused"]["columns"]
    return {
        "heading": words["refused"]["heading"], "note": words["refused"]["note"],
        "columns": [words["columns"]["number"], *(headings[name] for name in REFUSED_COLUMNS)],
        "rows": [[str(number), *(present.refused_fields(refused)[name] for name in REFUSED_COLUMNS)]
                 for number, refused in enumerate(report.refused, start=1)],
    }


def quality_section(report: ConsolidatedReport) -> dict[str, Any]:
    """The data-quality annex: its headings and a row per finding, or the words for none."""
    words = texts()
    headings = words["quality"]["columns"]
    return {
        "columns": [words["columns"]["number"], *(headings[name] for name in QUALITY_COLUMNS)],
        "rows": [finding_row(number, finding) for number, finding in enumerate(report.findings, start=1)],
        "none": words["quality"]["none"],
    }


def finding_row(number: int, finding: AnnexFinding) -> dict[str, Any]:
    """A finding's cells in column order, and whether it is critical (shown in bold)."""
    shown = present.finding_fields(finding)
    return {"cells": [str(number), *(shown[name] for name in QUALITY_COLUMNS)],
            "critical": finding.severity == Severity.CRITICAL}
