"""The Word template is generated, not hand-made: the committed file is exactly what its generator writes."""

from __future__ import annotations

import io
import zipfile

from zvit.report.docx_template import TEMPLATE_PATH, template_bytes

REGENERATE = "regenerate it: uv run python -m zvit.report.docx_template"


def test_the_committed_word_template_is_what_its_generator_writes() -> None:
    committed = zipfile.ZipFile(TEMPLATE_PATH)
    fresh = zipfile.ZipFile(io.BytesIO(template_bytes()))
    assert committed.namelist() == fresh.namelist(), REGENERATE
    for name in fresh.namelist():
        assert committed.read(name) == fresh.read(name), f"{name} differs: {REGENERATE}"


def test_the_template_zip_carries_no_timestamps_so_regenerating_it_changes_no_bytes() -> None:
    assert {info.date_time for info in zipfile.ZipFile(TEMPLATE_PATH).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_template_loops_over_table_rows_and_merges_measure_cells() -> None:
    body = zipfile.ZipFile(TEMPLATE_PATH).read("word/document.xml").decode("utf-8")
    for tag in ("{%tr for section in sections %}", "{%tr for measure in section.measures %}",
                "{%tr for line in measure.lines %}", "{% vm %}{{ measure.number }}", "{%tr for s in statuses %}",
                "{%tr for f in findings %}", "{{ total.financed }}"):
        assert tag in body, tag
    # words come from templates/report/texts.yaml at render time, so the binary holds no Ukrainian text
    assert not any("\u0400" <= char <= "\u04ff" for char in body)
