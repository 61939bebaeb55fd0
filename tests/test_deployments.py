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


def test_check_and_store_task_runs_without_a_prefect_server(warehouse_url: str, seed_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.load_inbox import check_and_store

    monkeypatch.setenv("ZVIT_DATABASE_URL", warehouse_url)
    lines = check_and_store.fn([seed_path], "2022-Q3", 1)
    assert lines == ["viddil-deputatskoi-diialnosti 2022-Q3: accepted_with_warnings",
                     "upravlinnia-zviazkiv 2022-Q3: accepted_with_warnings",
                     "upravlinnia-zvernen 2022-Q3: rejected"]
