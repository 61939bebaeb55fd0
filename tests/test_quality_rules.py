"""Every rule of the gate has a passing and a failing case, checked together in one Great Expectations run."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from zvit.catalogue import Rule
from zvit.model import DecisionCitation, FormLine, Report, SourceLocation, Total
from zvit.quality.findings import Finding as CheckFinding
from zvit.quality.gate import GateError, check_reports
from zvit.quality.staging import HistoryMeasure
from zvit.registry import Registry, load_registry
from zvit.registry.resolve import resolve
from zvit.settings import DEFAULT_REGISTRY_DIR

D = Decimal
DECISIONS = (DecisionCitation(number="31", date=date(2020, 12, 24)),
             DecisionCitation(number="279", date=date(2021, 9, 23)),
             DecisionCitation(number="381", date=date(2021, 12, 24)),
             DecisionCitation(number="558", date=date(2022, 9, 2)))
COLUMNS = {"measure": "1", "task": "2", "content": "3", "term": "4", "executors": "5", "planned": "6",
           "annual": "7", "financed": "8", "percent": "9", "info": "10"}
ZVIAZKY = "управління по зв'язках з громадськістю"
#: a department registered (in the `registry` fixture) as an executor of another program only
OUTSIDER = "відділ інформаційних технологій"


def line(measure: str, row: int, planned: str | None, annual: str | None, financed: str | None,
         percent: str | None, *, executors: str | None = ZVIAZKY, task: str | None = "Завдання",
         content: str | None = "Захід", cell_notes: dict[str, str] | None = None) -> FormLine:
    return FormLine(measure=measure, task=task, content=content, term="2021-2025", executors=executors,
                    cell_notes=cell_notes or {},
                    planned=None if planned is None else D(planned), annual=None if annual is None else D(annual),
                    financed=None if financed is None else D(financed),
                    percent=None if percent is None else D(percent),
                    location=SourceLocation(part="таблиця 1", row=row), columns=COLUMNS)


def report(name: str, *, lines: tuple[FormLine, ...] | None = None, total: tuple[str, str, str] | None = None,
           decisions: tuple[DecisionCitation, ...] = DECISIONS, department: str = ZVIAZKY,
           program: str = "Ефективна влада. Конкурентне місто", period: str | None = "2022-Q3") -> Report:
    """A clean report unless told otherwise: two measures, a matching total, every decision cited."""
    if lines is None:
        lines = (line("1", 3, "200000", "100000", "50000", "50"), line("2", 4, "100000", "100000", "0", "0"))
    planned, annual, financed = total or ("300000", "200000", "50000")
    return Report(source=f"{name}.docx", format="docx", program=program, period=period, department=department,
                  decisions=decisions, title_location=SourceLocation(part="абзац", row=2),
                  decisions_location=SourceLocation(part="абзац", row=4), rows=lines,
                  total=Total(planned=D(planned), annual=D(annual), financed=D(financed),
                              location=SourceLocation(part="таблиця 1", row=5)))


BATCH = {
    "clean": report("clean"),
    "financed_gt_annual": report("financed_gt_annual", lines=(
        line("1", 3, "200000", "100000", "120000", "120"), line("2", 4, "100000", "100000", "0", "0")),
        total=("300000", "200000", "120000")),
    "percent_mismatch": report("percent_mismatch", lines=(
        line("1", 3, "200000", "100000", "50000", "60"), line("2", 4, "100000", "100000", "0", "0"))),
    "percent_within_half_point": report("percent_within_half_point", lines=(
        line("1", 3, "200000", "100000", "50000", "50.4"), line("2", 4, "100000", "0", "0", "0")),
        total=("300000", "100000", "50000")),
    "negative": report("negative", lines=(
        line("1", 3, "200000", "100000", "50000", "50"), line("2", 4, "100000", "100000", "-10", None)),
        total=("300000", "200000", "49990")),
    "annual_gt_planned": report("annual_gt_planned", lines=(
        line("1", 3, "200000", "250000", "50000", "20"), line("2", 4, "100000", "100000", "0", "0")),
        total=("300000", "350000", "50000")),
    "required_missing": report("required_missing", lines=(
        line("1", 3, "200000", "100000", "50000", "50"),
        line("2", 4, "100000", "100000", None, None, task=None, content=None))),
    "total_mismatch": report("total_mismatch", total=("300000", "200000", "50002")),
    "total_within_a_hryvnia": report("total_within_a_hryvnia", total=("300000", "200000", "50000.99")),
    "decision_unknown": report("decision_unknown", decisions=(
        *DECISIONS, DecisionCitation(number="999", date=date(2022, 1, 1)))),
    "decision_wrong_date": report("decision_wrong_date", decisions=(
        *DECISIONS[:2], DecisionCitation(number="381", date=date(2021, 12, 25)), DECISIONS[3])),
    "decision_no_number": report("decision_no_number", decisions=(
        *DECISIONS[:3], DecisionCitation(number=None, date=date(2022, 9, 2)))),
    "decision_omitted": report("decision_omitted", decisions=(*DECISIONS[:2], DECISIONS[3])),
    "department_unknown": report("department_unknown", department="відділ з питань космосу", lines=(
        line("1", 3, "200000", "100000", "50000", "50", executors="відділ з питань космосу"),
        line("2", 4, "100000", "100000", "0", "0", executors=None))),
    "program_unknown": report("program_unknown", program="Безпечне місто"),
    "period_unknown": report("period_unknown", period="2030-Q1"),
    "financed_decreased": report("financed_decreased", department="відділ організаційного забезпечення депутатської "
                                                                   "діяльності"),
    "annual_changed": report("annual_changed", department="управління звернень та діловодства", period="2022-Q4"),
    "no_lines": report("no_lines", lines=(), total=("0", "0", "0")),
    "not_an_executor": report("not_an_executor", department=OUTSIDER, lines=(
        line("1", 3, "200000", "100000", "50000", "50", executors=OUTSIDER),
        line("2", 4, "100000", "100000", "0", "0", executors=OUTSIDER))),
    "value_out_of_range": report("value_out_of_range", lines=(
        line("1", 3, "2000000000000", "100000", "50000", "50"), line("2", 4, "100000", "100000", "0", "0")),
        total=("2000000100000", "200000", "50000")),
    # «402,70 відповідно до рішення міської ради від 23.09.2022 № 279», as the seed's third report writes it; a
    # right citation (measure 2) and a date that is no decision's (measure 1, financed) pass
    "decision_in_cell": report("decision_in_cell", lines=(
        line("1", 3, "200000", "100000", "50000", "50", cell_notes={
            "annual": "відповідно до рішення міської ради від 23.09.2022 № 279. Попередня сума 90 000,00",
            "financed": "станом на 01.10.2022"}),
        line("2", 4, "100000", "100000", "0", "0", cell_notes={"annual": "згідно з рішенням 24.12.2021 № 381"}))),
    "decision_in_cell_unknown": report("decision_in_cell_unknown", lines=(
        line("1", 3, "200000", "100000", "50000", "50", cell_notes={"annual": "рішення № 1430 від 02.12.2020"}),
        line("2", 4, "100000", "100000", "0", "0"))),
    "value_rounded": report("value_rounded", lines=(
        line("1", 3, "200000.004", "100000", "50000", "50"), line("2", 4, "100000", "100000", "0", "0"))),
}
HISTORY = [
    # Q2 of the deputies' department: measure 1 had 60 000 financed (more than now) and 90 000 annual, changed
    # since by decision №558 of 02.09.2022, which the report cites.
    HistoryMeasure("viddil-deputatskoi-diialnosti", "efektyvna-vlada", "2022-Q2", "1", D("90000"), D("60000")),
    # Q3 of the appeals department: measure 1 had 90 000 annual; no amendment was adopted in Q4.
    HistoryMeasure("upravlinnia-zvernen", "efektyvna-vlada", "2022-Q3", "1", D("90000"), D("40000")),
]
FAILING = {
    "ROW-FINANCED-GT-ANNUAL": "financed_gt_annual", "ROW-PERCENT-MISMATCH": "percent_mismatch",
    "ROW-NEGATIVE-AMOUNT": "negative", "ROW-ANNUAL-GT-PLANNED": "annual_gt_planned",
    "ROW-REQUIRED-MISSING": "required_missing", "REPORT-TOTAL-MISMATCH": "total_mismatch",
    "REPORT-DECISION-UNKNOWN": "decision_unknown", "REPORT-DECISION-WRONG-DATE": "decision_wrong_date",
    "REPORT-DECISION-NO-NUMBER": "decision_no_number", "REPORT-DECISION-OMITTED": "decision_omitted",
    "REPORT-DEPARTMENT-UNKNOWN": "department_unknown", "REPORT-PROGRAM-UNKNOWN": "program_unknown",
    "REPORT-PERIOD-UNKNOWN": "period_unknown", "CROSS-FINANCED-DECREASED": "financed_decreased",
    "CROSS-ANNUAL-CHANGED": "annual_changed", "REPORT-NO-LINES": "no_lines",
    "REPORT-NOT-AN-EXECUTOR": "not_an_executor", "LINE-VALUE-OUT-OF-RANGE": "value_out_of_range",
    "LINE-VALUE-ROUNDED": "value_rounded", "LINE-DECISION-IN-CELL": "decision_in_cell",
}
#: cases that trip a rule besides its own failing case (the rule's other branch)
ALSO_FAILING = {"decision_in_cell_unknown"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    """The shipped registry and one more department, OUTSIDER, executing only a program of its own."""
    shipped = load_registry(DEFAULT_REGISTRY_DIR).model_dump()
    program = {**shipped["programs"][0], "code": "tsyfrove-misto", "title": "Цифрове місто", "full_title": None,
               "title_variants": []}
    outsider = {**shipped["departments"][0], "code": "viddil-it", "name": OUTSIDER, "name_variants": [],
                "programs": ["tsyfrove-misto"], "responsible_for": ["tsyfrove-misto"]}
    return Registry.model_validate({**shipped, "programs": [*shipped["programs"], program],
                                    "departments": [*shipped["departments"], outsider]})


@pytest.fixture(scope="module")
def findings(registry: Registry) -> dict[str, list[CheckFinding]]:
    """The whole batch checked in one run, findings by case name."""
    reports = list(BATCH.values())
    results = check_reports(reports, [resolve(r, registry) for r in reports], registry=registry, history=HISTORY)
    return dict(zip(BATCH, results, strict=True))


def codes(found: list[CheckFinding]) -> list[str]:
    return sorted(f.rule_code for f in found)


def only(found: list[CheckFinding], code: str) -> CheckFinding:
    (match,) = [f for f in found if f.rule_code == code]
    return match


def test_a_clean_report_passes_every_rule(findings: dict[str, list[CheckFinding]]) -> None:
    assert findings["clean"] == []


@pytest.mark.parametrize(("code", "case"), sorted(FAILING.items()))
def test_each_rule_fails_its_own_case_only(findings: dict[str, list[CheckFinding]], code: str, case: str) -> None:
    # The case trips its rule, and no other critical rule: it is rejected (if at all) for that one reason...
    assert code in codes(findings[case])
    assert {f.rule_code for f in findings[case] if f.severity == "critical"} <= {code}
    # ...and the rule trips on no other case of the batch, so it is not a rule that fires on everything.
    assert [name for name, found in findings.items()
            if name != case and name not in ALSO_FAILING and code in codes(found)] == []


def test_every_gate_rule_has_a_failing_case() -> None:
    from zvit.quality.suite import gate_rules

    assert {rule.code for rule in gate_rules()} == set(FAILING) | {"REPORT-PERIOD-MISMATCH",
                                                                    "REPORT-PROGRAM-MISMATCH"}


def test_every_failure_carries_its_source_row(findings: dict[str, list[CheckFinding]]) -> None:
    failures = [f for case in FAILING.values() for f in findings[case]]
    assert failures and all(f.row is not None and f.part for f in failures)


def test_financed_over_annual_names_measure_both_values_and_difference(findings) -> None:  # noqa: ANN001
    found = only(findings["financed_gt_annual"], "ROW-FINANCED-GT-ANNUAL")
    assert (found.severity, found.measure, found.row, found.column, found.value, found.expected) == (
        "critical", "1", 3, "8", "120\u00a0000,00", "100\u00a0000,00")
    assert "на 20\u00a0000,00 грн" in found.message
    assert found.message.startswith("Рядок 3 таблиці 1 (захід 1), графа 8 «Фактично профінансовано»: ")


def test_percent_is_compared_within_half_a_point_and_skipped_where_annual_is_zero(findings) -> None:  # noqa: ANN001
    found = only(findings["percent_mismatch"], "ROW-PERCENT-MISMATCH")
    assert (found.severity, found.value, found.expected) == ("warning", "60,00%", "50,00%")
    assert findings["percent_within_half_point"] == []


def test_negative_and_missing_cells_are_critical_and_name_the_column(findings) -> None:  # noqa: ANN001
    negative = only(findings["negative"], "ROW-NEGATIVE-AMOUNT")
    assert (negative.severity, negative.column, negative.value, negative.row) == ("critical", "8", "-10,00", 4)
    missing = sorted((f.column, f.row) for f in findings["required_missing"] if f.rule_code == "ROW-REQUIRED-MISSING")
    assert missing == [("3", 4), ("8", 4)]


def test_annual_above_planned_is_a_warning(findings) -> None:  # noqa: ANN001
    found = only(findings["annual_gt_planned"], "ROW-ANNUAL-GT-PLANNED")
    assert (found.severity, found.value, found.expected) == ("warning", "250\u00a0000,00", "200\u00a0000,00")


def test_total_must_equal_the_lines_within_one_hryvnia(findings) -> None:  # noqa: ANN001
    found = only(findings["total_mismatch"], "REPORT-TOTAL-MISMATCH")
    assert (found.severity, found.row, found.column, found.value, found.expected) == (
        "critical", 5, "8", "50\u00a0002,00", "50\u00a0000,00")
    assert findings["total_within_a_hryvnia"] == []


def test_decisions_are_checked_against_the_registry(findings) -> None:  # noqa: ANN001
    unknown = only(findings["decision_unknown"], "REPORT-DECISION-UNKNOWN")
    assert (unknown.severity, unknown.value, unknown.row) == ("critical", "01.01.2022 № 999", 4)
    # stated plainly, with the program's decisions as the header should cite them
    assert unknown.message == (
        "Рішення від 01.01.2022 № 999 не є серед рішень про цю програму. Рішення про програму: 24.12.2020 № 31 "
        "(зі змінами від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558).")
    assert unknown.where == "рядок «Дата і номер рішення міської ради…» заголовка звіту"
    wrong = only(findings["decision_wrong_date"], "REPORT-DECISION-WRONG-DATE")
    assert (wrong.value, wrong.expected) == ("25.12.2021 № 381", "24.12.2021 № 381")
    no_number = only(findings["decision_no_number"], "REPORT-DECISION-NO-NUMBER")
    assert (no_number.severity, no_number.expected) == ("warning", "02.09.2022 № 558")
    omitted = only(findings["decision_omitted"], "REPORT-DECISION-OMITTED")
    assert (omitted.severity, omitted.expected) == ("warning", "24.12.2021 № 381")


def test_a_decision_cited_beside_an_amount_is_checked_as_the_header_s_are(findings) -> None:  # noqa: ANN001
    wrong = only(findings["decision_in_cell"], "LINE-DECISION-IN-CELL")
    assert (wrong.severity, wrong.measure, wrong.row, wrong.column, wrong.value, wrong.expected) == (
        "warning", "1", 3, "7", "23.09.2022 № 279", "23.09.2021 № 279")
    assert wrong.message.startswith("Рядок 3 таблиці 1 (захід 1), графа 7 «Річний обсяг фінансування»: поруч із "
                                    "сумою зазначено рішення від 23.09.2022 № 279, але рішення № 279 має іншу дату")
    unknown = only(findings["decision_in_cell_unknown"], "LINE-DECISION-IN-CELL")
    assert (unknown.value, unknown.expected) == (
        "02.12.2020 № 1430", "24.12.2020 № 31 (зі змінами від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558)")
    assert "не є серед рішень про цю програму" in unknown.message


def test_unknown_department_program_and_period_reject(findings) -> None:  # noqa: ANN001
    department = only(findings["department_unknown"], "REPORT-DEPARTMENT-UNKNOWN")
    assert (department.severity, department.value, department.row, department.column) == (
        "critical", "відділ з питань космосу", 3, "5")
    assert only(findings["program_unknown"], "REPORT-PROGRAM-UNKNOWN").value == "Безпечне місто"
    assert only(findings["period_unknown"], "REPORT-PERIOD-UNKNOWN").value == "2030-Q1"


def test_cumulative_financed_may_not_decrease_within_a_year(findings) -> None:  # noqa: ANN001
    found = only(findings["financed_decreased"], "CROSS-FINANCED-DECREASED")
    assert (found.measure, found.value, found.expected) == ("1", "50\u00a0000,00", "60\u00a0000,00")
    assert "2022-Q2" in found.message
    # Its annual volume changed too (90 000 → 100 000), but decision №558 adopted in Q3 is cited.
    assert "CROSS-ANNUAL-CHANGED" not in codes(findings["financed_decreased"])


def test_annual_volume_changes_only_with_an_amending_decision(findings) -> None:  # noqa: ANN001
    found = only(findings["annual_changed"], "CROSS-ANNUAL-CHANGED")
    assert (found.severity, found.value, found.expected) == ("warning", "100\u00a0000,00", "90\u00a0000,00")


def test_a_report_without_lines_or_from_a_department_outside_the_program_is_pointed_at(
        findings: dict[str, list[CheckFinding]]) -> None:
    empty = only(findings["no_lines"], "REPORT-NO-LINES")
    assert (empty.severity, empty.part, empty.row) == ("critical", "абзац", 2)  # where the title stands
    outsider = only(findings["not_an_executor"], "REPORT-NOT-AN-EXECUTOR")
    assert (outsider.severity, outsider.value, outsider.expected, outsider.row, outsider.column) == (
        "warning", OUTSIDER, "Ефективна влада. Конкурентне місто", 3, "5")


def test_an_amount_too_large_rejects_and_fractions_of_a_kopeck_are_a_notice_at_their_cell(
        findings: dict[str, list[CheckFinding]]) -> None:
    large = only(findings["value_out_of_range"], "LINE-VALUE-OUT-OF-RANGE")
    assert (large.severity, large.measure, large.row, large.column) == ("critical", "1", 3, "6")
    rounded = only(findings["value_rounded"], "LINE-VALUE-ROUNDED")
    assert (rounded.severity, rounded.measure, rounded.row, rounded.column) == ("notice", "1", 3, "6")
    assert rounded.value != rounded.expected and rounded.expected is not None


def test_period_and_program_must_match_what_is_collected(registry: Registry) -> None:
    other = registry.programs[0].model_copy(update={"code": "bezpechne-misto", "title": "Безпечне місто"})
    two_programs = Registry.model_validate({**registry.model_dump(), "programs": [*registry.model_dump()["programs"],
                                                                               other.model_dump()]})
    batch = [report("right"), report("wrong-period", period="2022-Q2", decisions=DECISIONS[:3]),
             report("wrong-program", program="Безпечне місто")]
    right, wrong_period, wrong_program = check_reports(batch, [resolve(r, two_programs) for r in batch],
                                                       registry=two_programs, period="2022-Q3",
                                                       program="efektyvna-vlada")
    assert right == []
    mismatch = only(wrong_period, "REPORT-PERIOD-MISMATCH")
    assert (mismatch.severity, mismatch.value, mismatch.expected) == ("critical", "2022-Q2", "2022-Q3")
    assert only(wrong_program, "REPORT-PROGRAM-MISMATCH").expected == "Ефективна влада. Конкурентне місто"


def test_a_rule_that_breaks_inside_great_expectations_is_our_error(tmp_path: Path, registry: Registry,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.sql"
    broken.write_text("SELECT report_key FROM {batch} WHERE no_such_column > 0")
    rule = Rule(code="ROW-BROKEN", severity="critical", category="row", home=f"sql/{broken}", message_uk="x",
                message_en="x")
    monkeypatch.setattr(Rule, "sql_path", property(lambda self: broken))
    monkeypatch.setattr("zvit.quality.suite.gate_rules", lambda: [rule])
    with pytest.raises(GateError, match="ROW-BROKEN failed to run"):
        check_reports([report("clean")], [resolve(report("clean"), registry)], registry=registry)
