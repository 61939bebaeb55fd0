"""The quarter's reports written side by side (the PDFs on a thread of their own) are the files written one at a
time: a generated quarter of several programs, every format compared."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bench.generate import generate_quarter
from zvit.pipeline import Job, inbox_files, process, received
from zvit.quarter import render_reports
from zvit.formatting import Unit
from zvit.registry import load_registry
from zvit.report import FORMATS
from zvit.report.gather import gather_report, report_programs
from zvit.report import write as write_module
from zvit.report.chart_images import ChartPictures
from zvit.report.model import ConsolidatedReport
from zvit.report.pdf import write_pdf
from zvit.report.write import output_path, write_report, write_reports
from zvit.settings import Settings
from zvit.warehouse import make_engine

pytestmark = pytest.mark.slow

PERIOD = "2022-Q3"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def quarter_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("quarter")
    quarter = generate_quarter(root / "quarter", 12, seed=7)
    engine = make_engine(f"sqlite:///{root / 'warehouse.db'}")
    job = Job(registry=load_registry(quarter.registry), engine=engine, period=PERIOD)
    process(received(inbox_files(quarter.inbox), job), job)
    return engine


def _members(path: Path) -> dict[str, bytes]:
    # an Office file is a zip: its entries' times and the workbook's «modified» are the clock, the rest is content
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_the_run_writes_every_format_of_every_program(quarter_warehouse: Engine, tmp_path: Path) -> None:
    programs = report_programs(quarter_warehouse, PERIOD)
    assert len(programs) >= 2
    written = render_reports(quarter_warehouse, PERIOD, tmp_path, settings=Settings())
    assert sorted(written) == sorted(f"{program}.{fmt}" for program in programs for fmt in FORMATS)
    assert all(path.stat().st_size > 1000 for path in written.values())
    assert written[f"{programs[-1]}.pdf"].read_bytes().startswith(b"%PDF")


def test_side_by_side_writes_the_same_files_as_one_format_at_a_time(quarter_warehouse: Engine,
                                                                    tmp_path: Path) -> None:
    # gathered once: a report carries the moment it was prepared, which the PDF and the pages show
    reports = [gather_report(quarter_warehouse, program=program, period=PERIOD, timezone="Europe/Kyiv")
               for program in report_programs(quarter_warehouse, PERIOD)]
    written = write_reports(reports, tmp_path / "side-by-side")
    serial = tmp_path / "one-at-a-time"
    for report, paths in zip(reports, written, strict=True):
        assert list(paths) == list(FORMATS)
        for fmt in FORMATS:
            if fmt == "pdf":
                theirs = write_pdf(report, output_path(serial, report, "pdf"))
            else:
                theirs = write_report(report, serial, (fmt,))[fmt]
            ours = paths[fmt]
            assert ours.relative_to(tmp_path / "side-by-side") == theirs.relative_to(serial)
            if fmt in ("docx", "xlsx"):
                assert _members(ours) == _members(theirs), (report.program.code, fmt)
            else:
                assert ours.read_bytes() == theirs.read_bytes(), (report.program.code, fmt)


def test_the_next_reports_pdf_is_queued_before_this_ones_other_formats_are_written_issue_15(
        quarter_warehouse: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The printer must not idle while Word and Excel are written: it gets the next report first.
    programs = report_programs(quarter_warehouse, PERIOD)
    events: list[tuple[str, str]] = []

    def reports() -> Iterator[ConsolidatedReport]:
        for program in programs:
            events.append((program, "taken"))
            yield gather_report(quarter_warehouse, program=program, period=PERIOD, timezone="Europe/Kyiv")

    def recorded(report: ConsolidatedReport, out_dir: Path, fmt: str, unit: Unit) -> Path:
        events.append((report.program.code, fmt))
        return written_alone(report, out_dir, fmt, unit)

    def recorded_word(report: ConsolidatedReport, out_dir: Path, unit: Unit, pictures: list[ChartPictures]) -> Path:
        events.append((report.program.code, "docx"))
        return word_alone(report, out_dir, unit, pictures)

    written_alone, word_alone = write_module._write, write_module._write_word
    monkeypatch.setattr(write_module, "_write", recorded)
    monkeypatch.setattr(write_module, "_write_word", recorded_word)
    written = write_reports(reports(), tmp_path)

    assert [sorted(paths) for paths in written] == [sorted(FORMATS)] * len(programs)
    assert [list(paths) for paths in written] == [list(FORMATS)] * len(programs)  # in the formats' order
    for first, second in itertools.pairwise(programs):
        assert events.index((second, "taken")) < events.index((first, "html")), events
    # Word last: its chart pictures are drawn while the others are written
    assert [event for event in events if event[1] != "taken"] == [
        (program, fmt) for program in programs for fmt in (*(f for f in FORMATS if f not in ("pdf", "docx")), "docx")]


def test_words_chart_pictures_are_drawn_while_the_other_formats_are_written_issue_15(
        quarter_warehouse: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The writing thread waited for a Typst process to draw Word's pictures (0.35 s a 300-line program).
    report = gather_report(quarter_warehouse, program=report_programs(quarter_warehouse, PERIOD)[0], period=PERIOD,
                           timezone="Europe/Kyiv")
    drawing, drawn_on = threading.Event(), []

    def recorded_pictures(report: ConsolidatedReport, unit: Unit) -> list[ChartPictures]:
        drawn_on.append(threading.current_thread().name)
        drawing.set()
        return pictures_alone(report, unit)

    def html_once_drawing(report: ConsolidatedReport, out_dir: Path, fmt: str, unit: Unit) -> Path:
        if fmt == "html":  # the pictures are being drawn before the first format is written
            assert drawing.wait(timeout=20)
        return written_alone(report, out_dir, fmt, unit)

    pictures_alone, written_alone = write_module._chart_pictures, write_module._write
    monkeypatch.setattr(write_module, "_chart_pictures", recorded_pictures)
    monkeypatch.setattr(write_module, "_write", html_once_drawing)
    [written] = write_reports([report], tmp_path)

    assert [name.split("_")[0] for name in drawn_on] == ["zvit-pictures"]
    assert sorted(written) == sorted(FORMATS)
    with zipfile.ZipFile(written["docx"]) as word:
        assert [name for name in word.namelist() if name.startswith("word/media/")]


def test_a_pdf_that_fails_fails_the_run_and_leaves_no_partial_file(quarter_warehouse: Engine, tmp_path: Path) -> None:
    report = gather_report(quarter_warehouse, program=report_programs(quarter_warehouse, PERIOD)[0], period=PERIOD,
                           timezone="Europe/Kyiv")
    blocked = tmp_path / "out"
    output_path(blocked, report, "pdf").mkdir(parents=True)  # a folder where the PDF goes: the rename fails
    with pytest.raises(OSError):
        write_report(report, blocked, FORMATS)
    assert output_path(blocked, report, "html").read_text(encoding="utf-8").startswith("<!")
    assert not [p for p in blocked.iterdir() if p.name.endswith(".tmp")]


#: Renders a warehouse's quarter, then says whether Typst was ever loaded into this process and how large it grew.
RENDER_AND_TELL = """
import json, resource, sys
from pathlib import Path
from zvit.quarter import render_reports
from zvit.settings import Settings
from zvit.warehouse import make_engine

written = render_reports(make_engine(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), settings=Settings())
print(json.dumps({"typst": "typst" in sys.modules, "pdfs": sorted(k for k in written if k.endswith(".pdf"))}))
"""


def test_several_programs_are_printed_in_processes_that_end_so_typst_memory_is_given_back(
        quarter_warehouse: Engine, tmp_path: Path) -> None:
    # Typst keeps what it memoized for as long as its process lives: 750 MB per 3,000-line program.
    programs = report_programs(quarter_warehouse, PERIOD)
    done = subprocess.run([sys.executable, "-c", RENDER_AND_TELL, quarter_warehouse.url.render_as_string(False),
                           PERIOD, str(tmp_path)], capture_output=True, text=True, timeout=600, cwd=ROOT, check=True)
    told = json.loads(done.stdout.strip().splitlines()[-1])
    assert told == {"typst": False, "pdfs": sorted(f"{program}.pdf" for program in programs)}
    assert all((tmp_path / f"{program}.pdf").read_bytes().startswith(b"%PDF") for program in programs)


#: in a fresh interpreter, as in a run: the RSS before and after handing back what the workbook built and freed
_WORKBOOK_THEN_RELEASE = """
import os, pickle, sys
from pathlib import Path
from bench.procs import rss_bytes
from zvit.report.xlsx import render_xlsx
from zvit.heap import release_freed_memory

report = pickle.loads(Path(sys.argv[1]).read_bytes())
render_xlsx(report)
held = rss_bytes(os.getpid())
release_freed_memory()
print(held, rss_bytes(os.getpid()))
"""


def test_the_memory_a_format_frees_goes_back_to_the_system_after_a_program_issue_15(
        seed_report: ConsolidatedReport, tmp_path: Path) -> None:
    import pickle

    from tests.test_report_pdf import enlarged

    saved = tmp_path / "report.pickle"
    saved.write_bytes(pickle.dumps(enlarged(seed_report, 3000)))
    done = subprocess.run([sys.executable, "-c", _WORKBOOK_THEN_RELEASE, str(saved)], capture_output=True,
                          text=True, cwd=ROOT, check=True, timeout=300)
    held, after = map(int, done.stdout.split())
    # measured: 148 MB held after a 3,000-line workbook, 88 MB once handed back
    assert held - after > 40 * 2**20
