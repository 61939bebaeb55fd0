"""Serving the deployments of prefect.yaml from one process: a single machine with no work pool.

Served deployments are named `<name>-served`. The same server may also hold the deployments `prefect deploy --all`
registered for the work pool, under prefect.yaml's names: a deployment served under one of those names would
replace the pool's, and the worker's runs of it would find no code to run (`FileNotFoundError: '.../None'`).
With their own names both work. A served deployment whose pool twin already runs on a schedule is served without
one: one schedule, so one quarterly run and one digest.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml
from prefect import serve
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint

from zvit.errors import ZvitError

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"
#: What a served deployment's name ends with, after the name prefect.yaml gives it.
SUFFIX = "-served"
#: Deployments only a work pool runs: the sharded collection hands its shards to the pool's `load-files`
#: deployment, and one process serving both would only do what quarterly-collection does, with more processes.
POOL_ONLY = frozenset({"quarterly-collection-sharded", "load-files"})


def served_specs(path: Path = PREFECT_YAML) -> list[tuple[dict[str, Any], Any]]:
    """prefect.yaml's deployments that `zvit serve` serves, each with its flow."""
    root = path.parent
    found: list[tuple[dict[str, Any], Any]] = []
    for spec in yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]:
        if spec["name"] in POOL_ONLY:
            continue
        file, _, name = spec["entrypoint"].partition(":")
        found.append((spec, load_flow_from_entrypoint(f"{root / file}:{name}")))
    return found


def deployments(path: Path = PREFECT_YAML, *, unscheduled: Collection[str] = ()) -> list[Any]:
    """The served deployments as runner deployments, named `<name>-served`, with prefect.yaml's parameters and
    schedules; those whose prefect.yaml name is in `unscheduled` get no schedule."""
    found: list[Any] = []
    for spec, flow in served_specs(path):
        schedules = [] if spec["name"] in unscheduled else [
            CronSchedule(cron=s["cron"], timezone=s.get("timezone")) for s in spec.get("schedules", [])]
        found.append(flow.to_deployment(name=spec["name"] + SUFFIX, description=spec.get("description"),
                                        parameters=spec.get("parameters", {}), schedules=schedules))
    return found


def scheduled_on_a_pool(path: Path = PREFECT_YAML) -> set[str]:
    """prefect.yaml's names of the served deployments the server holds for a work pool with an active schedule."""
    import httpx
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL

    found: set[str] = set()
    try:
        with get_client(sync_client=True) as client:
            for spec, flow in served_specs(path):
                if not spec.get("schedules"):
                    continue
                try:
                    twin = client.read_deployment_by_name(f"{flow.name}/{spec['name']}")
                except ObjectNotFound:
                    continue
                if twin.work_pool_name and not twin.paused and any(s.active for s in twin.schedules):
                    found.add(spec["name"])
    except httpx.HTTPError as error:
        where = PREFECT_API_URL.value() or "the temporary Prefect server"
        raise ZvitError(f"the Prefect API at {where} cannot be reached: {error}") from None
    return found


def serve_all(found: list[Any]) -> None:
    """Register the deployments and run their flow runs (scheduled, or started from the UI) until stopped; when it
    stops, Prefect pauses them, schedules included, until they are served again."""
    serve(*found)
