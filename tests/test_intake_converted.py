"""Issue 18: old Word (.doc), RTF and OpenDocument files are read after LibreOffice converts them, exactly as the
.docx they were saved from; a scanned PDF, a PDF bomb and a PDF of too many pages are refused in one line; without
LibreOffice those files get a clear fate instead of a crash. The files are made here by LibreOffice, poppler and
Pillow from the seed's .docx fixtures."""

from __future__ import annotations

import subprocess
import zlib
from pathlib import Path

import pytest

from tests.tools import require_tool
from zvit.errors import IntakeError
from zvit.intake import read_reports
from zvit.intake.limits import MAX_PDF_INFLATED_BYTES, MAX_PDF_PAGES
from zvit.model import Report
from zvit.pipeline import Job, Received, process
from zvit.registry import Registry
from zvit.warehouse.receipts import Fate

pytestmark = pytest.mark.slow
CONVERTED = ("doc", "rtf", "odt")
PDF_EXPORT = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
#: where a value was read differs in a PDF (page, table, row of the page): all else must be the same
LOCATIONS = {"title_location", "decisions_location"}


@pytest.fixture(scope="module")
def saved_as(tmp_path_factory: pytest.TempPathFactory, seed_fixtures: dict[str, list[Path]]) -> dict[str, list[Path]]:
    """The seed's three .docx reports saved by LibreOffice as .doc, .rtf, .odt and PDF."""
    soffice = require_tool("soffice")
    folder = tmp_path_factory.mktemp("saved-as")
    profile = (folder / "profile").as_uri()
    saved: dict[str, list[Path]] = {}
    for fmt in (*CONVERTED, "pdf"):
        # a PDF as Word's «Save as PDF» writes it by default: tagged, so it keeps its paragraphs and spaces
        target = PDF_EXPORT if fmt == "pdf" else fmt
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                        "--outdir", str(folder), *map(str, seed_fixtures["docx"])], check=True, capture_output=True,
                       timeout=300)
        saved[fmt] = [folder / f"{path.stem}.{fmt}" for path in seed_fixtures["docx"]]
        assert all(path.is_file() for path in saved[fmt])
    return saved


def _as_read(report: Report) -> dict:
    return report.model_dump(exclude={"source", "format"})


@pytest.mark.parametrize("fmt", CONVERTED)
def test_a_report_saved_in_an_older_format_reads_exactly_as_the_docx(
        fmt: str, saved_as: dict[str, list[Path]], seed_fixtures: dict[str, list[Path]]) -> None:
    for path, docx in zip(saved_as[fmt], seed_fixtures["docx"], strict=True):
        [report] = read_reports(path)
        [expected] = read_reports(docx)
        assert (report.source, report.format) == (path.name, fmt)
        assert _as_read(report) == _as_read(expected)
        assert len(report.rows) == len(expected.rows) > 0


def test_the_original_file_is_kept_as_it_was(saved_as: dict[str, list[Path]]) -> None:
    path = saved_as["doc"][0]
    before = path.read_bytes()
    read_reports(path)
    assert path.read_bytes() == before and sorted(p.suffix for p in path.parent.iterdir() if p.stem == path.stem) \
        == [".doc", ".odt", ".pdf", ".rtf"]


def test_a_damaged_old_word_file_is_refused_in_one_line(tmp_path: Path) -> None:
    require_tool("soffice")
    path = tmp_path / "zvit.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(IntakeError, match=r"^zvit\.doc: LibreOffice could not read it as Word 97-2003 \(\.doc\)"):
        read_reports(path)


def test_a_digital_pdf_reads_exactly_as_the_docx_but_for_where_each_value_sits(
        saved_as: dict[str, list[Path]], seed_fixtures: dict[str, list[Path]]) -> None:
    for path, docx in zip(saved_as["pdf"], seed_fixtures["docx"], strict=True):
        [report] = read_reports(path)
        [expected] = read_reports(docx)
        assert report.format == "pdf" and len(report.rows) == len(expected.rows) > 0
        assert _without_locations(report) == _without_locations(expected)
        # a row cut by a page break is one row again, and the values point at the page that shows them
        assert report.rows[0].location.part.startswith("сторінка 1, таблиця 1")


def _without_locations(report: Report) -> dict:
    data = report.model_dump(exclude={"source", "format", *LOCATIONS})
    for row in data["rows"]:
        del row["location"]
    if data["total"]:
        del data["total"]["location"]
    for warning in data["warnings"]:
        for key in ("part", "row", "message"):  # the message names the place in words: «сторінка 1, таблиця 1…»
            warning.pop(key)
    return data


def test_a_scanned_pdf_is_refused_in_one_line_asking_for_the_word_or_excel_file(
        saved_as: dict[str, list[Path]], tmp_path: Path) -> None:
    from PIL import Image

    pdftoppm = require_tool("pdftoppm")
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(saved_as["pdf"][0]),
                    str(tmp_path / "page")], check=True, timeout=60)
    [page] = tmp_path.glob("page*.png")
    scan = tmp_path / "скан.pdf"
    Image.open(page).convert("RGB").save(scan, "PDF")
    with pytest.raises(IntakeError) as error:
        read_reports(scan)
    assert str(error.value) == ("скан.pdf: a scanned PDF (no text layer) cannot be read: send the Word (.docx) "
                                "or Excel (.xlsx) file")


def test_a_pdf_bomb_and_a_pdf_of_too_many_pages_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    stream = zlib.compress(bytes(MAX_PDF_INFLATED_BYTES + 2**20), 9)
    head = f"%PDF-1.4\n1 0 obj\n<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
    bomb.write_bytes(head + stream + b"\nendstream\nendobj\n%%EOF\n")
    with pytest.raises(IntakeError, match=r"^bomb\.pdf: its compressed content inflates past .*: a PDF bomb"):
        read_reports(bomb)
    pages = tmp_path / "pages.pdf"
    from PIL import Image

    blank = Image.new("RGB", (20, 20), "white")
    blank.save(pages, "PDF", save_all=True, append_images=[blank] * MAX_PDF_PAGES)
    with pytest.raises(IntakeError, match=rf"^pages\.pdf: more than {MAX_PDF_PAGES} pages"):
        read_reports(pages)


def test_without_libreoffice_an_old_word_file_gets_a_clear_fate(
        saved_as: dict[str, list[Path]], registry: Registry, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    path = saved_as["doc"][0]
    outcome = process([Received(path, received_at=_now())], Job(registry=registry, store=False))
    [fate] = outcome.files
    assert fate.fate == Fate.UNSUPPORTED
    assert fate.reason is not None and fate.reason.startswith(f"{path.name}: не прочитано")
    assert "LibreOffice" in fate.reason and "(.docx)" in fate.reason  # what to send instead, in Ukrainian
    assert f"{path.name}: not read: install LibreOffice or send .docx" in caplog.text  # the operator's line


def _now():  # noqa: ANN202 - a datetime
    from datetime import UTC, datetime

    return datetime.now(UTC)
