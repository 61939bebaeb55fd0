"""Serving every deployment of prefect.yaml from one process: a single machine with no work pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from prefect import serve
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"


def deployments(path: Path = PREFECT_YAML) -> list[Any]:
    """The deployments of prefect.yaml as runner deployments, with their names, parameters and schedules."""
    root = path.parent
    found = []
    for spec in yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]:
        file, _, name = spec["entrypoint"].partition(":")
        flow = load_flow_from_entrypoint(f"{root / file}:{name}")
        schedules = [CronSchedule(cron=s["cron"], timezone=s.get("timezone")) for s in spec.get("schedules", [])]
        found.append(flow.to_deployment(name=spec["name"], description=spec.get("description"),
                                        parameters=spec.get("parameters", {}), schedules=schedules))
    return found


def serve_all(path: Path = PREFECT_YAML) -> None:
    """Register the deployments and run their flow runs (scheduled, or started from the UI) until stopped."""
    serve(*deployments(path))
