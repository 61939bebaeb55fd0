"""The benchmark's synthetic quarter: deterministic, every format, a valid registry, files that parse as intended."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.defects import BROKEN_DEFECTS
from bench.generate import MANIFEST, GeneratedQuarter, generate_quarter
from bench.layouts import REJECTED_DEFECTS
from zvit.errors import IntakeError
from zvit.intake import read_reports
from zvit.registry import load_registry
from zvit.registry.validate import read_registry

#: Small, with shares high enough that every kind of defect occurs once.
N = 12
SHARES = {"broken_share": 0.25, "rejected_share": 0.17}


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> GeneratedQuarter:
    return generate_quarter(tmp_path_factory.mktemp("quarter"), N, seed=7, **SHARES)


def test_the_same_seed_writes_the_same_bytes(quarter: GeneratedQuarter, tmp_path: Path) -> None:
    again = generate_quarter(tmp_path, N, seed=7, **SHARES)
    assert [f.name for f in again.files] == [f.name for f in quarter.files]
    assert [p.read_bytes() for p in again.paths()] == [p.read_bytes() for p in quarter.paths()]
    for name in ("programs.yaml", "council.yaml", "departments.yaml", "calendar.yaml"):
        assert (again.registry / name).read_bytes() == (quarter.registry / name).read_bytes()


def test_another_seed_writes_another_quarter(quarter: GeneratedQuarter, tmp_path: Path) -> None:
    other = generate_quarter(tmp_path, N, seed=8, **SHARES)
    assert [p.read_bytes() for p in other.paths()] != [p.read_bytes() for p in quarter.paths()]


def test_mostly_word_files_with_some_excel_and_csv(quarter: GeneratedQuarter) -> None:
    formats = quarter.formats()
    assert set(formats) == {"docx", "xlsx", "csv"}
    assert formats["docx"] > formats["xlsx"] + formats["csv"]
    assert sorted(p.name for p in quarter.inbox.iterdir()) == sorted(f.name for f in quarter.files)
    assert {p.suffix for p in quarter.inbox.iterdir()} == {".docx", ".xlsx", ".csv"}


def test_every_kind_of_defect_occurs(quarter: GeneratedQuarter) -> None:
    defects = {f.defect for f in quarter.files} - {None}
    assert defects == set(BROKEN_DEFECTS) | set(REJECTED_DEFECTS)


def test_the_registry_is_valid_and_names_every_sender(quarter: GeneratedQuarter) -> None:
    registry, problems = read_registry(quarter.registry)
    assert problems == []
    assert registry is not None
    assert len(registry.departments) == quarter.departments >= N // 3
    assert len(registry.programs) == quarter.programs >= 2
    for department in registry.departments:
        assert 1 <= len(department.programs) <= 3
        assert department.emails[0].endswith(".example.org")
        assert department.name_variants
    for program in registry.programs:
        assert any(program.code in d.responsible_for for d in registry.departments)
    senders = {(f.department, f.program) for f in quarter.files}
    assert senders == {(d.code, p) for d in registry.departments for p in d.programs}


def test_registry_check_command_accepts_it(quarter: GeneratedQuarter, capsys: pytest.CaptureFixture[str]) -> None:
    from zvit.cli import main

    assert main(["registry", "check", "--path", str(quarter.registry)]) == 0
    assert "registry is valid" in capsys.readouterr().out


def test_files_parse_to_the_intended_lines(quarter: GeneratedQuarter) -> None:
    registry = load_registry(quarter.registry)
    for item in quarter.files:
        path = quarter.inbox / item.name
        if item.broken:
            with pytest.raises(IntakeError):
                read_reports(path)
            continue
        (report,) = read_reports(path)
        assert len(report.rows) == item.lines, item.name
        assert 10 <= item.lines <= 40
        assert sum(line.sub_item > 0 for line in report.rows) == item.sub_items, item.name
        assert report.period == quarter.period
        assert registry.resolve_department(report.department) == item.department, item.name
        assert registry.resolve_program(report.program) == item.program, item.name
        assert (report.total is not None) == item.has_total, item.name


def test_the_quarter_has_sub_items_continuations_and_multi_paragraph_cells(quarter: GeneratedQuarter) -> None:
    readable = [f for f in quarter.files if not f.broken]
    assert sum(f.sub_items for f in readable) > 0
    assert sum(f.continuations for f in readable) > 0
    multi = [line for f in readable for line in read_reports(quarter.inbox / f.name)[0].rows
             if "\n" in (line.content or "") or "\n" in (line.info or "")]
    assert multi


def test_the_manifest_lists_every_file(quarter: GeneratedQuarter) -> None:
    manifest = json.loads((quarter.root / MANIFEST).read_text(encoding="utf-8"))
    assert [f["name"] for f in manifest["files"]] == [f.name for f in quarter.files]
    assert manifest["period"] == "2022-Q3"
