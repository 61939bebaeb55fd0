"""The one pipeline: every file gets a fate, a rerun keeps it, a copy under another name is a duplicate."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.loading import take_files
from zvit.pipeline import Job, inbox_files, process, received
from zvit.quarter import summarize
from zvit.registry import Registry
from zvit.warehouse import make_engine
from zvit.warehouse.receipts import Fate, receipts_for_period

RECEIVED = datetime(2022, 10, 7, 9, 30, tzinfo=UTC)


@pytest.fixture
def inbox(tmp_path: Path, seed_fixtures: dict[str, list[Path]]) -> Path:
    """The three seed reports as .docx, a copy of the first under another name, a PDF and a broken file."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for path in seed_fixtures["docx"]:
        shutil.copy(path, folder / path.name)
    shutil.copy(seed_fixtures["docx"][0], folder / "zz-copy-of-the-first.docx")
    (folder / "viddil-deputatskoi-diialnosti.jpg").write_bytes(b"\xff\xd8\xff a photo of the printed report")
    (folder / "upravlinnia-zvernen-zvit.docx").write_bytes(b"not a zip")
    (folder / ".hidden.docx").write_bytes(b"an editor's lock file")
    return folder


def test_every_file_gets_its_fate_and_the_warehouse_records_it(inbox: Path, warehouse: Engine,
                                                              registry: Registry) -> None:
    paths = sorted(inbox_files(inbox), key=lambda p: p.name)
    assert ".hidden.docx" not in {p.name for p in paths}
    outcome = take_files(warehouse, paths, period="2022-Q3", registry=registry, received_at=RECEIVED)
    fates = {f.name: (f.fate, f.department) for f in outcome.files}
    first, second, third = sorted(p.name for p in paths if p.name.startswith("zhytomyr"))
    assert fates == {
        first: (Fate.STORED, "viddil-deputatskoi-diialnosti"),
        second: (Fate.STORED, "upravlinnia-zviazkiv"),
        third: (Fate.STORED, "upravlinnia-zvernen"),
        "zz-copy-of-the-first.docx": (Fate.DUPLICATE, "viddil-deputatskoi-diialnosti"),
        "viddil-deputatskoi-diialnosti.jpg": (Fate.UNSUPPORTED, "viddil-deputatskoi-diialnosti"),
        "upravlinnia-zvernen-zvit.docx": (Fate.UNREADABLE, "upravlinnia-zvernen"),
    }
    by_name = {f.name: f for f in outcome.files}
    assert by_name["zz-copy-of-the-first.docx"].reason == (
        f"zz-copy-of-the-first.docx: цей самий файл уже отримано як «{first}»")
    assert "Word (.docx), Excel (.xlsx) або CSV" in (by_name["viddil-deputatskoi-diialnosti.jpg"].reason or "")
    recorded = {r.name: (r.fate, r.size, r.submission_id is not None) for r in receipts_for_period(warehouse, "2022-Q3")}
    # a duplicate points at the submission stored from the first copy
    assert recorded == {f.name: (f.fate, (inbox / f.name).stat().st_size, f.fate in (Fate.STORED, Fate.DUPLICATE))
                        for f in outcome.files}


def test_a_rerun_keeps_each_files_first_fate(inbox: Path, warehouse: Engine, registry: Registry) -> None:
    paths = sorted(inbox_files(inbox), key=lambda p: p.name)
    first = take_files(warehouse, paths, period="2022-Q3", registry=registry, received_at=RECEIVED)
    again = take_files(warehouse, paths, period="2022-Q3", registry=registry, received_at=RECEIVED)
    assert [(f.name, f.fate) for f in again.files] == [(f.name, f.fate) for f in first.files]
    assert len(receipts_for_period(warehouse, "2022-Q3")) == len(paths)


def test_validating_stores_nothing_and_says_checked(inbox: Path, warehouse: Engine, registry: Registry) -> None:
    paths = sorted(inbox_files(inbox), key=lambda p: p.name)
    outcome = take_files(warehouse, paths, period="2022-Q3", registry=registry, store=False)
    assert {f.fate for f in outcome.files} == {Fate.CHECKED, Fate.UNSUPPORTED, Fate.UNREADABLE}
    assert all(item.result is None for item in outcome.reports)
    assert receipts_for_period(warehouse, "2022-Q3") == []


def test_one_departments_run_takes_only_its_files(inbox: Path, warehouse: Engine, registry: Registry) -> None:
    job = Job(registry=registry, engine=warehouse, period="2022-Q3", department="upravlinnia-zvernen",
              received_at=RECEIVED)
    outcome = process(received(inbox_files(inbox), job), job)
    assert sorted((f.name, f.fate) for f in outcome.files) == [
        ("upravlinnia-zvernen-zvit.docx", Fate.UNREADABLE),
        (next(p.name for p in inbox.iterdir() if p.name.endswith("-3.docx")), Fate.STORED)]


def test_an_empty_inbox_on_a_new_warehouse_reports_every_department_missing(tmp_path: Path,
                                                                           registry: Registry) -> None:
    # Regression (issue 15's benchmark): `zvit run` on an empty inbox and a new warehouse failed with «no such
    # table: v_department_status», because nothing was stored and so nothing brought the warehouse up.
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    job = Job(registry=registry, engine=engine, period="2022-Q3")
    assert process(received([], job), job).files == []
    assert [(d.department, d.program, d.status) for d in summarize(engine, "2022-Q3").departments] == [
        ("upravlinnia-zvernen", "efektyvna-vlada", "missing"), ("upravlinnia-zviazkiv", "efektyvna-vlada", "missing"),
        ("viddil-deputatskoi-diialnosti", "efektyvna-vlada", "missing")]
