"""Bulk writes store exactly the rows the row-by-row load stored: a generated quarter, then second versions and a
late older file, compared table by table in real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

import models
from bench.generate import GeneratedQuarter, generate_quarter
from tests import row_by_row
from tests.warehouse_fixtures import fresh_url
from zvit.pipeline import Checked, Job, check, inbox_files
from zvit.reading import read_all
from zvit.registry import Registry, load_registry
from zvit.warehouse import make_engine, sync_registry
from zvit.warehouse.load import LoadResult, load_report
from zvit.warehouse.receipts import Fate, Origin, Receipt, record_receipts
from zvit.warehouse.schema import upgrade

pytestmark = pytest.mark.slow

RECEIVED = datetime(2022, 10, 7, 9, 0, tzinfo=UTC)
#: every row of these tables, in id order; processed_at is the clock at the time of loading and left out
TABLES = ("submission", "report_line", "check_result", "cited_decision", "measure", "received_file")


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> GeneratedQuarter:
    # shares high enough that rejected reports and unreadable files occur
    return generate_quarter(tmp_path_factory.mktemp("quarter"), 12, seed=7, broken_share=0.25, rejected_share=0.17)


@pytest.fixture(scope="module")
def registry(quarter: GeneratedQuarter) -> Registry:
    return load_registry(quarter.registry)


@pytest.fixture(scope="module")
def checked(quarter: GeneratedQuarter, registry: Registry) -> list[Checked]:
    submitted, _ = read_all(inbox_files(quarter.inbox))
    return check(submitted, Job(registry=registry, period="2022-Q3"))


@pytest.fixture
def reference_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A second empty database on the test's engine, for the row-by-row load."""
    yield from fresh_url(backend, request, tmp_path, name="row-by-row.db")


def _store(engine: Engine, registry: Registry, checked: list[Checked], loader: Any) -> list[LoadResult]:
    """The quarter, then a second version of every third report a day later, then an older copy of the first
    report's file received a day early (it joins the history without becoming current), then the quarter again."""
    upgrade(engine)
    sync_registry(engine, registry, timezone="Europe/Kyiv")
    batches = [(item, item.submitted.sha256, RECEIVED + timedelta(minutes=i)) for i, item in enumerate(checked)]
    batches += [(item, "2" + item.submitted.sha256[1:], RECEIVED + timedelta(days=1, minutes=i))
                for i, item in enumerate(checked[::3])]
    batches += [(checked[0], "0" + checked[0].submitted.sha256[1:], RECEIVED - timedelta(days=1))]
    batches += [(item, item.submitted.sha256, RECEIVED) for item in checked]
    results = [loader(engine, item.report, resolution=item.resolution, sha256=sha256, received_at=received,
                      findings=item.findings) for item, sha256, received in batches]
    receipts = [Receipt(name=item.submitted.path.name, size=1, sha256=item.submitted.sha256, origin=Origin.FOLDER,
                        received_at=RECEIVED, fate=Fate.STORED, period="2022-Q3", submission_id=result.submission_id)
                for item, result in zip(checked, results, strict=False)]
    receipts.append(replace(receipts[0], name="refused.doc", fate=Fate.UNSUPPORTED, submission_id=None,
                            reason="«.doc» — формат, який zvit не читає"))
    (record_receipts if loader is load_report else row_by_row.record_receipts)(engine, receipts)
    return results


def _contents(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {table: [{k: v for k, v in row._mapping.items() if k != "processed_at"}
                        for row in connection.execute(select(models.metadata.tables[table]).order_by(text("id")))]
                for table in TABLES}


def test_bulk_writes_store_the_same_rows_as_the_row_by_row_load(
        empty_database_url: str, reference_url: str, registry: Registry, checked: list[Checked]) -> None:
    bulk, reference = make_engine(empty_database_url), make_engine(reference_url)
    try:
        results = _store(bulk, registry, checked, load_report)
        expected = _store(reference, registry, checked, row_by_row.load_report)
        stored, wanted = _contents(bulk), _contents(reference)
    finally:
        bulk.dispose()
        reference.dispose()
    assert results == expected
    assert {table: len(rows) for table, rows in stored.items()} == {table: len(rows) for table, rows in wanted.items()}
    for table in TABLES:
        assert stored[table] == wanted[table], table
    # what the comparison covered: rejected reports, second versions, a late older file, reruns, new measures
    submissions = stored["submission"]
    assert {row["status"] for row in submissions} >= {"accepted", "rejected", "superseded"}
    assert len(submissions) == len(checked) + len(checked[::3]) + 1
    assert sum(r.outcome == "already_loaded" for r in results) == len(checked)
    assert any(r.superseded_id is not None for r in results)
    assert len(stored["report_line"]) > 200 and len(stored["measure"]) > 20
    late = next(row for row in submissions if row["sha256"].startswith("0") and row["received_at"] < RECEIVED
                .replace(tzinfo=None))
    assert (late["version"], late["is_current"], late["status"]) == (1, False, "superseded")
