"""Who may sign in to `zvit web`: one-time links and sessions (tables added with revision 0003).

Only a token's SHA-256 is kept: a copy of the database signs nobody in. The role and its scope are fixed when the
link is issued and copied to the session it opens.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index
from sqlmodel import Field

from models.base import WarehouseModel

#: department: its own submissions; consolidator: every department of the programs it consolidates;
#: operator: everything.
ROLES: tuple[str, ...] = ("department", "consolidator", "operator")


def _roles(column: str) -> str:
    return f"{column} IN ({', '.join(repr(role) for role in ROLES)})"


class WebLink(WarehouseModel, table=True):
    """A one-time sign-in link: its token's hash, whom it signs in as, until when, and when it was used."""

    __tablename__ = "web_link"
    __table_args__ = (CheckConstraint(_roles("role"), name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=20)
    #: the department signed in as (department role), or whose responsibility a consolidator holds
    department_code: str | None = Field(default=None, max_length=80)
    #: the programs a consolidator sees, comma-separated; empty for a department or an operator
    programs: str = ""
    #: the address the link was sent to (or the operator's note of who asked for it)
    email: str | None = None
    created_at: datetime = Field(sa_type=DateTime())
    expires_at: datetime = Field(sa_type=DateTime())
    used_at: datetime | None = Field(default=None, sa_type=DateTime())


class WebSession(WarehouseModel, table=True):
    """A signed-in browser: its cookie's hash, the role and scope the link gave it, until when."""

    __tablename__ = "web_session"
    __table_args__ = (CheckConstraint(_roles("role"), name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=20)
    department_code: str | None = Field(default=None, max_length=80)
    programs: str = ""
    email: str | None = None
    created_at: datetime = Field(sa_type=DateTime())
    expires_at: datetime = Field(sa_type=DateTime())
    #: set when the user signs out: the cookie no longer opens anything
    ended_at: datetime | None = Field(default=None, sa_type=DateTime())


class WebLinkRequest(WarehouseModel, table=True):
    """One request for a sign-in link, for the rate limit: by whom (a hash of the address or of the client)."""

    __tablename__ = "web_link_request"
    __table_args__ = (Index("ix_web_link_request_key_requested_at", "key_sha256", "requested_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key_sha256: str = Field(max_length=64)
    requested_at: datetime = Field(sa_type=DateTime())
