"""`zvit web`: the department portal; `zvit web link WHO`: a one-time sign-in link for an office without mail."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from zvit.cli import ExitCode
from zvit.commands._database import reports_errors

if TYPE_CHECKING:
    from zvit.registry import Registry
    from zvit.settings import Settings
    from zvit.web.auth import Grant

ROLES = ("department", "consolidator", "operator")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `web` to the command line."""
    parser = subparsers.add_parser(
        "web", help="the department portal: upload and see the verdict at once; the consolidator's quarter",
        description="Serves the portal on ZVIT_WEB_HOST:ZVIT_WEB_PORT (behind a proxy: ZVIT_WEB_ROOT_PATH, "
                    "ZVIT_WEB_BASE_URL). With PREFECT_API_URL set, «run the quarter» starts the deployment there.")
    parser.set_defaults(func=serve)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("serve", help="serve the portal (the default)").set_defaults(func=serve)
    link = actions.add_parser(
        "link", help="print a one-time sign-in link (for an office without reliable mail)",
        description="WHO is a department's code (registry/departments.yaml), or an email address for an operator "
                    "or a consolidator named in ZVIT_CONSOLIDATOR_EMAILS. The link works once, for "
                    "ZVIT_WEB_LINK_MINUTES minutes.")
    link.add_argument("who", metavar="WHO", help="a department code, or an email address")
    link.add_argument("--role", choices=ROLES, default="department",
                      help="department (default): its own submissions; consolidator: every department of the "
                           "programs the department is responsible for; operator: everything")
    link.set_defaults(func=print_link)


@reports_errors
def print_link(args: argparse.Namespace) -> int:
    """Issue a link and print it."""
    from zvit.errors import ZvitError
    from zvit.registry import load_registry
    from zvit.settings import Settings
    from zvit.warehouse import make_engine
    from zvit.warehouse.schema import ensure_schema
    from zvit.web import auth
    from zvit.web.mail import link_url

    settings = Settings.load()
    registry = load_registry(settings.registry_dir)
    grant = _grant(args.who, args.role, registry, settings)
    if grant is None:
        raise ZvitError(f"{args.who}: no {args.role} of that name (a department code from the registry, or for "
                        "a consolidator an address in ZVIT_CONSOLIDATOR_EMAILS)")
    engine = make_engine(settings.database_url)
    try:
        ensure_schema(engine)
        token = auth.issue_link(engine, grant, minutes=settings.web_link_minutes)
    finally:
        engine.dispose()
    until = datetime.now(UTC) + timedelta(minutes=settings.web_link_minutes)
    print(link_url(settings.web_base_url, token))
    print(f"zvit: a {grant.role} link{f' for {grant.department}' if grant.department else ''}, once, until "
          f"{until:%Y-%m-%d %H:%M} UTC", file=sys.stderr)
    return ExitCode.OK


def _grant(who: str, role: str, registry: Registry, settings: Settings) -> Grant | None:
    from zvit.web import auth

    if role == auth.OPERATOR:
        return auth.Grant(auth.OPERATOR, email=who) if "@" in who else None
    if "@" in who:
        return auth.grant_for_address(registry, who, role, operators=settings.operator_emails,
                                      consolidators=settings.consolidator_emails)
    try:
        return auth.department_grant(registry, who) if role == auth.DEPARTMENT \
            else auth.consolidator_grant(registry, who)
    except KeyError:
        return None


@reports_errors
def serve(args: argparse.Namespace) -> int:
    """Serve the portal until interrupted."""
    import uvicorn

    from zvit.notify.transport import transport_from_settings
    from zvit.registry import load_registry
    from zvit.settings import Settings
    from zvit.warehouse import make_engine, sync_registry
    from zvit.warehouse.schema import ensure_schema
    from zvit.web import Portal, create_app

    settings = Settings.load()
    registry = load_registry(settings.registry_dir)
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    # every registered department is on the quarter's page from the start, before any file is stored
    sync_registry(engine, registry, timezone=settings.timezone)
    _access_log()
    portal = Portal(settings=settings, registry=registry, engine=engine,
                    transport=transport_from_settings(settings),
                    prefect_api_url=os.environ.get("PREFECT_API_URL") or None)
    print(f"zvit web: serving on http://{settings.web_host}:{settings.web_port}{settings.web_root_path} "
          f"(people open {settings.web_base_url})", file=sys.stderr, flush=True)
    try:
        # uvicorn's own access log prints whole paths, sign-in links included: the portal logs requests itself
        uvicorn.run(create_app(portal), host=settings.web_host, port=settings.web_port,
                    access_log=False, log_level="warning",
                    proxy_headers=True)  # X-Forwarded-* trusted from FORWARDED_ALLOW_IPS (uvicorn: 127.0.0.1)
    finally:
        engine.dispose()
    return ExitCode.OK


def _access_log() -> None:
    """One JSON line per request on stdout (zvit.web.access), and zvit's warnings on stderr."""
    access = logging.getLogger("zvit.web.access")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
