"""The `zvit` command line: each sub-command lives in its own module under `zvit.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from zvit.errors import ZvitError

#: Modules that each expose `register(subparsers)`; a sub-command sets `func(args) -> int`.
COMMAND_MODULES: tuple[str, ...] = (
    "zvit.commands.parse",
    "zvit.commands.registry",
    "zvit.commands.db",
    "zvit.commands.load",
    "zvit.commands.report",
    "zvit.commands.validate",
    "zvit.commands.remind",
    "zvit.commands.run",
    "zvit.commands.example",
    "zvit.commands.serve",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(prog="zvit", description="Quarterly reports on city target programs.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command and return its exit code; a user's error is one line on stderr, exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ZvitError as error:
        print(f"zvit: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
