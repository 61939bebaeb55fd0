"""Report fixtures: the seed quarter in a warehouse (third report rejected by the gate) and its rendered files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from zvit.model import Report
from zvit.quality.gate import check_reports
from zvit.registry.resolve import resolve
from zvit.registry import Registry
from zvit.report import FORMATS
from zvit.formatting import HRYVNIAS, THOUSANDS
from zvit.report.gather import gather_report
from zvit.report.model import ConsolidatedReport
from zvit.report.write import write_report
from tests.loading import load_report
from zvit.quality.findings import Finding
from zvit.warehouse import LoadResult, make_engine, sync_registry, upgrade

KYIV = ZoneInfo("Europe/Kyiv")
PROGRAM, PERIOD = "efektyvna-vlada", "2022-Q3"
#: when each seed report arrived: the second one after the 10 October deadline
SEED_RECEIVED = (datetime(2022, 10, 7, 9, 30, tzinfo=KYIV), datetime(2022, 10, 12, 14, 5, tzinfo=KYIV),
                 datetime(2022, 10, 10, 16, 45, tzinfo=KYIV))
#: when the report is said to be prepared, so that rendered files do not depend on the clock
PREPARED_AT = datetime(2022, 10, 14, 11, 0, tzinfo=KYIV)
#: what a department may type into its cells
SCRIPT = '<script>alert("x")</script>'
HYPERLINK = '=HYPERLINK("http://evil.example/","Натисніть")'
PHONE = "+380 44 000 00 00"
AT_SUM = "@SUM(1+1)"
DASHES = "- перший пункт\n- другий пункт"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def seed_gate_findings(seed_reports: list[Report], registry: Registry) -> list[list[Finding]]:
    """What the data-quality gate finds in each seed report: the third one cites wrong decisions."""
    return check_reports(seed_reports, [resolve(r, registry) for r in seed_reports], registry=registry, period=PERIOD)


def load_seed_quarter(engine: Engine, reports: list[Report], findings: list[list[Finding]]) -> list[LoadResult]:
    """Load the three seed reports as received, each with the gate's findings."""
    return [load_report(engine, report, sha256=f"{number:064x}", received_at=received, findings=found)
            for number, (report, received, found) in enumerate(zip(reports, SEED_RECEIVED, findings), start=1)]


@pytest.fixture
def seed_quarter(warehouse: Engine, seed_reports: list[Report],
                 seed_gate_findings: list[list[Finding]]) -> Engine:
    """A fresh warehouse (SQLite, then PostgreSQL) holding the seed quarter."""
    load_seed_quarter(warehouse, seed_reports, seed_gate_findings)
    return warehouse


@pytest.fixture(scope="session")
def seed_quarter_url(tmp_path_factory: pytest.TempPathFactory, registry: Registry, seed_reports: list[Report],
                     seed_gate_findings: list[list[Finding]]) -> str:
    """A SQLite warehouse with the seed quarter, shared by the rendering tests (which only read it)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report-warehouse') / 'warehouse.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        sync_registry(engine, registry, timezone="Europe/Kyiv")
        load_seed_quarter(engine, seed_reports, seed_gate_findings)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def seed_quarter_engine(seed_quarter_url: str) -> Iterator[Engine]:
    """An engine on the shared seed-quarter warehouse."""
    engine = make_engine(seed_quarter_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seed_report(seed_quarter_engine: Engine, registry: Registry) -> ConsolidatedReport:
    """The seed quarter's consolidated report, as gathered from the warehouse, signed as the registry says."""
    return gather_report(seed_quarter_engine, program=PROGRAM, period=PERIOD, timezone="Europe/Kyiv",
                         prepared_at=PREPARED_AT, registry=registry)


@pytest.fixture(scope="session")
def rendered(seed_report: ConsolidatedReport, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every format of the seed report in the official unit (тис. грн), written once per session."""
    return write_report(seed_report, tmp_path_factory.mktemp("report-thousands"), FORMATS, unit=THOUSANDS)


@pytest.fixture(scope="session")
def rendered_grn(seed_report: ConsolidatedReport, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every format of the seed report in hryvnias with kopecks, written once per session."""
    return write_report(seed_report, tmp_path_factory.mktemp("report-grn"), FORMATS, unit=HRYVNIAS)


@pytest.fixture(scope="session")
def hostile_report(seed_reports: list[Report]) -> Report:
    """The first seed report with dangerous text in its cells, and control characters a Word export leaves."""
    base = seed_reports[0]
    rows = list(base.rows)
    rows[0] = rows[0].model_copy(update={"content": SCRIPT, "info": "табуляція\x0bновий рядок\x01кінець"})
    rows[1] = rows[1].model_copy(update={"task": HYPERLINK})
    rows[2] = rows[2].model_copy(update={"info": PHONE})
    rows[3] = rows[3].model_copy(update={"executors": AT_SUM})
    rows[4] = rows[4].model_copy(update={"content": DASHES})
    return base.model_copy(update={"rows": tuple(rows)})


@pytest.fixture(scope="session")
def hostile_files(tmp_path_factory: pytest.TempPathFactory, registry: Registry,
                  hostile_report: Report) -> dict[str, Path]:
    """Every format of a report whose department typed markup and formulas, written once."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile-warehouse') / 'warehouse.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        sync_registry(engine, registry, timezone="Europe/Kyiv")
        load_report(engine, hostile_report, sha256="b" * 64, received_at=datetime(2022, 10, 7, 9, 0, tzinfo=KYIV),
                    findings=[Finding(rule_code="ROW-TEXT", severity="warning", row=22, column="3",
                                           value=IMG, expected="a & b", message=f"Текст {SCRIPT} у клітинці.")])
        report = gather_report(engine, program=PROGRAM, period=PERIOD, timezone="Europe/Kyiv",
                               prepared_at=PREPARED_AT)
    finally:
        engine.dispose()
    return write_report(report, tmp_path_factory.mktemp("hostile-report"), FORMATS, unit=THOUSANDS)
