"""The gate on the seed's three real reports, with the shipped registry (issue 4's «Done when»)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.loading import take_files
from zvit.model import Report
from zvit.quality.findings import Finding, status_for
from zvit.quality.gate import check_reports
from zvit.registry import load_registry
from zvit.registry.resolve import resolve
from zvit.settings import DEFAULT_REGISTRY_DIR
from zvit.warehouse import check_results, current_submissions


@pytest.fixture(scope="module")
def seed_findings(seed_reports: list[Report]) -> list[list[Finding]]:
    registry = load_registry(DEFAULT_REGISTRY_DIR)
    return check_reports(seed_reports, [resolve(r, registry) for r in seed_reports], registry=registry,
                         period="2022-Q3", program="efektyvna-vlada")


def summary(found: list[Finding]) -> list[tuple[str, str | None, str | None, str | None]]:
    """The gate's findings (intake's notices left out) as (rule, measure, value, expected)."""
    return [(f.rule_code, f.measure, f.value, f.expected) for f in found if not f.is_intake]


def test_first_report_is_accepted_with_percent_and_omission_warnings(seed_findings) -> None:  # noqa: ANN001
    assert summary(seed_findings[0]) == [
        ("ROW-PERCENT-MISMATCH", "1", "100,00%", "0,00%"),
        ("ROW-PERCENT-MISMATCH", "2", "100,00%", "80,00%"),
        ("ROW-PERCENT-MISMATCH", "3", "100,00%", "53,47%"),
        ("ROW-PERCENT-MISMATCH", "4", "25,00%", "24,04%"),
        ("ROW-PERCENT-MISMATCH", "5", "25,00%", "26,26%"),
        ("REPORT-DECISION-OMITTED", None, None, "23.09.2021 № 279, 24.12.2021 № 381"),
    ]
    assert status_for(f.severity for f in seed_findings[0]) == "accepted_with_warnings"


def test_second_report_has_one_warning_once_its_units_are_reconciled(seed_findings, seed_reports) -> None:  # noqa: ANN001
    assert summary(seed_findings[1]) == [("REPORT-DECISION-NO-NUMBER", None, "02.09.2022", "02.09.2022 № 558")]
    # What intake repaired is recorded as notices, which change no status.
    assert {f.severity for f in seed_findings[1] if f.is_intake} == {"notice"}
    assert status_for(f.severity for f in seed_findings[1]) == "accepted_with_warnings"


def test_third_report_is_rejected_for_its_decisions(seed_findings) -> None:  # noqa: ANN001
    found = seed_findings[2]
    critical = [f for f in found if f.severity == "critical"]
    assert summary(critical) == [
        ("REPORT-DECISION-UNKNOWN", None, "02.12.2020 № 1430",
         "24.12.2020 № 31 (зі змінами від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558)"),
        ("REPORT-DECISION-WRONG-DATE", None, "23.09.2022 № 279", "23.09.2021 № 279"),
    ]
    # stated, not argued, and short enough for a narrow status column
    assert critical[0].message == (
        "Рішення від 02.12.2020 № 1430 не є серед рішень про цю програму. Рішення про програму: 24.12.2020 № 31 "
        "(зі змінами від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558).")
    assert ("ROW-PERCENT-MISMATCH", "1", "64,00%", "37,82%") in summary(found)
    # the same wrong decision is cited beside the annual volume of measure 1 (column 6 of its 9-column table)
    in_cell = next(f for f in found if f.rule_code == "LINE-DECISION-IN-CELL")
    assert (in_cell.measure, in_cell.column, in_cell.value, in_cell.expected) == (
        "1", "6", "23.09.2022 № 279", "23.09.2021 № 279")
    assert in_cell.message.startswith("Рядок 102 файлу (захід 1), графа 6 «Річний обсяг фінансування»: поруч із "
                                      "сумою зазначено рішення від 23.09.2022 № 279")
    assert status_for(f.severity for f in found) == "rejected"


def test_loading_the_seed_stores_each_verdict_with_its_findings(warehouse: Engine, seed_path: Path) -> None:
    batch = take_files(warehouse, [seed_path], period="2022-Q3")
    assert [item.result.status for item in batch.reports] == ["accepted_with_warnings", "accepted_with_warnings",
                                                            "rejected"]
    rejected = batch.reports[2].result
    stored = {(c.rule_code, c.origin, c.severity) for c in check_results(warehouse, rejected.submission_id)}
    assert ("REPORT-DECISION-WRONG-DATE", "gate", "critical") in stored
    assert ("INTAKE-LATIN", "intake", "notice") in stored
    assert len(current_submissions(warehouse)) == 3


def test_a_report_financing_more_than_its_annual_volume_is_rejected(warehouse: Engine, seed_path: Path,
                                                                  tmp_path: Path) -> None:
    # Regression for issue 4: measure 2 of the first report says 92,8 financed of 116,0; make it 160,0.
    text = seed_path.read_text(encoding="utf-8").replace("\t116,0\t92,8\t", "\t116,0\t160,0\t")
    path = tmp_path / "overspent.txt"
    path.write_text(text, encoding="utf-8")
    first = take_files(warehouse, [path], period="2022-Q3").reports[0]
    assert first.result.status == "rejected"
    found = next(f for f in first.findings if f.rule_code == "ROW-FINANCED-GT-ANNUAL")
    assert (found.measure, found.row, found.column, found.value, found.expected) == (
        "2", 23, "8", "160\u00a0000,00", "116\u00a0000,00")
    assert "на 44\u00a0000,00 грн" in found.message
