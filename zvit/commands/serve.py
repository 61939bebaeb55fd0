"""`zvit serve`: every deployment of prefect.yaml served from this process (no work pool needed)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `serve` to the command line."""
    parser = subparsers.add_parser("serve", help="serve all deployments from one process (PREFECT_API_URL)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from flows.serve import serve_all

    serve_all()
    return 0
