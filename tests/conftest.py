"""Shared fixtures: the bundled seed export and the fixture files generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from zvit.intake import read_reports
from zvit.model import Report
from zvit.samples.seed import write_fixtures

pytest_plugins = [
    "tests.warehouse_fixtures", "tests.report_fixtures", "tests.prefect_fixtures", "tests.smtp_fixtures",
]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "zhytomyr-efficient-government-2022-9m.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The three real department reports (Zhytomyr, 9 months of 2022) as exported to text."""
    return SEED


@pytest.fixture(scope="session")
def seed_reports(seed_path: Path) -> list[Report]:
    """The seed's three reports, parsed."""
    return read_reports(seed_path)


@pytest.fixture(scope="session")
def seed_fixtures(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> dict[str, list[Path]]:
    """Each seed report written by our generator as .docx, .xlsx and Windows-1251 CSV."""
    return write_fixtures(seed_path, tmp_path_factory.mktemp("seed-fixtures"))
