"""Issue 13: the gate has no row cap, and what `validate` says is what `load` stores, file by file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.loading import take_files
from zvit.cli import main
from zvit.model import FormLine, Report, SourceLocation
from zvit.quality.gate import check_reports
from zvit.registry import Registry
from zvit.registry.resolve import resolve
from zvit.warehouse import check_results

#: Measure 1's task in the seed's first report; each copy gets its own, so every file is distinct.
TASK = "Забезпечити вільний доступ депутатам"


def first_report_copies(seed_path: Path, folder: Path, count: int) -> list[Path]:
    """`count` distinct files, each the seed's first report (five percent mismatches) with its own task text."""
    lines = seed_path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.strip() == "Звіт"]
    text = "".join(lines[starts[0]:starts[1]])
    assert text.count(TASK) == 1
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        path = folder / f"copy-{number:04d}.txt"
        path.write_text(text.replace(TASK, f"{TASK} (примірник {number})"), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.slow
def test_250_reports_with_five_percent_mismatches_each_get_every_finding(
        seed_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch,
        warehouse: Engine, registry: Registry) -> None:
    # Regression for issue 13: 1,250 failing rows of one rule crashed the gate (GX passes on 200 at most).
    paths = first_report_copies(seed_path, tmp_path / "inbox", 250)
    monkeypatch.setenv("ZVIT_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    assert main(["validate", "--json", "--period", "2022-Q3", *map(str, paths)]) == 0
    verdicts = json.loads(capsys.readouterr().out)
    assert len(verdicts) == 250
    for verdict in verdicts:
        mismatches = [f for f in verdict["findings"] if f["code"] == "ROW-PERCENT-MISMATCH"]
        assert [f["measure"] for f in mismatches] == ["1", "2", "3", "4", "5"]
        assert verdict["status"] == "accepted_with_warnings"
    outcome = take_files(warehouse, paths, period="2022-Q3", registry=registry)
    stored = [c for item in outcome.reports for c in check_results(warehouse, item.result.submission_id)
              if c.rule_code == "ROW-PERCENT-MISMATCH"]
    assert len(stored) == 1250
    # And the quarterly run itself, as a department's clerk would start it: exit 0, every file stored.
    env = {**os.environ, "ZVIT_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
           "ZVIT_REPORTS_DIR": str(tmp_path / "reports"), "ZVIT_OUTBOX_DIR": str(tmp_path / "outbox"),
           "PREFECT_HOME": str(tmp_path / "prefect")}
    run = subprocess.run([sys.executable, "-m", "zvit", "run", "--period", "2022-Q3", "--inbox",
                          str(tmp_path / "inbox"), "--json"], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stderr
    files = json.loads(run.stdout)["files"]
    assert len(files) == 250 and {f["fate"] for f in files} == {"stored"}


def test_ten_thousand_failing_rows_of_one_rule_all_reach_their_findings(registry: Registry,
                                                                     seed_reports: list[Report]) -> None:
    base = seed_reports[0]
    rows = tuple(FormLine(measure=str(n), task="Захід", annual=Decimal(100), financed=Decimal(10),
                          percent=Decimal(50), location=SourceLocation(part="1", row=n + 2),
                          columns={"percent": "9", "annual": "7", "financed": "8"})
                 for n in range(1, 10_001))
    report = base.model_copy(update={"rows": rows, "total": None, "warnings": ()})
    [found] = check_reports([report], [resolve(report, registry)], registry=registry, period="2022-Q3")
    mismatches = [f for f in found if f.rule_code == "ROW-PERCENT-MISMATCH"]
    assert len(mismatches) == 10_000
    assert {f.row for f in mismatches} == set(range(3, 10_003))
    assert (mismatches[0].value, mismatches[0].expected) == ("50,00%", "10,00%")


def test_every_failing_row_of_a_column_rule_reaches_its_finding(registry: Registry,
                                                                seed_reports: list[Report]) -> None:
    # Great Expectations lists at most `partial_unexpected_count` failing rows of a column rule on SQL (20 unless
    # told): 3,000 negative amounts gave 20 findings per column.
    rows = tuple(FormLine(measure=str(n), task="Захід", annual=Decimal(-100), financed=Decimal(-10),
                          percent=Decimal(10), location=SourceLocation(part="1", row=n + 2),
                          columns={"annual": "7", "financed": "8", "percent": "9"})
                 for n in range(1, 3_001))
    report = seed_reports[0].model_copy(update={"rows": rows, "total": None, "warnings": ()})
    [found] = check_reports([report], [resolve(report, registry)], registry=registry, period="2022-Q3")
    negative = [f for f in found if f.rule_code == "ROW-NEGATIVE-AMOUNT"]
    assert len(negative) == 6_000
    assert {(f.row, f.column) for f in negative} == {(n + 2, c) for n in range(1, 3_001) for c in ("7", "8")}


def test_a_report_with_no_lines_of_the_form_is_rejected(registry: Registry, seed_reports: list[Report]) -> None:
    # Regression for issue 13: a report with its table rows removed was accepted with warnings.
    empty = seed_reports[0].model_copy(update={"rows": (), "total": None})
    [found] = check_reports([empty], [resolve(empty, registry)], registry=registry, period="2022-Q3")
    [problem] = [f for f in found if f.severity == "critical"]
    assert problem.rule_code == "REPORT-NO-LINES"
    assert "не знайдено жодного рядка форми" in problem.message


def test_report_rules_see_a_report_with_no_lines(registry: Registry, seed_reports: list[Report]) -> None:
    # Regression for issue 13: header lines but no table rows, an unregistered program and no executor were
    # accepted by `validate` (report rules only saw reports with lines) and rejected by `load`.
    bare = seed_reports[0].model_copy(update={"rows": (), "total": None, "program": "Програма, якої немає",
                                              "department": None})
    [found] = check_reports([bare], [resolve(bare, registry)], registry=registry, period="2022-Q3")
    assert {f.rule_code for f in found if f.severity == "critical"} == {
        "REPORT-NO-LINES", "REPORT-PROGRAM-UNKNOWN", "REPORT-DEPARTMENT-UNKNOWN"}


def _verdicts(outcome: object) -> list[tuple[str, int, str, list[tuple]]]:
    return [(item.submitted.path.name, item.report.index, item.status.value,
             sorted((f.rule_code, f.severity.value, f.part, f.row, f.column, f.value, f.expected, f.message)
                    for f in item.findings))
            for item in outcome.reports]  # type: ignore[attr-defined]


def _stored(engine: Engine, outcome: object) -> list[tuple[str, int, str, list[tuple]]]:
    import models
    from sqlalchemy.orm import Session

    found = []
    with Session(engine) as session:
        for item in outcome.reports:  # type: ignore[attr-defined]
            row = session.get(models.Submission, item.result.submission_id)
            results = check_results(engine, item.result.submission_id)
            found.append((row.source_file, row.report_index, row.check_status,
                          sorted((c.rule_code, c.severity, c.source_part, c.row, c.column, c.value, c.expected,
                                  c.message) for c in results)))
    return found


@pytest.mark.slow
def test_validate_says_what_load_stores_for_every_fixture(
        seed_fixtures: dict[str, list[Path]], seed_path: Path, tmp_path: Path, warehouse: Engine,
        registry: Registry) -> None:
    paths = [seed_path, *(p for files in seed_fixtures.values() for p in files)]
    validated = take_files(warehouse, paths, period="2022-Q3", registry=registry, store=False)
    loaded = take_files(warehouse, paths, period="2022-Q3", registry=registry)
    assert len(validated.reports) >= len(paths)
    assert _verdicts(validated) == _verdicts(loaded) == _stored(warehouse, loaded)
    assert [f.name for f in validated.files] == [f.name for f in loaded.files]
    assert [(f.name, f.fate.value) for f in validated.refused] == [(f.name, f.fate.value) for f in loaded.refused]


@pytest.mark.slow
def test_validate_says_what_load_stores_for_a_generated_quarter(tmp_path: Path, warehouse: Engine) -> None:
    from bench.generate import generate_quarter
    from zvit.registry import load_registry
    from zvit.warehouse import sync_registry

    quarter = generate_quarter(tmp_path / "quarter", 300, seed=13)
    registry = load_registry(quarter.registry)
    sync_registry(warehouse, registry, timezone="Europe/Kyiv")
    paths = sorted(quarter.inbox.iterdir())
    assert len(paths) >= 300
    validated = take_files(warehouse, paths, period="2022-Q3", registry=registry, store=False)
    loaded = take_files(warehouse, paths, period="2022-Q3", registry=registry)
    assert _verdicts(validated) == _verdicts(loaded) == _stored(warehouse, loaded)
    assert {f.name for f in validated.files} == {f.name for f in loaded.files} == {p.name for p in paths}
    assert [f.fate.value for f in validated.refused] == [f.fate.value for f in loaded.refused]
