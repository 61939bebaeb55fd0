"""Text exports of Word reports: tab-separated table rows among plain paragraph lines."""

from __future__ import annotations

from pathlib import Path

from zvit.intake.blocks import Block, Paragraph, Row
from zvit.intake.encoding import decode
from zvit.intake.limits import Budget
from zvit.model import SourceLocation


def read_txt(path: Path) -> list[list[Block]]:
    """The file as one stream of blocks: a line with a tab is a table row, any other line a paragraph."""
    blocks: list[Block] = []
    budget = Budget(path.name)
    for number, line in enumerate(decode(path).splitlines(), start=1):
        budget.look()
        location = SourceLocation(part="", row=number)
        if "\t" in line:
            budget.row(line.count("\t") + 1)
            blocks.append(Row(cells=tuple(line.split("\t")), location=location))
        elif line.strip():
            budget.paragraph()
            blocks.append(Paragraph(text=line, location=location))
    return [blocks]
