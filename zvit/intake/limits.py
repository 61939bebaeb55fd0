"""How much one submitted file may hold: reading any file, even a hostile one, stays under 10 s and 500 MB."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from zvit.errors import IntakeError
from zvit.formatting import number

#: A CSV or text export of a report is a few kilobytes; 2,000 rows of long Ukrainian text are about 2 MB.
MAX_TEXT_BYTES = 5 * 2**20
#: Table rows with content, in the whole file: a program has tens of measures, a large one a few hundred.
#: Normalizing costs about 1.5 ms a row here, so this also keeps reading within the time bound.
MAX_ROWS = 2_000
#: Cells in those rows (a report is 10 columns wide; a sheet's stray cells can make rows wider).
MAX_CELLS = 50_000
#: Paragraphs and rows with content, in the whole file.
MAX_BLOCKS = 20_000
#: Every line, paragraph and row looked at, empty ones too (a sheet's gaps, a document of empty paragraphs).
MAX_SCANNED = 200_000
#: Every cell looked at, empty ones too (a sheet formatted far beyond its data).
MAX_SCANNED_CELLS = 500_000


@dataclass
class Budget:
    """What a reader has taken from one file so far; past a limit the file is refused, naming it."""

    source: str
    rows: int = 0
    cells: int = 0
    blocks: int = 0
    scanned: int = 0
    scanned_cells: int = 0

    def look(self, count: int = 1, *, cells: int = 0) -> None:
        """Count lines, paragraphs or rows (and their cells) looked at, whether or not they hold anything."""
        self.scanned += count
        self.scanned_cells += cells
        if self.scanned > MAX_SCANNED:
            self._refuse(f"more than {MAX_SCANNED} lines, paragraphs or rows",
                         f"понад {limit_text(MAX_SCANNED)} рядків і абзаців, порожні теж")
        if self.scanned_cells > MAX_SCANNED_CELLS:
            self._refuse(f"more than {MAX_SCANNED_CELLS} cells",
                         f"понад {limit_text(MAX_SCANNED_CELLS)} клітинок, порожні теж")

    def paragraph(self) -> None:
        """Count a paragraph with text."""
        self.blocks += 1
        if self.blocks > MAX_BLOCKS:
            self._refuse(f"more than {MAX_BLOCKS} paragraphs and table rows",
                         f"понад {limit_text(MAX_BLOCKS)} абзаців і рядків таблиць")

    def row(self, cells: int) -> None:
        """Count a table row of `cells` cells (before its text is read, so a huge row costs nothing)."""
        self.rows += 1
        self.cells += cells
        self.paragraph()
        if self.rows > MAX_ROWS:
            self._refuse(f"more than {MAX_ROWS} table rows", f"понад {limit_text(MAX_ROWS)} рядків таблиці")
        if self.cells > MAX_CELLS:
            self._refuse(f"more than {MAX_CELLS} table cells", f"понад {limit_text(MAX_CELLS)} клітинок таблиці")

    def _refuse(self, what: str, uk: str) -> None:
        raise IntakeError(self.source, f"{what}: too large for a report", uk=f"{uk} — забагато для звіту",
                          code="INTAKE-LIMIT")


def limit_text(value: int) -> str:
    """A limit as people read it: «2 000»."""
    return number(Decimal(value), 0)


def megabytes(size: int) -> str:
    """A size limit in megabytes as people read it: «5 МБ»."""
    return f"{limit_text(size // 2**20)} МБ"


def check_text_size(path: Path) -> None:
    """Refuse a text file too large to be a report, before reading it into memory."""
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise IntakeError(path.name, f"the file is larger than {MAX_TEXT_BYTES // 2**20} MB: too large for a report",
                          uk=f"файл більший за {megabytes(MAX_TEXT_BYTES)} — забагато для звіту", code="INTAKE-LIMIT")

#: LibreOffice converting an old Word, RTF or OpenDocument file: it starts in 3-8 s on a loaded machine and
#: converts a report in under a second; past this the file (or the machine) is hostile and the conversion killed.
CONVERT_SECONDS = 60
#: LibreOffice's address space (not resident memory: it maps its libraries, about 1 GB, before reading anything).
CONVERT_MEMORY_BYTES = 3 * 2**30
#: A file to convert: an old Word report is a few hundred kilobytes, even with a scanned signature.
MAX_CONVERTED_BYTES = 20 * 2**20
#: A PDF report: a few pages, tens of kilobytes of text; a scan is megabytes (and refused anyway).
MAX_PDF_BYTES = 20 * 2**20
#: Pages of a PDF report: a program's report is a few pages, a large one tens.
MAX_PDF_PAGES = 100
#: What a PDF's compressed streams may inflate to in all: a PDF bomb inflates one stream to gigabytes.
MAX_PDF_INFLATED_BYTES = 200 * 2**20
#: Characters on all pages (a report's text is tens of thousands; table extraction costs grow with it).
MAX_PDF_CHARS = 1_000_000
