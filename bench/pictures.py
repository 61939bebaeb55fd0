"""`python -m bench.pictures`: the README's pictures of the consolidated report, made from the example's PDF.

Run `./run example` first (it writes reports/2022-Q3/efektyvna-vlada.pdf), then
`uv run python -m bench.pictures`: poppler's pdftoppm draws the report's first page and the page it is signed on
(the one with «ПОГОДЖЕНО») as PNG files in docs/img/.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PDF = ROOT / "reports" / "2022-Q3" / "efektyvna-vlada.pdf"
OUT_DIR = ROOT / "docs" / "img"
#: the word only the signature page has: the approval under the signature
SIGNATURE_MARK = "ПОГОДЖЕНО"
#: pixels per inch: an A4 landscape page 1,240 pixels wide, readable in a README
PPI = 106


def signature_page(pdf: Path) -> int:
    """The 1-based number of the page the report is signed on."""
    pages = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    for number, text in enumerate(pages, start=1):
        if SIGNATURE_MARK in text:
            return number
    raise SystemExit(f"{pdf}: no page has «{SIGNATURE_MARK}»: is it the consolidated report?")


def draw_page(pdf: Path, page: int, target: Path, ppi: int = PPI) -> Path:
    """One page of the PDF as a PNG file."""
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "page"
        subprocess.run([_tool("pdftoppm"), "-png", "-r", str(ppi), "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(stem)], check=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(stem.with_suffix(".png"), target)
    return target


def make_pictures(pdf: Path = EXAMPLE_PDF, out_dir: Path = OUT_DIR) -> list[Path]:
    """The first page and the signature page of the report as docs/img/report-first-page.png and
    docs/img/report-signature-page.png."""
    if not pdf.is_file():
        raise SystemExit(f"no report at {pdf}: run `./run example` first")
    return [draw_page(pdf, 1, out_dir / "report-first-page.png"),
            draw_page(pdf, signature_page(pdf), out_dir / "report-signature-page.png")]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed (Debian: apt-get install poppler-utils)")
    return found


def main(argv: list[str] | None = None) -> int:
    """Write the pictures and print their paths."""
    parser = argparse.ArgumentParser(prog="python -m bench.pictures", description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=EXAMPLE_PDF, help="the report's PDF")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder for the PNG files")
    args = parser.parse_args(argv)
    for path in make_pictures(args.pdf, args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
