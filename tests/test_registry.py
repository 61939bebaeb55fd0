"""The shipped registry, name resolution, the calendar, and `zvit registry check` pointing at file and line."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from zvit.cli import main
from zvit.normalize.periods import parse_period_code
from zvit.registry import Registry, check_registry, load_registry, normalize_department
from zvit.registry.periods import default_deadline
from zvit.settings import DEFAULT_REGISTRY_DIR, Settings


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped registry, to break on purpose."""
    return Path(shutil.copytree(DEFAULT_REGISTRY_DIR, tmp_path / "registry"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


def _messages(directory: Path) -> list[str]:
    return [str(problem) for problem in check_registry(directory)]


def test_shipped_registry_has_the_program_its_decisions_and_convocation() -> None:
    registry = load_registry(DEFAULT_REGISTRY_DIR)
    program = registry.program("efektyvna-vlada")
    assert (program.title, program.first_year, program.last_year) == ("Ефективна влада. Конкурентне місто", 2021, 2025)
    assert (program.approved_by.number, program.approved_by.date) == ("31", date(2020, 12, 24))
    assert [(d.number, d.date, d.approves, d.amends, d.convocation) for d in registry.decisions] == [
        ("31", date(2020, 12, 24), ("efektyvna-vlada",), (), "VIII"),
        ("279", date(2021, 9, 23), (), ("efektyvna-vlada",), "VIII"),
        ("381", date(2021, 12, 24), (), ("efektyvna-vlada",), "VIII"),
        ("558", date(2022, 9, 2), (), ("efektyvna-vlada",), "VIII"),
    ]
    assert [(c.code, c.first_session) for c in registry.convocations] == [("VIII", date(2020, 12, 3))]


def test_shipped_departments_are_the_seeds_three_with_reserved_domain_contacts() -> None:
    registry = load_registry(DEFAULT_REGISTRY_DIR)
    assert {d.code: d.name for d in registry.departments} == {
        "viddil-deputatskoi-diialnosti": "відділ організаційного забезпечення депутатської діяльності",
        "upravlinnia-zviazkiv": "управління по зв'язках з громадськістю",
        "upravlinnia-zvernen": "управління звернень та діловодства",
    }
    for department in registry.departments:
        assert department.emails and all(e.endswith(".example.org") for e in department.emails)
        assert department.is_responsible_for("efektyvna-vlada")


@pytest.mark.parametrize(("written", "code"), [
    ("Відділ організаційного забезпечення депутатської діяльності", "viddil-deputatskoi-diialnosti"),
    ("Управління по зв'язках з громадськістю", "upravlinnia-zviazkiv"),
    ("управління по зв’язках із громадськістю.", "upravlinnia-zviazkiv"),
    ("УПРАВЛІННЯ ПО ЗВʼЯЗКАХ ЗІ ГРОМАДСЬКІСТЮ", "upravlinnia-zviazkiv"),
    ("управління звернень та діловодства Житомирської міської ради", "upravlinnia-zvernen"),
    ("управління  звернень та діловодства міської ради", "upravlinnia-zvernen"),
    ("управлiння звернень та дiловодства", "upravlinnia-zvernen"),  # Latin i typed for Ukrainian і
    ("управління звернень громадян", None),
    ("", None),
])
def test_department_names_resolve_whatever_the_spelling(written: str, code: str | None) -> None:
    assert load_registry(DEFAULT_REGISTRY_DIR).resolve_department(written) == code


@pytest.mark.parametrize(("written", "code"), [
    ("Ефективна влада. Конкурентне місто", "efektyvna-vlada"),
    ("ефективна влада – конкурентне місто", "efektyvna-vlada"),
    ("Міської цільової програми «Ефективна влада. Конку rentне місто» на 2021-2025 роки", "efektyvna-vlada"),
    ("Ефективна влада. Конкуrentне місто", "efektyvna-vlada"),
    ("Безпечне місто", None),
])
def test_program_titles_resolve_by_normalized_title(written: str, code: str | None) -> None:
    assert load_registry(DEFAULT_REGISTRY_DIR).resolve_program(written) == code


def test_owner_suffix_is_dropped_only_at_the_end() -> None:
    assert normalize_department("відділ міської ради з питань торгівлі") == "відділ міської ради з питань торгівлі"
    assert normalize_department("Відділ торгівлі Житомирської міської ради") == "відділ торгівлі"


def test_default_deadline_is_the_tenth_of_the_month_after_the_quarter() -> None:
    calendar = load_registry(DEFAULT_REGISTRY_DIR).calendar
    assert [calendar.deadline(f"2022-Q{q}") for q in (1, 2, 3, 4)] == [
        date(2022, 4, 10), date(2022, 7, 10), date(2022, 10, 10), date(2023, 1, 10)]


def test_deadline_rule_is_configurable_and_overridable_per_period(registry_copy: Path) -> None:
    _edit(registry_copy / "calendar.yaml", "deadline_day: 10", "deadline_day: 31")
    _edit(registry_copy / "calendar.yaml", "months_after_quarter: 1", "months_after_quarter: 2")
    _edit(registry_copy / "calendar.yaml", "overrides: {}", "overrides:\n    2022-Q4: 2023-02-20")
    calendar = load_registry(registry_copy).calendar
    assert calendar.deadline("2022-Q1") == date(2022, 5, 31)
    assert calendar.deadline("2022-Q2") == date(2022, 8, 31)
    assert calendar.deadline("2022-Q3") == date(2022, 11, 30)  # clamped to the month's length
    assert calendar.deadline("2022-Q4") == date(2023, 2, 20)


def test_periods_cover_every_quarter_of_the_programs_years() -> None:
    periods = load_registry(DEFAULT_REGISTRY_DIR).periods()
    assert [p.code for p in periods][:5] == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4", "2022-Q1"]
    assert len(periods) == 20 and periods[-1].code == "2025-Q4"
    q3 = parse_period_code("2022-Q3")
    assert (q3.start, q3.end) == (date(2022, 1, 1), date(2022, 9, 30))
    assert default_deadline(parse_period_code("2024-Q4"), day=10, months_after=1) == date(2025, 1, 10)


def test_shipped_registry_has_no_problems() -> None:
    assert check_registry(DEFAULT_REGISTRY_DIR) == []


def test_unknown_key_is_reported_with_file_and_line(registry_copy: Path) -> None:
    path = registry_copy / "departments.yaml"
    _edit(path, "    emails: [zvit@zviazky.example.org]", "    emials: [zvit@zviazky.example.org]")
    line = _line_of(path, "emials:")
    messages = _messages(registry_copy)
    assert f"{path}:{line}: departments[1].emials: unknown key" in messages


def test_bad_dates_are_reported_with_file_and_line(registry_copy: Path) -> None:
    path = registry_copy / "council.yaml"
    _edit(path, "date: 2021-09-23", "date: 23.09.2021")
    _edit(path, "date: 2021-12-24", "date: 2021-02-30")
    messages = _messages(registry_copy)
    assert (f"{path}:{_line_of(path, '23.09.2021')}: decisions[1].date: "
            "bad date '23.09.2021': expected a real date written YYYY-MM-DD") in messages
    assert any(m.startswith(f"{path}:{_line_of(path, '2021-02-30')}: decisions[2].date: bad date") for m in messages)


def test_duplicate_codes_are_reported_with_file_and_line(registry_copy: Path) -> None:
    path = registry_copy / "departments.yaml"
    _edit(path, "code: upravlinnia-zvernen", "code: upravlinnia-zviazkiv")
    second = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if "code: upravlinnia-zviazkiv" in line][1]
    assert _messages(registry_copy) == [
        f"{path}:{second}: departments[2].code: duplicate department code upravlinnia-zviazkiv "
        "(first at departments[1])"]


def test_invalid_email_is_reported_with_file_and_line(registry_copy: Path) -> None:
    path = registry_copy / "departments.yaml"
    _edit(path, "zvit@zvernennia.example.org", "zvit@zvernennia")
    assert _messages(registry_copy) == [
        f"{path}:{_line_of(path, 'zvit@zvernennia]')}: departments[2].emails[0]: "
        "invalid email address 'zvit@zvernennia'"]


def test_duplicate_yaml_key_and_syntax_errors_name_the_line(registry_copy: Path) -> None:
    calendar = registry_copy / "calendar.yaml"
    _edit(calendar, "  deadline_day: 10", "  deadline_day: 10\n  deadline_day: 15")
    (registry_copy / "broken.yaml").write_text("departments: [\n", encoding="utf-8")
    messages = _messages(registry_copy)
    assert f"{calendar}:{_line_of(calendar, 'deadline_day: 15')}: duplicate key 'deadline_day'" in messages
    assert any(m.startswith(f"{registry_copy / 'broken.yaml'}:2: invalid YAML") for m in messages)


def test_dangling_references_and_impossible_dates_are_reported(registry_copy: Path) -> None:
    council = registry_copy / "council.yaml"
    departments = registry_copy / "departments.yaml"
    _edit(council, "date: 2022-09-02\n    convocation: VIII", "date: 2020-11-02\n    convocation: VIII")
    first_programs = "programs: [efektyvna-vlada]\n    responsible_for: [efektyvna-vlada]\n\n  - code: upravlinnia-zv"
    _edit(departments, first_programs, first_programs.replace("[efektyvna-vlada]", "[efektyvna-misto]", 1))
    messages = _messages(registry_copy)
    decision_line = _line_of(council, "2020-11-02")
    program_line = _line_of(departments, "efektyvna-misto")
    assert f"{council}:{decision_line}: decisions[3].date: 2020-11-02 is outside convocation VIII " \
           "(first session 2020-12-03)" in messages
    assert f"{council}:{decision_line}: decisions[3].date: amends 'efektyvna-vlada' before it was approved " \
           "on 2020-12-24" in messages
    assert f"{departments}:{program_line}: departments[0].programs[0]: unknown program 'efektyvna-misto'" in messages
    assert f"{departments}:{program_line + 1}: departments[0].responsible_for[0]: " \
           "'efektyvna-vlada' is not among the department's programs" in messages


def test_a_name_variant_claimed_by_two_departments_is_an_error(registry_copy: Path) -> None:
    path = registry_copy / "departments.yaml"
    _edit(path, "      - управління звернень та діловодства міської ради",
          "      - управління звернень та діловодства міської ради\n      - Управління по звʼязках із громадськістю")
    assert _messages(registry_copy) == [
        f"{path}:{_line_of(path, 'Управління по звʼязках із громадськістю')}: departments[2].name_variants[2]: "
        "name 'Управління по звʼязках із громадськістю' already belongs to department upravlinnia-zviazkiv"]


def test_an_address_registered_for_two_departments_is_an_error(registry_copy: Path) -> None:
    # Mail from it, and a sign-in link asked for it, would otherwise go to whichever department came first.
    path = registry_copy / "departments.yaml"
    _edit(path, "emails: [zvit@zvernennia.example.org]", "emails: [zvit@zvernennia.example.org, ZVIT@Zviazky.example.org]")
    assert _messages(registry_copy) == [
        f"{path}:{_line_of(path, 'ZVIT@Zviazky.example.org')}: departments[2].emails[1]: "
        "address 'ZVIT@Zviazky.example.org' already belongs to department upravlinnia-zviazkiv"]


def test_registry_check_prints_problems_and_exits_2(registry_copy: Path, capsys: pytest.CaptureFixture) -> None:
    _edit(registry_copy / "departments.yaml", "zvit@deputaty.example.org", "deputaty.example.org")
    assert main(["registry", "check", "--path", str(registry_copy)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{registry_copy / 'departments.yaml'}:")
    assert "invalid email address 'deputaty.example.org'" in err[0]
    assert err[-1] == f"zvit: {registry_copy}: 1 problem in the registry"


def test_registry_check_of_the_shipped_registry_passes(capsys: pytest.CaptureFixture) -> None:
    assert main(["registry", "check"]) == 0
    assert capsys.readouterr().out.strip().endswith(
        "registry is valid (1 program, 4 decisions, 3 departments, 20 periods)")


def test_registry_is_read_from_zvit_registry_dir(registry_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit(registry_copy / "programs.yaml", "last_year: 2025", "last_year: 2026")
    monkeypatch.setenv("ZVIT_REGISTRY_DIR", str(registry_copy))
    registry: Registry = load_registry(Settings.load().registry_dir)
    assert registry.program("efektyvna-vlada").last_year == 2026


def test_a_department_is_found_by_any_of_its_addresses_whatever_the_letter_case() -> None:
    registry = load_registry(DEFAULT_REGISTRY_DIR)
    found = registry.department_at("  ZVIT@Zvernennia.example.org ")
    assert found is not None and found.code == "upravlinnia-zvernen"
    assert registry.department_at("stranger@example.org") is None
    assert registry.department_at("") is None and registry.department_at(None) is None
