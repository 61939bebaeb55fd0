"""The quarterly run's reports: every format, and no PDF for a program too large to print in the run."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from zvit.quarter import render_reports


def test_a_program_over_the_pdf_limit_gets_every_format_but_the_pdf_and_loses_its_older_pdf(
        seeded: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Issue 8: WeasyPrint takes ~100 s and 1 GB for a 3,000-line program, so the run leaves that PDF to
    # `zvit report --format pdf`.
    written = render_reports(seeded, "2022-Q3", tmp_path, pdf_max_lines=0)
    assert sorted(written) == ["datapackage", "docx", "html", "pdf", "xlsx"]
    assert written["pdf"].read_bytes().startswith(b"%PDF")

    with caplog.at_level(logging.WARNING, logger="zvit.quarter"):
        smaller = render_reports(seeded, "2022-Q3", tmp_path, pdf_max_lines=5)
    assert sorted(smaller) == ["datapackage", "docx", "html", "xlsx"]
    assert not written["pdf"].exists()  # no stale PDF of an earlier, smaller quarter
    assert "over ZVIT_PDF_MAX_LINES=5: no PDF in this run" in caplog.text
    assert "zvit report --program efektyvna-vlada --period 2022-Q3 --format pdf" in caplog.text
