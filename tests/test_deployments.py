"""Every deployment in prefect.yaml points at a flow that exists and accepts its parameters, its schedules follow the
registry's calendar, and `zvit serve` serves them under names of its own."""

from __future__ import annotations

import importlib.util
import inspect
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from zvit.registry import ReportingPeriod, load_registry
from zvit.registry.periods import default_deadline
from zvit.settings import DEFAULT_REGISTRY_DIR, Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENTS = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
KYIV = ZoneInfo("Europe/Kyiv")


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=[d["name"] for d in DEPLOYMENTS])
def test_deployment_entrypoint_loads_a_flow_that_takes_its_parameters(deployment: dict) -> None:
    from prefect import Flow

    file, _, name = deployment["entrypoint"].partition(":")
    spec = importlib.util.spec_from_file_location(f"entrypoint_{deployment['name']}", ROOT / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    flow = getattr(module, name)
    assert isinstance(flow, Flow)
    signature = inspect.signature(flow.fn)
    assert set(deployment.get("parameters", {})) <= set(signature.parameters)
    assert deployment["description"].strip()
    # Issue 13: the UI's run form describes every parameter, and none is a str/None toggle.
    properties = flow.parameters.model_dump()["properties"]
    assert set(properties) == set(signature.parameters)
    for name, schema in properties.items():
        assert schema.get("description", "").strip(), f"{deployment['name']}: {name} has no description"
        assert "anyOf" not in schema, f"{deployment['name']}: {name} is optional (a toggle in the form)"


def _runs(deployment: str, start: date, count: int) -> list[datetime]:
    """The next `count` run times of a deployment's schedule from `start`, in Kyiv, as the server computes them."""
    from prefect.server.schemas.schedules import CronSchedule

    (schedule,) = next(d for d in DEPLOYMENTS if d["name"] == deployment)["schedules"]
    cron = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    first = datetime.combine(start, time(0), tzinfo=KYIV)
    return sorted(run.astimezone(KYIV) for run in cron._get_dates_generator(n=count, start=first))


def _deadlines(year: int) -> list[date]:
    """The registry calendar's rule for the four periods whose deadlines fall in `year` (overrides aside)."""
    calendar = load_registry(DEFAULT_REGISTRY_DIR).calendar
    periods = [ReportingPeriod(year - 1, 4), *(ReportingPeriod(year, quarter) for quarter in (1, 2, 3))]
    return [default_deadline(period, day=calendar.deadline_day, months_after=calendar.months_after_quarter)
            for period in periods]


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_quarterly_schedule_runs_the_day_after_the_registry_deadline_in_kyiv(year: int) -> None:
    expected = [(deadline + timedelta(days=1), 8) for deadline in _deadlines(year)]
    assert [(run.date(), run.hour) for run in _runs("quarterly-collection", date(year, 1, 1), 4)] == expected


def test_the_reminders_run_every_day_from_the_first_reminder_to_the_last_overdue_notice() -> None:
    settings = Settings()
    for deadline in _deadlines(2023):
        first = deadline - timedelta(days=settings.reminder_days_before)
        last = deadline + timedelta(days=1 + (settings.overdue_max - 1) * settings.overdue_repeat_days)
        due = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        assert [run.date() for run in _runs("late-department-reminders", first, len(due))] == due


def test_the_sharded_collection_runs_its_shards_as_a_deployment_declared_here() -> None:
    from flows.shard import LOAD_FILES, load_files

    flow_name, _, name = LOAD_FILES.partition("/")
    (shard,) = [d for d in DEPLOYMENTS if d["name"] == name]
    assert shard["entrypoint"] == "flows/shard.py:load_files" and load_files.name == flow_name
    assert shard["work_pool"]["name"] == "process"


def test_only_one_deployment_collects_the_quarter_on_a_schedule() -> None:
    # Both would store each file once, but each run sends its own digest: two schedules, two digests.
    collecting = {d["name"]: bool(d.get("schedules")) for d in DEPLOYMENTS if "collect_quarter" in d["entrypoint"]}
    assert collecting == {"quarterly-collection": True, "quarterly-collection-sharded": False}


def test_zvit_serve_names_its_deployments_apart_from_the_work_pools() -> None:
    from flows.serve import POOL_ONLY, deployments

    served = {d.name: d for d in deployments()}
    assert set(served) == {f"{d['name']}-served" for d in DEPLOYMENTS if d["name"] not in POOL_ONLY}
    assert all(d.work_pool_name is None for d in served.values())
    assert [s.schedule.cron for s in served["quarterly-collection-served"].schedules] == ["0 8 11 1,4,7,10 *"]


def test_zvit_serve_leaves_a_schedule_to_the_work_pools_deployment_that_has_it() -> None:
    from flows.serve import deployments

    served = {d.name: d for d in deployments(unscheduled={"quarterly-collection"})}
    assert served["quarterly-collection-served"].schedules == []
    assert len(served["late-department-reminders-served"].schedules) == 1
