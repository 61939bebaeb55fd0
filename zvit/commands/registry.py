"""`zvit registry check|load`: validate the YAML registry, or write it into the warehouse."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from zvit.cli import ExitCode
from zvit.commands._database import reports_errors

if TYPE_CHECKING:
    from zvit.registry import Registry


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `registry check` and `registry load` to the command line."""
    parser = subparsers.add_parser("registry", help="programs, decisions, departments and the calendar (YAML)")
    commands = parser.add_subparsers(dest="registry_command", required=True, metavar="ACTION")
    for name, run, text in (("check", run_check, "validate the registry files"),
                            ("load", run_load, "validate, then write the registry into the warehouse")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--path", type=Path, default=None, metavar="DIR",
                             help="registry directory (default: ZVIT_REGISTRY_DIR or the shipped registry/)")
        command.set_defaults(func=run)


def _read(directory: Path) -> Registry | None:
    from zvit.registry.validate import read_registry

    registry, problems = read_registry(directory)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"zvit: {directory}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the registry",
              file=sys.stderr)
    return registry


def _summary(registry: Registry) -> str:
    counts = (("program", len(registry.programs)), ("decision", len(registry.decisions)),
              ("department", len(registry.departments)), ("period", len(registry.periods())))
    return ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for what, n in counts)


@reports_errors
def run_check(args: argparse.Namespace) -> int:
    """Print every problem as `file:line: message`; exit 2 if there is any."""
    from zvit.settings import Settings

    directory = args.path or Settings.load().registry_dir
    registry = _read(directory)
    if registry is None:
        return ExitCode.INPUT
    print(f"{directory}: registry is valid ({_summary(registry)})")
    return ExitCode.OK


@reports_errors
def run_load(args: argparse.Namespace) -> int:
    """Load a valid registry into ZVIT_DATABASE_URL (idempotent); nothing is written if it has problems."""
    from zvit.settings import Settings
    from zvit.warehouse import display_url, make_engine, sync_registry

    settings = Settings.load()
    directory = args.path or settings.registry_dir
    registry = _read(directory)
    if registry is None:
        return ExitCode.INPUT
    engine = make_engine(settings.database_url)
    try:
        sync_registry(engine, registry, timezone=settings.timezone)
    finally:
        engine.dispose()
    print(f"{display_url(engine)}: registry loaded from {directory} ({_summary(registry)})")
    return ExitCode.OK

