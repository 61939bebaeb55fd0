"""`zvit load`: one line per report, unreadable files reported without stopping the others."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import models
from zvit.cli import main
from zvit.warehouse import count_rows, current_submissions, make_engine


def test_load_into_a_fresh_sqlite_file_in_the_working_directory(
        seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZVIT_DATABASE_URL", raising=False)
    assert main(["load", str(seed_path), "--received-at", "2022-10-07T09:30"]) == 0
    name = seed_path.name
    assert capsys.readouterr().out.splitlines() == [
        f"{name} #1: viddil-deputatskoi-diialnosti 2022-Q3: accepted_with_warnings, version 1",
        f"{name} #2: upravlinnia-zviazkiv 2022-Q3: accepted_with_warnings, version 1",
        f"{name} #3: upravlinnia-zvernen 2022-Q3: rejected, version 1 "
        "(REPORT-DECISION-UNKNOWN, REPORT-DECISION-WRONG-DATE)",
    ]
    assert (tmp_path / "zvit.db").is_file()
    assert main(["load", str(seed_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{name} #1: viddil-deputatskoi-diialnosti 2022-Q3: already loaded (version 1, accepted_with_warnings)",
        f"{name} #2: upravlinnia-zviazkiv 2022-Q3: already loaded (version 1, accepted_with_warnings)",
        f"{name} #3: upravlinnia-zvernen 2022-Q3: already loaded (version 1, rejected)",
    ]


def test_an_unreadable_file_is_reported_and_the_others_still_load(
        empty_database_url: str, seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", empty_database_url)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"this is not a Word file")
    assert main(["load", str(broken), str(seed_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("zvit: ") and "broken.docx" in captured.err
    assert "Traceback" not in captured.err
    assert len([line for line in captured.out.splitlines() if line.startswith(seed_path.name)]) == 3
    engine = make_engine(empty_database_url)
    try:
        assert len(current_submissions(engine)) == 3
        assert count_rows(engine, models.ReportLine) == 16
    finally:
        engine.dispose()


def test_a_resubmitted_file_says_which_version_it_supersedes(
        warehouse_url: str, seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", warehouse_url)
    assert main(["load", str(seed_path), "--received-at", "2022-10-07T09:30+03:00"]) == 0
    copy = tmp_path / "resent.txt"
    shutil.copyfile(seed_path, copy)
    with copy.open("a", encoding="utf-8") as stream:
        stream.write("\n")  # different bytes, same reports
    capsys.readouterr()
    assert main(["load", str(copy), "--received-at", "2022-10-11T08:00"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "resent.txt #2: upravlinnia-zviazkiv 2022-Q3: accepted_with_warnings, version 2, supersedes version 1")


def test_received_at_must_be_iso(seed_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["load", str(seed_path), "--received-at", "07.10.2022"])
    assert exit_info.value.code == 2
    assert "not an ISO date and time: '07.10.2022'" in capsys.readouterr().err
