"""The report as a Word document officials edit and sign: docxtpl fills `templates/report/consolidated.docx`."""

from __future__ import annotations

import functools
import io
import itertools
import re
from collections.abc import Sequence
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zvit.formatting import THOUSANDS, Unit, amount, ratio, uk_datetime
from zvit.report import present
from zvit.report.atomic import write_atomic
from zvit.report.html import FORM_COLUMNS
from zvit.report.model import Amounts, ConsolidatedReport, Line, Section
from zvit.report.package import with_parts
from zvit.report.texts import column_heading, mark_text, texts, title

if TYPE_CHECKING:
    from zvit.report.chart_images import ChartPictures

#: status and finding cells that hold text from submissions (may span lines)
_MULTILINE = {"department", "file", "reasons", "cell", "value", "expected", "message", "reason", "signed_by"}
#: the width of a chart's picture: the text width of an A4 landscape page
_CHART_WIDTH_MM = 270
#: the language of the document's properties, as the template's styles set it
LANGUAGE = "uk-UA"
#: a paragraph of the rendered XML (as docxtpl finds them), and what docxtpl turns into Word's own markup in one
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_LISTED = re.compile("[\t\a\n\f]")
#: a picture's drawing-object id in the rendered body, which Word wants unique in the document
_PICTURE_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")\d+(")')
#: the document part's body as python-docx writes it once emptied: where the rendered body goes
_EMPTY_BODY = b"<w:body/>"


def _listing(text: str | None) -> Any:
    """Text whose line breaks Word keeps; docxtpl escapes it for XML."""
    from docxtpl import Listing

    return Listing(text or "")


def _mark(numbers: tuple[int, ...]) -> Any:
    """The reference to the annex on its own line under the value, or nothing."""
    return _listing("\n" + mark_text(numbers) if numbers else "")


def _amounts(amounts: Amounts, unit: Unit, percent: Decimal | None) -> dict[str, str]:
    return {"planned": amount(amounts.planned, unit), "annual": amount(amounts.annual, unit),
            "financed": amount(amounts.financed, unit), "percent": ratio(percent)}


def _line(line: Line, unit: Unit) -> dict[str, Any]:
    return {"content": _listing(line.content), "content_mark": _mark(line.other_marks), "term": _listing(line.term),
            "executors": _listing(line.executors), "info": _listing(line.info),
            "percent_mark": _mark(line.percent_marks), **_amounts(line.amounts, unit, line.reported_percent)}


def _section(section: Section, unit: Unit) -> dict[str, Any]:
    return {
        "heading": _listing(present.section_heading(section)),
        "measures": [{"number": _listing(measure.number), "task": _listing(measure.task),
                      "lines": [_line(line, unit) for line in measure.lines]} for measure in section.measures],
        "subtotal": _amounts(section.totals, unit, section.reported_percent) if section.totals else None,
    }


def _rows(items: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{"number": str(number), **{key: _listing(value) if key in _MULTILINE else value
                                       for key, value in item.items()}}
            for number, item in enumerate(items, start=1)]


def docx_context(report: ConsolidatedReport, unit: Unit) -> dict[str, Any]:
    """Everything the Word template shows, as display text with the numbers formatted for `unit` (the charts'
    pictures are added by `render_docx`)."""
    words = texts()
    number, dated = present.outgoing(report)
    return {
        "t": words, "title": title(report.program.title, report.period), "full_title": report.program.full_title or "",
        "outgoing": f"{dated}    {number}",
        "passport": [{"label": label, "value": value} for label, value in present.passport(report)],
        "coverage": present.coverage(report),
        "columns": {name: column_heading(name, unit.code) for name in FORM_COLUMNS},
        "sections": [_section(section, unit) for section in report.sections],
        "total": _amounts(report.total, unit, report.total.ratio),
        "claimed": [{"label": present.claimed_label(section), "info": words["rows"]["claimed_info"],
                     **_amounts(section.claimed, unit, section.claimed.ratio)}
                    for section in report.uncounted_claims if section.claimed is not None],
        "unit_note": f"{words['notes'][unit.code]} {words['notes']['ratio']} {words['notes']['marks']}",
        "charts": [],
        "status_columns": {"number": words["columns"]["number"], **words["status"]["columns"]},
        "statuses": _rows([present.status_fields(status) for status in report.statuses]),
        "refused_columns": {"number": words["columns"]["number"], **words["refused"]["columns"]},
        "refused": _rows([present.refused_fields(refused) for refused in report.refused]),
        "annex_line": present.annex_line(report),
        "sign": present.signature(report),
        "annex_heading": _listing("\n".join(present.annex_heading(report))),
        "quality_columns": {"number": words["columns"]["number"], **words["quality"]["columns"]},
        "findings": _rows([present.finding_fields(finding) for finding in report.findings]),
        "prepared": words["notes"]["prepared"].format(date=uk_datetime(report.prepared_at)),
    }


def render_docx(report: ConsolidatedReport, *, unit: Unit = THOUSANDS, template: Path | None = None,
                pictures: Sequence[ChartPictures] | None = None) -> bytes:
    """The report's .docx bytes, rendered from the Word template with autoescaping on; the charts' `pictures`
    (zvit.report.chart_images `chart_pictures` of the report in `unit`) are drawn here unless given."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    from zvit.report.chart_images import chart_pictures
    from zvit.report.docx_template import TEMPLATE_PATH

    document = _template_class()(template or TEMPLATE_PATH)
    context = docx_context(report, unit)
    cut = texts()["charts"]["cut"]
    context["charts"] = [{"title": made.title,
                          "images": [InlineImage(document, io.BytesIO(png), width=Mm(_CHART_WIDTH_MM))
                                     for png in made.pictures],
                          "note": cut.format(shown=made.shown_rows, total=made.total_rows) if made.cut else ""}
                         for made in (chart_pictures(report, unit) if pictures is None else pictures)]
    # docxtpl's kind of Jinja environment, autoescaped: the shared one must keep its settings for HTML and text
    document.render(context, _jinja(), autoescape=True)
    _properties(document.docx, report, context["title"])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def _jinja() -> Any:
    """The Jinja environment docxtpl would make to render autoescaped, compiling each part of the template once per
    process: docxtpl compiles them again for every document (some 0.05 s a report)."""
    import jinja2

    class Environment(jinja2.Environment):
        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            return self._compiled(source)

        @functools.lru_cache(maxsize=64)  # noqa: B019 - one environment per process, kept for its life
        def _compiled(self, source: str) -> Any:
            return super().from_string(source)

    return Environment(autoescape=True)


@functools.cache
def _template_class() -> type:
    """docxtpl's template, rendering the body as text that is written as it is, never parsed into a tree.

    docxtpl parses the rendered body into an lxml tree (to fix tables whose columns come from a loop, which this
    template has none of) and python-docx serializes that tree again: 1 s and 75 MB of a 3,000-line report, in
    the process that writes every format. Line breaks and tabs are resolved only in the paragraphs that have any:
    docxtpl rewrites every run of every paragraph to find them (0.6 s of a 3,000-line report).
    """
    from docxtpl import DocxTemplate

    class Template(DocxTemplate):  # type: ignore[misc]
        #: the rendered body, as text
        body: str | None = None

        def resolve_listing(self, xml: str) -> str:
            resolve = super().resolve_listing
            return _PARAGRAPH.sub(lambda found: resolve(found[0]) if _LISTED.search(found[0]) else found[0], xml)

        def fix_tables(self, xml: str) -> str:
            """The body as rendered: every table of the template has a fixed set of columns."""
            return xml

        def fix_docpr_ids(self, tree: str) -> None:
            """Nothing here: the pictures are numbered as the body is kept (`map_tree`)."""

        def map_tree(self, tree: str) -> None:
            """Keep the rendered body, its pictures numbered from 1001 as docxtpl numbers them."""
            ids = itertools.count(self.docx_ids_index + 1)
            self.body = _PICTURE_ID.sub(lambda found: f"{found[1]}{next(ids)}{found[2]}", tree)

        def save(self, filename: Any, *args: Any, **kwargs: Any) -> None:
            """Save (to a path or a binary stream), the rendered body written into the document part in place of
            the template's."""
            if self.body is None:
                super().save(filename, *args, **kwargs)
                return
            self.docx.element.body.clear()
            package = io.BytesIO()
            super().save(package, *args, **kwargs)
            body = self.body.encode("utf-8")
            document = with_parts(package.getvalue(),
                                  {self.docx.part.partname.lstrip("/"): lambda part: _filled(part, body)})
            if hasattr(filename, "write"):
                filename.write(document)
            else:
                Path(filename).write_bytes(document)

    return Template


def _filled(part: bytes, body: bytes) -> bytes:
    """The document part with `body` in place of the empty body python-docx wrote."""
    if part.count(_EMPTY_BODY) != 1:
        raise ValueError("the document part has no empty body to fill")
    return part.replace(_EMPTY_BODY, body)


def _properties(document: Any, report: ConsolidatedReport, document_title: str) -> None:
    """Who made the document and when, in what language: what Word shows under File > Info."""
    properties = document.core_properties
    author = report.signatures.issuer or "; ".join(report.responsible_executors)
    properties.title, properties.author, properties.last_modified_by = document_title, author, author
    properties.language, properties.subject = LANGUAGE, report.program.full_title or report.program.title
    properties.keywords = f"{report.program.code}, {report.period.code}"
    properties.comments = ""
    # python-docx writes the time as it is, marked UTC
    properties.created = properties.modified = report.prepared_at.astimezone(UTC).replace(tzinfo=None)
    properties.revision = 1


def write_docx(report: ConsolidatedReport, path: Path, *, unit: Unit = THOUSANDS,
               pictures: Sequence[ChartPictures] | None = None) -> Path:
    """Write the Word document atomically (`pictures`: as in `render_docx`)."""
    return write_atomic(path, render_docx(report, unit=unit, pictures=pictures))
