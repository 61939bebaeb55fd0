"""The quarterly run's reports: every format for every program, the PDF whatever the program's size."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from zvit.quarter import render_reports
from zvit.settings import Settings


def test_the_run_writes_every_format_the_pdf_included(seeded: Engine, tmp_path: Path) -> None:
    # Issue 15: with Typst the run prints every program's PDF (ZVIT_PDF_MAX_LINES is gone).
    written = render_reports(seeded, "2022-Q3", tmp_path, settings=Settings())
    assert sorted(written) == ["datapackage", "docx", "html", "pdf", "xlsx"]
    assert written["pdf"].read_bytes().startswith(b"%PDF")
    assert all(path.parent == tmp_path or path.parent.parent == tmp_path for path in written.values())
