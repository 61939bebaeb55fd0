"""Files that cannot be read as reports: an unreadable number, a truncated file, a cover letter."""

from __future__ import annotations

import random
from pathlib import Path

import docx

from zvit.intake import ReportLayout
from zvit.normalize.lines import GridRow

#: Defects that make intake refuse the file (it is set aside; the department counts as missing).
BROKEN_DEFECTS = ("bad-number", "truncated", "not-a-report")
#: What clerks have typed into a money cell that is no number.
_BAD_NUMBERS = ("12 34,5", "сто двадцять", "4,5,6", "див. примітку")


def spoil_number(rng: random.Random, layout: ReportLayout) -> ReportLayout:
    """The same report with one line's financed amount replaced by text that is no number."""
    lines = [i for i, row in enumerate(layout.rows) if row.kind in ("line", "sub_item")]
    target = rng.choice(lines)
    rows = [GridRow({**row.cells, "financed": rng.choice(_BAD_NUMBERS)}, row.location, row.unsaved, row.kind)
            if i == target else row for i, row in enumerate(layout.rows)]
    return ReportLayout(layout.header_lines, layout.columns, rows, layout.footer_lines)


def truncate(path: Path, rng: random.Random) -> Path:
    """Cut a file short, as an interrupted upload or a full mailbox leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * rng.uniform(0.3, 0.8))])
    return path


def write_cover_letter(path: Path, department: str, program: str, when: str) -> Path:
    """A Word cover letter sent instead of the report: paragraphs, no report table."""
    document = docx.Document()
    for text in ("Супровідний лист",
                 f"Направляємо звіт про виконання Міської цільової програми «{program}» {when}.",
                 "Звіт буде надіслано додатково після погодження з фінансовим управлінням.",
                 f"З повагою, {department}"):
        document.add_paragraph(text)
    document.save(str(path))
    return path
