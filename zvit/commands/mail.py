"""`zvit mail`: (being built)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `mail` to the command line (not yet)."""
