"""Generating the test fixtures: every report of a text export rewritten as .docx, .xlsx and CSV."""

from __future__ import annotations

from pathlib import Path

from zvit.intake import read_layouts
from zvit.samples.csv_writer import write_csv
from zvit.samples.docx_writer import write_docx
from zvit.samples.xlsx_writer import write_xlsx

FORMATS = ("docx", "xlsx", "csv")


def write_fixtures(source: Path, out_dir: Path) -> dict[str, list[Path]]:
    """One file per report and format, named `<source stem>-<n>.<format>`; returns the paths by format."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {fmt: [] for fmt in FORMATS}
    for number, layout in enumerate(read_layouts(source), start=1):
        stem = out_dir / f"{source.stem}-{number}"
        written["docx"].append(write_docx([layout], stem.with_suffix(".docx")))
        written["xlsx"].append(write_xlsx([layout], stem.with_suffix(".xlsx")))
        written["csv"].append(write_csv(layout, stem.with_suffix(".csv")))
    return written
