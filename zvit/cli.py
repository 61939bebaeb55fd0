"""The `zvit` command line: each sub-command lives in its own module under `zvit.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from enum import IntEnum

from zvit.errors import ZvitError, printable

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
    "zvit.commands.web",
    "zvit.commands.mail",
)


class ExitCode(IntEnum):
    """What every command's exit code means."""

    #: done
    OK = 0
    #: done, but something is refused or left undone: a report rejected (`validate`; `run --strict`, with a
    #: department missing too), a notice not delivered yet (`remind`)
    REJECTED = 1
    #: the input cannot be used: an argument (argparse exits 2 too), a file, a ZVIT_* setting, the registry,
    #: the database; one line on stderr per problem
    INPUT = 2
    #: the run itself failed (orchestration, an unreachable warehouse mid-run, a bug): never the data
    RUN_FAILED = 3


def print_error(error: BaseException) -> None:
    """`zvit: <line>` on stderr for each line of the error's message (a SettingsError has one per variable)."""
    lines = str(error).splitlines() or [type(error).__name__]
    for line in lines:
        print(f"zvit: {printable(line)}", file=sys.stderr)


def print_os_error(error: OSError) -> None:
    """One line for a file the command could not read or write: which file, and why."""
    where = f"{error.filename}: " if error.filename is not None else ""
    print(f"zvit: {printable(where + (error.strerror or str(error)))}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(prog="zvit", description="Quarterly reports on city target programs.",
                                     epilog="Exit codes: 0 done, 1 a report rejected or a notice undelivered, "
                                            "2 bad input (arguments, files, ZVIT_* settings), 3 the run failed.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command and return its exit code; a user's error is one line on stderr, exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or ExitCode.OK)
    except ZvitError as error:
        print_error(error)
    except OSError as error:  # a folder that cannot be created, a file that cannot be written: the user's to fix
        print_os_error(error)
    return ExitCode.INPUT


if __name__ == "__main__":
    sys.exit(main())
