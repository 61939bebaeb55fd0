"""`zvit db upgrade` / `zvit db current`: the warehouse schema (tables by migration, views from sql/)."""

from __future__ import annotations

import argparse

from zvit.cli import ExitCode
from zvit.commands._database import reports_errors


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `db` and its sub-commands to the command line."""
    parser = subparsers.add_parser("db", help="create or upgrade the warehouse (ZVIT_DATABASE_URL)")
    commands = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = commands.add_parser("upgrade", help="run migrations to the newest revision and (re)create the views")
    up.add_argument("--revision", default="head", help="target revision (default: head)")
    up.set_defaults(func=run_upgrade)
    current = commands.add_parser("current", help="show the revision the database is at")
    current.set_defaults(func=run_current)


@reports_errors
def run_upgrade(args: argparse.Namespace) -> int:
    """Upgrade the database named by ZVIT_DATABASE_URL."""
    from zvit.settings import Settings
    from zvit.warehouse import current_revision, display_url, head_revision, make_engine, upgrade

    engine = make_engine(Settings.load().database_url)
    try:
        before = current_revision(engine)
        after = upgrade(engine, args.revision)
    finally:
        engine.dispose()
    change = "already at" if before == after else f"upgraded from {before or 'an empty database'} to"
    print(f"{display_url(engine)}: {change} revision {after}{' (head)' if after == head_revision() else ''}")
    return ExitCode.OK


@reports_errors
def run_current(args: argparse.Namespace) -> int:
    """Print the database's revision and whether it is the newest."""
    from zvit.settings import Settings
    from zvit.warehouse import current_revision, display_url, head_revision, make_engine

    engine = make_engine(Settings.load().database_url)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    state = "head" if revision == head else f"behind head {head}: run `zvit db upgrade`"
    print(f"{display_url(engine)}: revision {revision or 'none (empty database)'} ({state})")
    return ExitCode.OK
