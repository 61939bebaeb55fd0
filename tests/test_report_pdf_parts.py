"""A long report's PDF is typeset in parts, each by a Typst process of its own, and joined (issue 15): the pages
read as one document, numbered over the whole, and no Typst process grows with the report."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from tests.test_report_pdf import enlarged, page_text, pages, plain, squashed
from zvit.formatting import THOUSANDS
from zvit.report.model import ConsolidatedReport
from zvit.report.pdf import render_pdf
from zvit.report.pdf_data import (
    PART_ROWS,
    REST_ONLY,
    WHOLE_ROWS,
    document,
    document_parts,
    split_charts,
    split_sections,
)
from zvit.report.texts import texts, title

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report_3000(seed_report: ConsolidatedReport) -> ConsolidatedReport:
    return enlarged(seed_report, 3000)


@pytest.fixture(scope="module")
def pdf_3000(report_3000: ConsolidatedReport) -> bytes:
    return render_pdf(report_3000)


def _measures(section: dict) -> list[str]:
    return [measure["number"] for measure in section["measures"]]


def test_a_department_split_between_parts_keeps_its_heading_in_both_and_its_subtotal_in_the_last(
        report_3000: ConsolidatedReport) -> None:
    sections = document(report_3000, THOUSANDS)["form"]["sections"]
    pieces = split_sections(sections, PART_ROWS)
    assert len(pieces) > 2
    for piece in pieces:
        rows = sum(1 + sum(len(m["lines"]) for m in section["measures"]) for section in piece)
        assert rows <= PART_ROWS + 1  # a continued department's heading row is counted in the part it opens
    # every measure once, in order, never cut between its lines
    flat = [(s["heading"], m["number"], len(m["lines"])) for piece in pieces for s in piece for m in s["measures"]]
    assert flat == [(s["heading"], m["number"], len(m["lines"])) for s in sections for m in s["measures"]]
    split = 0
    for section in sections:
        shares = [share for piece in pieces for share in piece if share["heading"] == section["heading"]]
        split += len(shares) > 1
        assert [share["subtotal"] for share in shares] == [None] * (len(shares) - 1) + [section["subtotal"]]
        assert [number for share in shares for number in _measures(share)] == _measures(section)
    assert split, "some department goes on in the next part"


def _section(heading: str, lines: list[int]) -> dict:
    measures = [{"number": str(n), "lines": [{}] * count} for n, count in enumerate(lines, start=1)]
    return {"heading": heading, "measures": measures, "subtotal": {"planned": heading}}


def shares(pieces: list[list[dict]]) -> list[list[tuple]]:
    """Each part's departments: heading, how many measures, subtotal."""
    return [[(s["heading"], len(s["measures"]), s["subtotal"]) for s in piece] for piece in pieces]


def test_a_department_that_would_not_fit_begins_the_next_part_once_this_one_is_half_full() -> None:
    # 81 rows, then a department of 31 would pass 100: it begins the next part whole
    assert shares(split_sections([_section("А", [2] * 40), _section("Б", [3] * 10)], 100)) == [
        [("А", 40, {"planned": "А"})], [("Б", 10, {"planned": "Б"})]]
    # 31 rows is less than half a part: the next department is split (heading in both, subtotal in the last)
    assert shares(split_sections([_section("В", [1] * 30), _section("Г", [2] * 50)], 100)) == [
        [("В", 30, {"planned": "В"}), ("Г", 34, None)], [("Г", 16, {"planned": "Г"})]]


def test_a_chart_longer_than_a_part_goes_on_in_the_next_titled_again() -> None:
    charts = [{"title": "за виконавцями", "rows": list(range(5))}, {"title": "за заходами", "rows": list(range(23))}]
    pieces = split_charts(charts, 10)
    assert [[(chart["title"], chart["rows"]) for chart in piece] for piece in pieces] == [
        [("за виконавцями", [0, 1, 2, 3, 4])],
        [("за заходами", list(range(10)))],
        [("за заходами", list(range(10, 20)))],
        [("за заходами", [20, 21, 22])],
    ]
    assert split_charts([], 10) == [[]]


def test_a_short_report_is_one_document_numbered_by_typst(seed_report: ConsolidatedReport) -> None:
    [whole] = document_parts(seed_report, THOUSANDS)
    assert json.loads(whole)["part"] == {"head": True, "form": True, "total": True, "charts_heading": True,
                                         "rest": True, "numbered": True}


def _form_rows(report: ConsolidatedReport) -> int:
    sections = document(report, THOUSANDS)["form"]["sections"]
    return sum(1 + sum(len(m["lines"]) for m in section["measures"]) for section in sections)


def test_a_report_longer_than_a_part_but_short_enough_is_still_one_document_issue_15(
        seed_report: ConsolidatedReport) -> None:
    # split, a 300-line program cost a join and a footer process: 1 s more over a 100-report quarter's 8 programs
    lines = len(seed_report.lines)  # the report is enlarged by whole copies of its lines
    between = enlarged(seed_report, (PART_ROWS // lines + 1) * lines)
    longer = enlarged(seed_report, (WHOLE_ROWS // lines + 1) * lines)
    assert PART_ROWS < _form_rows(between) <= WHOLE_ROWS < _form_rows(longer)
    [whole] = document_parts(between, THOUSANDS)
    assert json.loads(whole)["part"]["numbered"] is True
    parts = [json.loads(part) for part in document_parts(longer, THOUSANDS)]
    assert len(parts) > 1 and not any(part["part"]["numbered"] for part in parts)


def test_only_the_last_part_carries_the_status_signature_and_annex(report_3000: ConsolidatedReport) -> None:
    parts = [json.loads(part) for part in document_parts(report_3000, THOUSANDS)]
    whole = document(report_3000, THOUSANDS)
    assert len(parts) > 2 and whole["status"]["rows"] and whole["quality"]["rows"]
    assert all(part[key] is None for part in parts[:-1] for key in REST_ONLY)
    assert {key: parts[-1][key] for key in REST_ONLY} == {key: whole[key] for key in REST_ONLY}


def test_a_long_report_reads_as_one_document_numbered_over_its_joined_parts(
        report_3000: ConsolidatedReport, pdf_3000: bytes) -> None:
    parts = [json.loads(part)["part"] for part in document_parts(report_3000, THOUSANDS)]
    assert len(parts) > 2 and not any(part["numbered"] for part in parts)
    assert [part["head"] for part in parts].count(True) == 1 and parts[-1]["rest"]
    reader = pypdf.PdfReader(io.BytesIO(pdf_3000))
    assert reader.metadata.title == title(report_3000.program.title, report_3000.period)
    assert reader.trailer["/Root"]["/Lang"] == "uk"
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks[:3] == [texts()["sections"][key] for key in ("form", "charts", "status")]  # from two parts
    document = pages(pdf_3000)
    count = len(document)
    texts_ = [plain(page_text(page)) for page in document]
    for number, text in enumerate(texts_, start=1):
        assert text.endswith(f"Сторінка {number} з {count}"), number
        assert text.count("Сторінка") == 1, number  # a part's own footer is never printed under the joined one
    assert squashed(title(report_3000.program.title, report_3000.period)) in squashed(texts_[0])
    total_page = next(n for n, text in enumerate(texts_) if squashed(texts()["rows"]["total"]) in squashed(text))
    for number, text in enumerate(texts_[:total_page], start=1):
        assert "1 2 3 4 5 6 7 8 9 10" in text, f"page {number}: the form's heading row"


#: Prints a pickled report's PDF and tells whether Typst loaded here and how large its largest process grew.
RENDER_AND_TELL = """
import json, pickle, resource, sys
from zvit.report.pdf import render_pdf
pdf = render_pdf(pickle.load(open(sys.argv[1], "rb")))
print(json.dumps({"typst": "typst" in sys.modules, "pdf": pdf[:5].decode(),
                  "largest_child_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}))
"""


def test_no_typst_process_grows_with_a_3000_line_report(report_3000: ConsolidatedReport, tmp_path: Path) -> None:
    # typeset whole, this report's Typst process took 830 MB (issue 15); each part's takes about 150 MB
    pickled = tmp_path / "report.pickle"
    pickled.write_bytes(pickle.dumps(report_3000))
    done = subprocess.run([sys.executable, "-c", RENDER_AND_TELL, str(pickled)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, check=True)
    told = json.loads(done.stdout.strip().splitlines()[-1])
    assert told["typst"] is False and told["pdf"] == "%PDF-"
    assert told["largest_child_mib"] < 300, told
