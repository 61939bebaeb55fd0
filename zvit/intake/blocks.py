"""What every reader produces: the document as paragraphs and table rows, in reading order."""

from __future__ import annotations

from dataclasses import dataclass

from zvit.model import SourceLocation


@dataclass(frozen=True)
class Paragraph:
    """A line of text outside any report table (titles, header fields, signatures, page markers)."""

    text: str
    location: SourceLocation


@dataclass(frozen=True)
class Row:
    """One table row as cell texts; a merged cell appears once, at its first grid column."""

    cells: tuple[str, ...]
    location: SourceLocation
    #: how a person names each column of this row in the source ("H" in Excel, "8" elsewhere)
    column_refs: tuple[str, ...] = ()
    #: indexes of cells holding a formula whose value was never saved, so it cannot be read
    unsaved_formulas: frozenset[int] = frozenset()

    def column_ref(self, index: int) -> str:
        """The source name of a column: its letter in Excel, its 1-based number elsewhere."""
        return self.column_refs[index] if index < len(self.column_refs) else str(index + 1)


Block = Paragraph | Row
