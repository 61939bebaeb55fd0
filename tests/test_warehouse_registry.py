"""`zvit registry load`: the registry lands in the warehouse, and loading it again changes nothing."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import models
from zvit.cli import main
from zvit.model import Report
from zvit.registry import Registry, load_registry
from zvit.settings import DEFAULT_REGISTRY_DIR
from tests.loading import load_report
from zvit.warehouse import make_engine, sync_registry, view_rows

REFERENCE = (models.Convocation, models.Decision, models.Program, models.DecisionProgram, models.Department,
             models.DepartmentProgram, models.Period)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every reference row without ids, in a stable order."""
    with Session(engine) as session:
        return {model.__tablename__: sorted(
            tuple(v for k, v in row.model_dump().items() if k != "id") for row in session.scalars(select(model)))
            for model in REFERENCE}


def test_registry_load_is_idempotent(empty_database_url: str, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", empty_database_url)
    assert main(["registry", "load"]) == 0
    assert capsys.readouterr().out.strip().endswith(
        "(1 program, 4 decisions, 3 departments, 20 periods)")
    engine = make_engine(empty_database_url)
    try:
        first = snapshot(engine)
        with Session(engine) as session:
            ids = sorted(session.scalars(select(models.Department.id)))
        assert main(["registry", "load"]) == 0
        assert snapshot(engine) == first
        with Session(engine) as session:
            assert sorted(session.scalars(select(models.Department.id))) == ids
        assert len(first["period"]) == 20 and len(first["department"]) == 3
        with Session(engine) as session:
            decisions = session.execute(
                select(models.Decision.number, models.Decision.date, models.DecisionProgram.action)
                .join(models.DecisionProgram, models.DecisionProgram.decision_id == models.Decision.id)
                .order_by(models.Decision.date)).all()
        assert [tuple(row) for row in decisions] == [
            ("31", date(2020, 12, 24), "approves"), ("279", date(2021, 9, 23), "amends"),
            ("381", date(2021, 12, 24), "amends"), ("558", date(2022, 9, 2), "amends")]
    finally:
        engine.dispose()


def test_periods_carry_deadlines_and_the_first_late_moment_in_utc(warehouse: Engine) -> None:
    with Session(warehouse) as session:
        q3 = session.scalars(select(models.Period).where(models.Period.code == "2022-Q3")).one()
        q4 = session.scalars(select(models.Period).where(models.Period.code == "2022-Q4")).one()
        program = session.scalars(select(models.Program)).one()
        approved_by = session.get(models.Decision, program.approved_by_id)
    assert (q3.year, q3.quarter, q3.starts_on, q3.ends_on, q3.deadline) == (
        2022, 3, date(2022, 1, 1), date(2022, 9, 30), date(2022, 10, 10))
    assert q3.late_from == datetime(2022, 10, 10, 21, 0)  # midnight in Kyiv, summer time
    assert q4.late_from == datetime(2023, 1, 10, 22, 0)   # midnight in Kyiv, winter time
    assert approved_by is not None and (approved_by.number, approved_by.date) == ("31", date(2020, 12, 24))


def test_a_department_removed_from_the_registry_keeps_its_history_but_is_no_longer_expected(
        warehouse: Engine, seed_reports: list[Report], registry: Registry, tmp_path: Path) -> None:
    load_report(warehouse, seed_reports[2], sha256="a" * 64, received_at=datetime(2022, 10, 7))
    directory = Path(shutil.copytree(DEFAULT_REGISTRY_DIR, tmp_path / "registry"))
    departments = directory / "departments.yaml"
    text = departments.read_text(encoding="utf-8")
    departments.write_text(text[:text.index("  - code: upravlinnia-zvernen")], encoding="utf-8")
    sync_registry(warehouse, load_registry(directory), timezone="Europe/Kyiv")
    assert {row["department_code"] for row in view_rows(warehouse, "v_department_status")} == {
        "viddil-deputatskoi-diialnosti", "upravlinnia-zviazkiv"}
    [totals] = view_rows(warehouse, "v_department_totals")
    assert totals["department_code"] == "upravlinnia-zvernen"  # what was accepted stays counted
    sync_registry(warehouse, registry, timezone="Europe/Kyiv")
    assert len(view_rows(warehouse, "v_department_status")) == 60


def test_registry_load_refuses_an_invalid_registry_and_writes_nothing(
        empty_database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture) -> None:
    directory = Path(shutil.copytree(DEFAULT_REGISTRY_DIR, tmp_path / "registry"))
    programs = directory / "programs.yaml"
    programs.write_text(programs.read_text(encoding="utf-8").replace("first_year: 2021", "first_year: 2O21"),
                        encoding="utf-8")
    monkeypatch.setenv("ZVIT_DATABASE_URL", empty_database_url)
    assert main(["registry", "load", "--path", str(directory)]) == 2
    assert "programs[0].first_year" in capsys.readouterr().err
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            assert not engine.dialect.has_table(connection, "program")
    finally:
        engine.dispose()
