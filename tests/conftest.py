"""Shared fixtures (the bundled seed export and the fixture files generated from it), the `slow` tier, and the
rule that nothing may be skipped when ZVIT_TESTS_REQUIRE_ALL is set (see tests/tools.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tools import REQUIRE_ALL, require_all
from zvit.intake import read_reports
from zvit.model import Report
from zvit.samples.seed import write_fixtures

pytest_plugins = [
    "tests.warehouse_fixtures", "tests.report_fixtures", "tests.prefect_fixtures", "tests.smtp_fixtures",
    "tests.web_fixtures",
    "tests.imap_fixtures",
]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "zhytomyr-efficient-government-2022-9m.txt"

# The fast tier, `./run test -m "not slow"`, runs in under a minute on a 2-core machine; the whole suite takes
# about ten. A test is slow when it starts a server or a process (Prefect, PostgreSQL, Chromium, `zvit` on the
# command line, a process pool) or takes more than about a second. Slow are, besides `@pytest.mark.slow`:

#: every test of these modules (what they start, or why they take long)
SLOW_MODULES = {
    "test_bench_generate",  # generates whole quarters of files
    "test_fates",  # `zvit run` in a process of its own
    "test_flows",  # the flows on Prefect's temporary server
    "test_hostile_bounds",  # each hostile file in a process of its own, under time and memory limits
    "test_intake_fuzz",  # many damaged Word and Excel files
    "test_prefect_server",  # `prefect server start` and a retry from its API
    "test_quarter_render",  # renders the seed quarter in every format, the PDF included
    "test_report_browser",  # headless Chromium
    # their session fixtures render the report in every format, the PDF included: seconds before the first test
    "test_report_escaping", "test_report_formats", "test_report_pdf",
    "test_report_pdf_parts",  # 3,000-line reports typeset in parts
    "test_run_crash",  # `zvit run` killed and run again
    "test_scale_workers",  # a generated quarter over two Prefect workers
    "test_secrets",  # Prefect, PostgreSQL and SMTP servers, `zvit run` six times
    "test_typeset",  # Typst in processes of its own
    "test_warehouse_cli",  # `zvit load` into fresh warehouses, seconds each
    "test_warehouse_kill",  # a load killed mid-transaction in a process of its own
}
#: single tests of otherwise fast modules, "module::test" (every parametrization of it)
SLOW_TESTS = {
    "test_cli_errors::test_zvit_report_with_a_bad_overdue_max_exits_2_in_a_process_of_its_own",
    # retries a relay that is down
    "test_email_reminders::test_zvit_remind_without_a_relay_writes_the_outbox_and_exits_1_when_the_relay_is_down",
    "test_gate_no_cap::test_ten_thousand_failing_rows_of_one_rule_all_reach_their_findings",
    "test_header_fields::test_arbitrary_header_text_raises_only_our_own_errors",  # Hypothesis's examples
    "test_intake_errors::test_cli_reports_each_bad_file_in_one_line_and_reads_the_others",  # `zvit parse`
    # eighteen broken files built and taken through the pipeline into a warehouse
    "test_intake_errors::test_every_broken_file_is_explained_in_ukrainian_and_logged_in_english",
    "test_reading::test_a_process_pool_reads_the_same_reports_in_the_same_order_as_one_process",
    "test_report_cli::test_the_report_command_loads_nothing_heavy_at_start_up",  # a fresh Python
}
#: tests that use these fixtures need a server: Prefect's temporary one, or the session's PostgreSQL (which is
#: also every test marked `postgres`: the `postgresql` variant of each warehouse test)
SLOW_FIXTURES = {"prefect_harness", "postgres_server"}


def _is_slow(item: pytest.Item) -> bool:
    name = getattr(item, "originalname", item.name)
    return (item.path.stem in SLOW_MODULES or f"{item.path.stem}::{name}" in SLOW_TESTS
            or not SLOW_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
            or item.get_closest_marker("postgres") is not None)


def _stale_slow_entries() -> list[str]:
    """Entries of SLOW_MODULES and SLOW_TESTS that name no module or test any more (they would mark nothing)."""
    here = Path(__file__).parent
    stale = [module for module in SLOW_MODULES if not (here / f"{module}.py").is_file()]
    for entry in SLOW_TESTS:
        module, test = entry.split("::")
        path = here / f"{module}.py"
        if not path.is_file() or f"def {test}(" not in path.read_text(encoding="utf-8"):
            stale.append(entry)
    return sorted(stale)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow tests (explicit `@pytest.mark.slow` marks stay as they are)."""
    if stale := _stale_slow_entries():
        raise pytest.UsageError(f"tests/conftest.py names slow tests that do not exist: {', '.join(stale)}")
    for item in items:
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)


class NothingSkipped:
    """Under ZVIT_TESTS_REQUIRE_ALL (CI) a session that skipped any test fails, naming each skip and its reason."""

    def __init__(self) -> None:
        self.skipped: list[str] = []

    def _note(self, report: pytest.CollectReport | pytest.TestReport) -> None:
        # an expected failure (xfail) is reported as skipped too, but it ran
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            self.skipped.append(f"{report.nodeid}: {reason}")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._note(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self._note(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.skipped and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.skipped:
            terminalreporter.section(f"{REQUIRE_ALL} is set: nothing may be skipped", red=True, bold=True)
            for line in self.skipped:
                terminalreporter.line(line)
            terminalreporter.line(f"{len(self.skipped)} skipped, so the session fails", red=True)


def pytest_configure(config: pytest.Config) -> None:
    if require_all():
        config.pluginmanager.register(NothingSkipped(), "zvit-nothing-skipped")


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
