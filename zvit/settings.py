"""Settings read from ZVIT_* environment variables, with defaults that work in a fresh directory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from zvit.resources import resource_dir

#: The registry shipped with zvit.
DEFAULT_REGISTRY_DIR = resource_dir("registry")


class Settings(BaseModel):
    """Where the warehouse, the registry and the inbox are, and the city's time zone."""

    model_config = ConfigDict(frozen=True)

    database_url: str = "sqlite:///zvit.db"
    registry_dir: Path = DEFAULT_REGISTRY_DIR
    timezone: str = "Europe/Kyiv"
    #: departments' files wait in <inbox_dir>/<period>/, e.g. inbox/2022-Q3/
    inbox_dir: Path = Path("inbox")

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
