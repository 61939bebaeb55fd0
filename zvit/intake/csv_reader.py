"""CSV reports saved by Excel or LibreOffice: `;`, `,` or tab delimited, any encoding, a preamble above."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from zvit.errors import IntakeError
from zvit.intake.blocks import Block, Row
from zvit.intake.encoding import decode
from zvit.intake.limits import Budget
from zvit.model import SourceLocation

_DELIMITERS = (";", "\t", ",")


def read_csv(path: Path) -> list[list[Block]]:
    """Every record as a row; preamble lines are rows with one filled cell, read as header text later."""
    text = decode(path)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    blocks: list[Block] = []
    budget = Budget(path.name)
    line = 1
    try:
        for record in reader:
            budget.look()
            if record:
                budget.row(len(record))
            blocks.append(Row(cells=tuple(record), location=SourceLocation(part="", row=line)))
            line = reader.line_num + 1
    except csv.Error as error:
        # the csv module refuses a field over 128 KB (no report cell is that long) and a few malformations
        raise IntakeError(path.name, f"not a readable CSV file ({error})", code="INTAKE-FORMAT", row=f"рядок {line}",
                          uk=f"рядок {line} файлу CSV не вдалося розібрати (незакриті лапки або надто довга клітинка)"
                          ) from None
    return [blocks]


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the most fields (quoted fields respected)."""
    sample = text[:65536]

    def score(delimiter: str) -> tuple[int, int]:
        widths = [len(record) for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)]
        widest = max(widths, default=0)
        return (sum(1 for w in widths if w == widest and w > 1), widest)

    # Decimal commas make `,` split number cells too; prefer `;` and tab when they give a real table.
    scores = {delimiter: score(delimiter) for delimiter in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: (scores[d][1] >= 5, scores[d]))
