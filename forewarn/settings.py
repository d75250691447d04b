"""Settings from the environment (FOREWARN_*), one place for every path and URL."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "forewarn"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FOREWARN_", extra="ignore")

    data_dir: Path = _default_data_dir()
    database_url: str | None = None
    # A local copy of the sources (e.g. ../shared/data); used when set and present.
    mirror: Path | None = None
    secret_key: str | None = None
    # Run periodic jobs (purges, alert evaluation, feed polling) inside `serve`.
    scheduler: bool = True

    @property
    def raw_dir(self) -> Path:
        """Where fetched source files live, laid out as in sources.yaml."""
        return self.data_dir / "raw"

    @property
    def artifacts_dir(self) -> Path:
        """Models, plots and exports that Forewarn produces."""
        return self.data_dir / "artifacts"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'forewarn.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
