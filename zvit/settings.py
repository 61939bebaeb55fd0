"""Settings read from ZVIT_* environment variables, with defaults that work in a fresh directory."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, SecretStr

from zvit.resources import resource_dir

#: The registry shipped with zvit.
DEFAULT_REGISTRY_DIR = resource_dir("registry")

#: local@domain with a dotted domain, as the registry accepts them (its own check cannot be imported here:
#: zvit.registry imports this module)
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
                    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value) or ".." in value:
        raise ValueError(f"invalid email address {value!r}")
    return value


def _address_list(value: Any) -> Any:
    # ZVIT_OPERATOR_EMAILS="a@x.org, b@x.org": commas, semicolons or spaces between addresses
    return tuple(part for part in re.split(r"[,;\s]+", value) if part) if isinstance(value, str) else value


EmailAddress = Annotated[str, AfterValidator(_email)]
EmailList = Annotated[tuple[EmailAddress, ...], BeforeValidator(_address_list)]


class Settings(BaseModel):
    """Where the warehouse, the registry and the inbox are, the city's time zone, and how mail goes out."""

    model_config = ConfigDict(frozen=True)

    database_url: str = "sqlite:///zvit.db"
    registry_dir: Path = DEFAULT_REGISTRY_DIR
    timezone: str = "Europe/Kyiv"
    #: departments' files wait in <inbox_dir>/<period>/, e.g. inbox/2022-Q3/
    inbox_dir: Path = Path("inbox")
    #: consolidated reports go to <reports_dir>/<period>/
    reports_dir: Path = Path("reports")

    #: the quarterly run prints a program's report to PDF only up to this many report lines (0: always);
    #: `zvit report --format pdf` prints any size
    pdf_max_lines: int = Field(1500, ge=0)

    #: outgoing mail; with no smtp_host every message is written to <outbox_dir> as an .eml file instead
    smtp_host: str | None = None
    #: default by security: 465 for ssl, 587 for starttls, 25 for plain
    smtp_port: int | None = Field(None, ge=1, le=65535)
    smtp_security: Literal["ssl", "starttls", "plain"] = "starttls"
    smtp_username: str | None = None
    #: read from the environment only; SecretStr keeps it out of reprs, logs and error messages
    smtp_password: SecretStr | None = None
    smtp_from: EmailAddress = "zvit@example.org"
    smtp_timeout: float = Field(20.0, gt=0, le=300)
    outbox_dir: Path = Path("outbox")
    #: who gets the alerts when a run fails or crashes
    operator_emails: EmailList = ("zvit-operators@example.org",)
    #: who gets the digest after each quarterly run; empty: the program's responsible executors (registry)
    consolidator_emails: EmailList = ()
    #: a reminder this many days before the deadline, then overdue notices from the day after it,
    #: every overdue_repeat_days days, overdue_max of them at most
    reminder_days_before: int = Field(3, ge=0, le=60)
    overdue_repeat_days: int = Field(7, ge=1, le=365)
    overdue_max: int = Field(3, ge=0, le=50)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ZVIT_<FIELD> variables (ZVIT_DATABASE_URL, ZVIT_INBOX_DIR, ...); unset or empty: default."""
        env = os.environ if environ is None else environ
        values: dict[str, str] = {}
        for field in cls.model_fields:
            raw = env.get(f"ZVIT_{field.upper()}", "").strip()
            if raw:
                values[field] = raw
        return cls(**values)
