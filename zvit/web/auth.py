"""Who is signed in and what they may see: one-time links, sessions, roles, CSRF tokens and the request limit.

Policy:
- a link is a random 256-bit token sent once (mail, or printed by `zvit web link`); only its SHA-256 is stored;
  it opens one session, once, before it expires (`web_link_minutes`);
- a session is another random token in an HttpOnly cookie, stored hashed, valid `web_session_hours`;
- a form's CSRF token is derived from the session token (or, before sign-in, from a cookie of its own), so a page
  of another site cannot post a form on the user's behalf;
- requests for a link are limited per address and per client, so the page cannot be used to flood a mailbox.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from models.access import WebLink, WebLinkRequest, WebSession
from zvit.registry import Registry

DEPARTMENT, CONSOLIDATOR, OPERATOR = "department", "consolidator", "operator"
#: Link requests allowed per address, and per client, within LIMIT_WINDOW.
LIMIT_PER_ADDRESS = 3
LIMIT_PER_CLIENT = 20
LIMIT_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Principal:
    """A signed-in user: the role, the department (department role), the programs a consolidator sees."""

    role: str
    department: str | None = None
    programs: tuple[str, ...] = ()
    email: str | None = None
    #: the session's cookie token (never logged, never shown); the CSRF token is derived from it
    token: str = ""

    def sees_department(self, department: str | None, program: str | None) -> bool:
        """Whether this user may see a department's submissions for a program (None: any of its programs)."""
        if self.role == OPERATOR:
            return True
        if self.role == DEPARTMENT:
            return department is not None and department == self.department
        return program is not None and program in self.programs

    def sees_program(self, program: str) -> bool:
        """Whether this user may see a program's quarter and consolidated report."""
        return self.role == OPERATOR or (self.role == CONSOLIDATOR and program in self.programs)

    @property
    def csrf(self) -> str:
        """The token every form of this session carries."""
        return csrf_token(self.token)


def new_token() -> str:
    """A fresh random token for a URL or a cookie."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret: str) -> str:
    """The CSRF token that goes with a session (or pre-sign-in) cookie."""
    return hashlib.sha256(b"zvit-csrf\0" + secret.encode()).hexdigest()


def csrf_valid(secret: str | None, given: str | None) -> bool:
    """Whether a form's token belongs to the cookie it came with."""
    return bool(secret) and bool(given) and hmac.compare_digest(csrf_token(secret or ""), given or "")


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Grant:
    """Whom a link signs in as."""

    role: str
    department: str | None = None
    programs: tuple[str, ...] = ()
    email: str | None = None


def department_grant(registry: Registry, department: str) -> Grant:
    """A department's own role (KeyError when it is not registered)."""
    entry = registry.department(department)
    return Grant(DEPARTMENT, entry.code, (), entry.emails[0])


def consolidator_grant(registry: Registry, department: str) -> Grant | None:
    """The consolidator role of a department responsible for programs; None when it is responsible for none."""
    entry = registry.department(department)
    if not entry.responsible_for:
        return None
    return Grant(CONSOLIDATOR, entry.code, tuple(entry.responsible_for), entry.emails[0])


def grant_for_address(registry: Registry, email: str, role: str, *, operators: Sequence[str],
                      consolidators: Sequence[str]) -> Grant | None:
    """The grant an address may ask for by mail in a role, or None when that address has no such role."""
    address = email.strip().lower()
    if role == OPERATOR:
        return Grant(OPERATOR, email=address) if address in _lower(operators) else None
    # an address is one department's at most: the registry refuses one registered for two
    department = registry.department_at(address)
    if role == DEPARTMENT:
        return department_grant(registry, department.code) if department else None
    if address in _lower(consolidators):
        return Grant(CONSOLIDATOR, None, tuple(p.code for p in registry.programs), address)
    if department is None or not department.responsible_for:
        return None
    return Grant(CONSOLIDATOR, department.code, tuple(sorted(department.responsible_for)), address)


def _lower(addresses: Sequence[str]) -> set[str]:
    return {a.strip().lower() for a in addresses}


def issue_link(engine: Engine, grant: Grant, *, minutes: int, now: datetime | None = None) -> str:
    """A new one-time link token for the grant (only its hash is stored)."""
    token = new_token()
    moment = _now(now)
    with Session(engine) as session, session.begin():
        session.add(WebLink(token_sha256=token_hash(token), role=grant.role, department_code=grant.department,
                            programs=",".join(grant.programs), email=grant.email, created_at=moment,
                            expires_at=moment + timedelta(minutes=minutes)))
    return token


def link_usable(engine: Engine, token: str, *, now: datetime | None = None) -> bool:
    """Whether a link token would still sign in (it exists, is unused and has not expired); nothing changes."""
    with Session(engine) as session:
        row = session.scalars(select(WebLink).where(col(WebLink.token_sha256) == token_hash(token))).first()
        return row is not None and row.used_at is None and row.expires_at > _now(now)


def use_link(engine: Engine, token: str, *, session_hours: int, now: datetime | None = None) -> str | None:
    """Spend a link and open a session: the new session token, or None when the link is unknown, used or expired.

    The link is marked used by one conditional UPDATE, so two browsers racing with the same link open one
    session between them.
    """
    moment = _now(now)
    digest = token_hash(token)
    with Session(engine) as session, session.begin():
        spent = session.execute(update(WebLink).where(col(WebLink.token_sha256) == digest,
                                                      col(WebLink.used_at).is_(None),
                                                      col(WebLink.expires_at) > moment).values(used_at=moment))
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            return None
        link = session.scalars(select(WebLink).where(col(WebLink.token_sha256) == digest)).one()
        session_token = new_token()
        session.add(WebSession(token_sha256=token_hash(session_token), role=link.role,
                               department_code=link.department_code, programs=link.programs, email=link.email,
                               created_at=moment, expires_at=moment + timedelta(hours=session_hours)))
    return session_token


def principal(engine: Engine, session_token: str | None, *, now: datetime | None = None) -> Principal | None:
    """The user a session cookie belongs to, or None (no cookie, unknown, signed out or expired)."""
    if not session_token:
        return None
    with Session(engine) as session:
        row = session.scalars(select(WebSession).where(col(WebSession.token_sha256) == token_hash(session_token)))\
            .first()
        if row is None or row.ended_at is not None or row.expires_at <= _now(now):
            return None
        programs = tuple(p for p in row.programs.split(",") if p)
        return Principal(row.role, row.department_code, programs, row.email, session_token)


def end_session(engine: Engine, session_token: str, *, now: datetime | None = None) -> None:
    """Sign out: the cookie opens nothing any more."""
    with Session(engine) as session, session.begin():
        session.execute(update(WebSession).where(col(WebSession.token_sha256) == token_hash(session_token))
                        .values(ended_at=_now(now)))


def allow_request(engine: Engine, keys: Sequence[tuple[str, int]], *, now: datetime | None = None) -> bool:
    """Count one link request under each key (an address, a client) unless one of them is over its limit."""
    moment = _now(now)
    since = moment - LIMIT_WINDOW
    hashed = [(token_hash(key), limit) for key, limit in keys]
    with Session(engine) as session, session.begin():
        session.execute(delete(WebLinkRequest).where(col(WebLinkRequest.requested_at) < since))
        for digest, limit in hashed:
            count = session.scalar(select(func.count()).select_from(WebLinkRequest).where(
                col(WebLinkRequest.key_sha256) == digest, col(WebLinkRequest.requested_at) >= since)) or 0
            if count >= limit:
                return False
        session.add_all(WebLinkRequest(key_sha256=digest, requested_at=moment) for digest, _ in hashed)
    return True
