"""The report as PDF: the Typst template `report/consolidated.typ` fed one JSON document (A4 landscape, fonts
embedded: the compiler's own Libertinus Serif, so every machine prints the same).

A long report is typeset in parts (zvit.report.pdf_data `PART_ROWS`), as many at once as there are printers, and
the parts are joined into one file whose pages are numbered «Сторінка N з M» after the join.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from zvit.formatting import THOUSANDS, Unit
from zvit.report.atomic import write_atomic
from zvit.report.model import ConsolidatedReport
from zvit.report.pdf_data import document_parts
from zvit.report.typeset import PRINTERS, Document, typeset
from zvit.resources import resource_dir

TEMPLATE = resource_dir("templates") / "report" / "consolidated.typ"
FOOTERS = resource_dir("templates") / "report" / "footers.typ"
#: the name a joined page calls its footer by
_FOOTER = "ZvitFooter"
log = logging.getLogger(__name__)


def render_pdf(report: ConsolidatedReport, *, unit: Unit = THOUSANDS, beside: bool = False) -> bytes:
    """The report's PDF bytes, dated by when the report was prepared (the same report gives the same bytes).
    `beside`: printed beside other work, to which its Typst processes yield (zvit.report.typeset)."""
    stamp = int(report.prepared_at.timestamp())
    documents = [Document(TEMPLATE, {"data": part}, timestamp=stamp) for part in document_parts(report, unit)]
    with ThreadPoolExecutor(max_workers=min(PRINTERS, len(documents)), thread_name_prefix="zvit-pdf") as pool:
        made = list(pool.map(lambda document: typeset([document], beside=beside)[0], documents))
    for warning in (warning for typeset_ in made for warning in typeset_.warnings):
        log.warning("PDF template: %s", warning)
    parts = [typeset_.output[0] for typeset_ in made]
    return parts[0] if len(parts) == 1 else _joined(parts, stamp, beside=beside)


def write_pdf(report: ConsolidatedReport, path: Path, *, unit: Unit = THOUSANDS, beside: bool = False) -> Path:
    """Write the PDF atomically (`beside`: as in `render_pdf`)."""
    return write_atomic(path, render_pdf(report, unit=unit, beside=beside))


def _joined(parts: list[bytes], stamp: int, *, beside: bool) -> bytes:
    """The parts as one PDF: their pages in order, numbered over the whole, with the first part's properties."""
    from pypdf import PdfReader, PdfWriter

    # the first part whole (its properties, language, identifier and bookmarks), then the others' pages and
    # bookmarks: the form's heading is in the first part, the rest of the report's in the last
    joined = PdfWriter(clone_from=PdfReader(io.BytesIO(parts[0])))
    for part in parts[1:]:
        joined.append(PdfReader(io.BytesIO(part)))
    [footers] = typeset([Document(FOOTERS, {"pages": str(len(joined.pages))}, timestamp=stamp)], beside=beside)
    _lay_over(joined, PdfReader(io.BytesIO(footers.output[0])).pages)
    out = io.BytesIO()
    joined.write(out)
    return out.getvalue()


def _lay_over(joined: Any, footers: Sequence[Any]) -> None:
    """Draw each footer page over its page of `joined`, as a form the page's content calls after its own.

    Neither content is parsed or compressed again (pypdf's merge_page does both: 1.5 s of a 460-page report, in
    the run's process): the page's own content is wrapped in q ... Q, so that it leaves the graphics state as
    it found it, and the footer drawn after it.
    """
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, StreamObject

    def stream(text: bytes) -> Any:
        made = DecodedStreamObject()
        made.set_data(text)
        return joined._add_object(made)

    save, draw = stream(b"q\n"), stream(f"\nQ\nq /{_FOOTER} Do Q\n".encode())
    for page, footer in zip(joined.pages, footers, strict=True):
        content = footer["/Contents"].get_object()
        form = StreamObject()
        form.set_data(content._data)  # still encoded, as its /Filter says
        form.update({NameObject(key): value for key, value in content.items() if key in ("/Filter", "/DecodeParms")})
        form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): footer.mediabox,
                     NameObject("/Resources"): footer["/Resources"].get_object().clone(joined)})
        # the page's resources may be shared with other pages: this page gets its own, with its own footer
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject(f"/{_FOOTER}")] = joined._add_object(form)
        resources[NameObject("/XObject")] = xobjects
        contents = page.raw_get("/Contents")  # as referred to: a stream must stay an indirect object
        own = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Resources")] = resources
        page[NameObject("/Contents")] = ArrayObject([save, *own, draw])
