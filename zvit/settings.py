"""Settings from ZVIT_* environment variables (or a `.env` file), with defaults that work in a fresh directory.

An entry point (a command, a flow) calls `Settings.load()` once and passes the values down; library code takes
them as arguments and never reads the environment. `Settings(...)` itself reads nothing: exactly the values given,
defaults for the rest (what tests want). A value zvit cannot use is a `SettingsError`: one line per variable,
naming it and the form it expects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextvars import ContextVar
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from zvit.addresses import EmailAddress
from zvit.errors import SettingsError
from zvit.resources import resource_dir

__all__ = ["DEFAULT_REGISTRY_DIR", "ENV_PREFIX", "Settings", "SettingsError"]

#: The registry shipped with zvit.
DEFAULT_REGISTRY_DIR = resource_dir("registry")
#: Every setting is the variable ZVIT_<FIELD>: ZVIT_DATABASE_URL, ZVIT_OVERDUE_MAX, ...
ENV_PREFIX = "ZVIT_"
#: Read from the working directory by `Settings.load()`; the process's own variables win over it.
ENV_FILE = ".env"


def _address_list(value: Any) -> Any:
    # ZVIT_OPERATOR_EMAILS="a@x.org, b@x.org": commas, semicolons or spaces between addresses
    return tuple(part for part in re.split(r"[,;\s]+", value) if part) if isinstance(value, str) else value


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; «../x» a ValueError
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


#: addresses separated by commas, semicolons or spaces (NoDecode: the variable is not JSON)
EmailList = Annotated[tuple[EmailAddress, ...], NoDecode, BeforeValidator(_address_list)]
TimeZone = Annotated[str, AfterValidator(_time_zone)]

#: Fields whose values never appear in a message: a password, and a database URL that may hold one.
_UNSHOWN = frozenset({"smtp_password", "imap_password", "database_url"})


class _Source(Enum):
    """A source of values that is not a mapping passed in (an enum member, so that `is` tells it apart)."""

    PROCESS = "the process's environment, then .env"


#: Where `load()` takes its values from in this call: nowhere (plain construction), the process, or a mapping.
_SOURCE: ContextVar[_Source | Mapping[str, str] | None] = ContextVar("zvit_settings_source", default=None)


class Settings(BaseSettings):
    """Where the warehouse, the registry and the inbox are, the city's time zone, and how mail goes out.

    Each field's description is the form its variable expects, as a wrong value's message states it.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=ENV_FILE, env_file_encoding="utf-8",
                                      env_ignore_empty=True, extra="ignore", frozen=True)

    database_url: str = Field(default="sqlite:///zvit.db",
                              description="a database URL such as sqlite:///zvit.db or postgresql://user@host/zvit")
    registry_dir: Path = Field(default=DEFAULT_REGISTRY_DIR, description="a folder holding the registry's YAML files")
    timezone: TimeZone = Field(default="Europe/Kyiv", description="a time zone name such as Europe/Kyiv")
    #: departments' files wait in <inbox_dir>/<period>/, e.g. inbox/2022-Q3/
    inbox_dir: Path = Field(default=Path("inbox"), description="a folder")
    #: consolidated reports go to <reports_dir>/<period>/
    reports_dir: Path = Field(default=Path("reports"), description="a folder")

    #: outgoing mail; with no smtp_host every message is written to <outbox_dir> as an .eml file instead
    smtp_host: str | None = Field(default=None, description="a mail server's host name")
    #: default by security: 465 for ssl, 587 for starttls, 25 for plain
    smtp_port: int | None = Field(default=None, ge=1, le=65535, description="a port number from 1 to 65535")
    smtp_security: Literal["ssl", "starttls", "plain"] = Field(default="starttls", description="ssl, starttls or plain")
    smtp_username: str | None = Field(default=None, description="a user name")
    #: read from the environment only; SecretStr keeps it out of reprs, logs and error messages
    smtp_password: SecretStr | None = Field(default=None, description="a password")
    smtp_from: EmailAddress = Field(default="zvit@example.org",
                                    description="one email address such as zvit@example.org")
    smtp_timeout: float = Field(default=20.0, gt=0, le=300, description="seconds, more than 0 and at most 300")
    outbox_dir: Path = Field(default=Path("outbox"), description="a folder")
    #: who gets the alerts when a run fails or crashes
    operator_emails: EmailList = Field(default=("zvit-operators@example.org",),
                                       description="email addresses separated by commas or semicolons")
    #: who gets the digest after each quarterly run; empty: the program's responsible executors (registry)
    consolidator_emails: EmailList = Field(default=(), description="email addresses separated by commas or semicolons")
    #: a reminder this many days before the deadline, then overdue notices from the day after it,
    #: every overdue_repeat_days days, overdue_max of them at most
    reminder_days_before: int = Field(default=3, ge=0, le=60, description="a whole number of days from 0 to 60")
    overdue_repeat_days: int = Field(default=7, ge=1, le=365, description="a whole number of days from 1 to 365")
    overdue_max: int = Field(default=3, ge=0, le=50, description="a whole number from 0 to 50")

    #: the mailbox departments send reports to (`zvit mail fetch`, the collect-mail flow); no imap_host: no fetch
    imap_host: str | None = Field(default=None, description="a mail server's host name")
    #: default by security: 993 for ssl, 143 for starttls and plain
    imap_port: int | None = Field(default=None, ge=1, le=65535, description="a port number from 1 to 65535")
    imap_security: Literal["ssl", "starttls", "plain"] = Field(default="ssl", description="ssl, starttls or plain")
    imap_username: str | None = Field(default=None, description="a user name")
    #: read from the environment only; SecretStr keeps it out of reprs, logs and error messages
    imap_password: SecretStr | None = Field(default=None, description="a password")
    imap_folder: str = Field(default="INBOX", description="a mailbox folder name such as INBOX")
    #: where a processed message is moved (never deleted); empty: it is only flagged
    imap_processed_folder: str = Field(default="zvit-processed", description="a mailbox folder name")
    imap_timeout: float = Field(default=30.0, gt=0, le=300, description="seconds, more than 0 and at most 300")

    #: `zvit web`: the address people open (one-time links point there) and the path prefix behind a proxy
    web_base_url: str = Field(default="http://127.0.0.1:8000", description="an http:// or https:// address")
    web_root_path: str = Field(default="", description="a path prefix such as /zvit, or empty")
    web_host: str = Field(default="127.0.0.1", description="a host name or IP address to listen on")
    web_port: int = Field(default=8000, ge=1, le=65535, description="a port number from 1 to 65535")
    #: how long a one-time sign-in link and a signed-in session stay valid
    web_link_minutes: int = Field(default=30, ge=1, le=1440, description="a whole number of minutes from 1 to 1440")
    web_session_hours: int = Field(default=12, ge=1, le=720, description="a whole number of hours from 1 to 720")

    @model_validator(mode="before")
    @classmethod
    def _stripped(cls, values: Any) -> Any:
        # «ZVIT_SMTP_HOST= mail.example.org »: surrounding spaces are a typing accident; blank means the default
        if not isinstance(values, dict):
            return values
        stripped = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
        return {key: value for key, value in stripped.items() if value != ""}

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        source = _SOURCE.get()
        if source is None:
            return (init_settings,)
        if source is _Source.PROCESS:
            return init_settings, env_settings, dotenv_settings
        return init_settings, _Variables(settings_cls, source)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from ZVIT_<FIELD> variables: the process's and then `.env`'s, or only those of `environ`.

        Unset or blank: the default. Called once by each entry point; SettingsError names every bad variable.
        """
        token = _SOURCE.set(_Source.PROCESS if environ is None else environ)
        try:
            return cls()
        except ValidationError as error:
            raise SettingsError(_problems(cls, error)) from None
        finally:
            _SOURCE.reset(token)

    @staticmethod
    def variable(field: str) -> str:
        """The environment variable of a field: `overdue_max` → `ZVIT_OVERDUE_MAX`."""
        return f"{ENV_PREFIX}{field.upper()}"


class _Variables(EnvSettingsSource):
    """ZVIT_* variables from a given mapping instead of the process's environment."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        # the keys as the environment source keeps them (case-insensitive, like ZVIT_* in the environment)
        self.env_vars = {name.lower(): value for name, value in environ.items() if value.strip()}


def _problems(settings_cls: type[Settings], error: ValidationError) -> list[str]:
    """One line per bad variable: its name, the value given (never a secret's) or what is wrong with it, and the
    form it expects."""
    problems: dict[str, str] = {}
    for item in error.errors(include_url=False):
        field = str(item["loc"][0]) if item["loc"] else ""
        if field in problems or field not in settings_cls.model_fields:
            continue
        expected = settings_cls.model_fields[field].description
        if item["type"] == "value_error":  # our own check says what is wrong: which address, which zone
            detail = str(item["msg"]).removeprefix("Value error, ")
            problems[field] = f"{Settings.variable(field)}: expected {expected} ({detail})"
        elif field in _UNSHOWN or not isinstance(item.get("input"), str):
            problems[field] = f"{Settings.variable(field)}: expected {expected}"
        else:  # repr: a value holding a line break still makes one line
            problems[field] = f"{Settings.variable(field)}={item['input']!r}: expected {expected}"
    if not problems:  # cannot happen with these fields; never lose the error all the same
        problems[""] = f"invalid settings: {error.error_count()} errors"
    return list(problems.values())

