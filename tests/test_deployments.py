"""Every deployment in prefect.yaml points at a flow that exists and accepts its parameters."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENTS = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]


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


def test_the_quarterly_schedule_runs_the_day_after_the_deadline_in_kyiv() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from prefect.server.schemas.schedules import CronSchedule

    (schedule,) = next(d for d in DEPLOYMENTS if d["name"] == "quarterly-collection")["schedules"]
    cron = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    kyiv = ZoneInfo("Europe/Kyiv")
    # The server computes the dates the scheduler will create runs for.
    runs = sorted(cron._get_dates_generator(n=4, start=datetime(2022, 9, 1, tzinfo=kyiv)))
    assert [(run.astimezone(kyiv).date().isoformat(), run.astimezone(kyiv).hour) for run in runs] == [
        ("2022-10-11", 8), ("2023-01-11", 8), ("2023-04-11", 8), ("2023-07-11", 8)]


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
