"""Starting a deployed quarterly run through the Prefect API (the portal's «run the quarter» button)."""

from __future__ import annotations

from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound

#: prefect.yaml's deployment, then its twin that `zvit serve` registers on a single machine.
QUARTERLY = ("collect-quarter/quarterly-collection", "collect-quarter/quarterly-collection-served")


def start_quarterly_run(period: str) -> str:
    """Schedule the quarterly collection of a period now and return the flow run's id; it runs on a worker (or
    `zvit serve`), this call does not wait for it."""
    for name in QUARTERLY:
        try:
            run = run_deployment(name, parameters={"period": period}, timeout=0)
        except ObjectNotFound:
            continue
        assert isinstance(run, FlowRun)  # called outside an event loop, run_deployment runs to its result
        return str(run.id)
    raise LookupError(f"no deployment {' or '.join(QUARTERLY)} on the Prefect server")
