"""Migrations build the schema the models describe, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import models
from models.views import SQL_DIR, load_views
from zvit.cli import main
from zvit.errors import ZvitError
from zvit.settings import Settings
from zvit.warehouse import (
    VIEWS,
    current_revision,
    database_url,
    downgrade,
    ensure_schema,
    head_revision,
    make_engine,
    upgrade,
    view_rows,
)
from zvit.warehouse.schema import MIGRATIONS_DIR

TABLES = {"convocation", "decision", "program", "decision_program", "department", "department_program", "period",
          "submission", "cited_decision", "measure", "report_line", "check_result", "notification", "received_file"}
VIEW_NAMES = {"v_report_lines", "v_department_totals", "v_program_totals", "v_department_status"}


def test_zvit_db_upgrade_builds_an_empty_database(empty_database_url: str, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture) -> None:
    # people write postgresql://; zvit must pick psycopg 3 for it
    monkeypatch.setenv("ZVIT_DATABASE_URL", empty_database_url.replace("postgresql+psycopg://", "postgresql://"))
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.strip().endswith(
        f"upgraded from an empty database to revision {head_revision()} (head)")
    engine = make_engine(empty_database_url)
    try:
        found = inspect(engine)
        assert TABLES <= set(found.get_table_names())
        assert VIEW_NAMES <= set(found.get_view_names())
        assert current_revision(engine) == head_revision()
        assert view_rows(engine, "v_program_totals") == []
    finally:
        engine.dispose()
    assert main(["db", "upgrade"]) == 0
    assert "already at revision" in capsys.readouterr().out


def test_database_url_defaults_to_sqlite_in_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZVIT_DATABASE_URL", raising=False)
    assert database_url(Settings.load().database_url) == "sqlite:///zvit.db"
    monkeypatch.setenv("ZVIT_DATABASE_URL", "postgres://zvit:secret@db.example.org/zvit")
    url = Settings.load().database_url
    assert database_url(url) == "postgresql+psycopg://zvit:secret@db.example.org/zvit"
    assert make_engine(url).dialect.driver == "psycopg"


def test_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), models.metadata)
        assert differences == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        assert downgrade(engine, "base") is None
        remaining = inspect(engine)
        assert not (TABLES | VIEW_NAMES) & set(remaining.get_table_names() + remaining.get_view_names())
        assert upgrade(engine) == head_revision()
        assert VIEW_NAMES <= set(inspect(engine).get_view_names())
    finally:
        engine.dispose()


def test_typed_view_handles_match_the_views_columns(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine)
        found = inspect(engine)
        for name, table in VIEWS.items():
            assert [c["name"] for c in found.get_columns(name)] == [c.name for c in table.columns], name
    finally:
        engine.dispose()


def test_ensure_schema_upgrades_an_empty_database_but_refuses_a_foreign_revision(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        ensure_schema(engine)
        assert current_revision(engine) == head_revision()
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
        fresh = make_engine(empty_database_url)
        with pytest.raises(ZvitError, match=r"at revision ffff, zvit needs .*run `zvit db upgrade`"):
            ensure_schema(fresh)
        fresh.dispose()
    finally:
        engine.dispose()


def test_migration_template_imports_sqlmodel_for_autostring() -> None:
    template = (MIGRATIONS_DIR / "script.py.mako").read_text(encoding="utf-8")
    assert "import sqlmodel" in template
    for revision in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = revision.read_text(encoding="utf-8")
        assert "sqlmodel.sql.sqltypes.AutoString" not in source or "import sqlmodel" in source, revision.name


def test_every_sql_file_is_one_view_named_after_it_with_a_leading_comment() -> None:
    files = sorted(SQL_DIR.glob("*.sql"))
    assert {path.stem for path in files} == VIEW_NAMES == set(VIEWS)
    for path in files:
        assert path.read_text(encoding="utf-8").startswith(f"-- {path.stem}: "), path.name
    order = [view.name for view in load_views()]
    assert order.index("v_department_totals") < order.index("v_program_totals")


def test_db_upgrade_reports_an_unreachable_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", f"sqlite:///{tmp_path}/missing-dir/zvit.db")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zvit: database error: unable to open database file") and "Traceback" not in err
