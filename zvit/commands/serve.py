"""`zvit serve`: the deployments of prefect.yaml served from this process (no work pool needed)."""

from __future__ import annotations

import argparse

from zvit.cli import ExitCode


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `serve` to the command line."""
    parser = subparsers.add_parser(
        "serve", help="serve the deployments from one process (PREFECT_API_URL), as <name>-served",
        description="Serves the deployments of prefect.yaml (but the sharded pair, which needs a work pool) as "
                    "<name>-served, so a work pool's deployments of prefect.yaml on the same server keep working. "
                    "When it stops, Prefect pauses the served deployments and their schedules until it is started "
                    "again.")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from zvit.settings import Settings

    # Every flow run reads the settings again; a bad ZVIT_* value is refused here, once, not in every run.
    Settings.load()
    from flows.serve import SUFFIX, deployments, scheduled_on_a_pool, serve_all

    on_a_pool = scheduled_on_a_pool()
    found = deployments(unscheduled=on_a_pool)
    for name in sorted(on_a_pool):
        print(f"zvit serve: {name}{SUFFIX} is served without a schedule: the work pool's {name} already runs on it")
    print(f"zvit serve: serving {', '.join(d.name for d in found)}; when zvit serve stops, Prefect pauses them "
          "and their schedules until it is started again", flush=True)
    serve_all(found)
    return ExitCode.OK
