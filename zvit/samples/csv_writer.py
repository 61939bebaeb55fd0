"""Writing reports as Excel's «CSV (розділювач — крапка з комою)»: Windows-1251, `;`, a preamble above."""

from __future__ import annotations

import csv
from pathlib import Path

from zvit.intake import ReportLayout
from zvit.samples.cells import ordered_columns, plain_text


def write_csv(layout: ReportLayout, path: Path, *, encoding: str = "cp1251", delimiter: str = ";") -> Path:
    """Write one report as a CSV file with its header lines above the table and the signature below."""
    columns = ordered_columns(layout)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        for line in layout.header_lines:
            writer.writerow([line.replace("**", "")])
        writer.writerow([column.header for column in columns])
        writer.writerow([str(n) for n in range(1, len(columns) + 1)])
        for row in layout.rows:
            writer.writerow([plain_text(row.cells.get(column.field, "")) for column in columns])
        for line in layout.footer_lines:
            writer.writerow(["", line])
    return path
