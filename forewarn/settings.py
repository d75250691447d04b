"""Every setting of Forewarn in one nested object, read from FOREWARN_* environment variables.

`Settings` holds the paths and URLs, and one group per capability that has settings of its own
(`settings.reports`, `settings.smtp`, `settings.admin`), each group with its own variable prefix
(FOREWARN_REPORTS_…, FOREWARN_SMTP_…, FOREWARN_ADMIN_…). How code reaches it:

- a request: `request.app.state.settings` (FastAPI dependency `forewarn.web.deps.SettingsDep`);
- a country-page section builder or anything else given a session: `session.info["settings"]`;
- a command, job or library call without either: `get_settings()`, the process's settings
  read from the environment (the app factory uses them unless it is given others).

forewarn.security.crypto keeps the settings the app or CLI configured (`crypto.configure`) for
the encryption key only.

docs/settings.md is generated from this module (`python -m forewarn.settings > docs/settings.md`)
and tests/core/test_settings_docs.py fails when it is out of date or a FOREWARN_* variable used
anywhere in the code is missing from it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MB = 1024 * 1024


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "forewarn"


class ReportSettings(BaseSettings):
    """Grass-roots field reports (forewarn.reports): upload limits, abuse control, retention."""

    model_config = SettingsConfigDict(env_prefix="FOREWARN_REPORTS_", extra="ignore")

    max_file_bytes: int = Field(20 * MB, description="Largest single uploaded file, in bytes.")
    max_total_bytes: int = Field(50 * MB, description="Largest total upload of one report.")
    max_files: int = Field(5, description="Most files attached to one report.")
    # Checked before decoding (decompression bombs).
    max_pixels: int = Field(50_000_000, description="Most pixels an uploaded image may decode "
                            "to (50 MP: larger than phones' usual photos).")
    max_decoded_bytes: int = Field(200 * MB, description="Most bytes the contents of a "
                                   "zip-based document (DOCX, XLSX, ...) may decompress to.")
    max_zip_ratio: int = Field(100, description="How many times larger than the file a "
                               "zip-based document's contents may be.")
    rate_limit: int = Field(5, description="Submissions per client per window (clients are "
                            "keyed by a keyed hash of their address, never stored).")
    rate_window_seconds: int = Field(3600, description="The rate limit's window, in seconds.")
    pow_bits: int = Field(16, description="Proof-of-work difficulty: leading zero bits of "
                          "sha256(token:counter), ~2^n hashes in the browser (≈0.1 s at 16).")
    challenge_ttl_seconds: int = Field(2 * 3600, description="How long a proof-of-work "
                                       "challenge stays valid, in seconds.")
    contact_retention_days: int = Field(180, description="Reporters' contact details are "
                                        "deleted this many days after submission (by the "
                                        "scheduler's purge job); 0 disables the purge.")


class SmtpSettings(BaseSettings):
    """Outgoing e-mail for monitor alerts (forewarn.monitor.notify)."""

    model_config = SettingsConfigDict(env_prefix="FOREWARN_SMTP_", extra="ignore",
                                      populate_by_name=True)

    host: str | None = Field(None, description="SMTP server; unset, alerts are not e-mailed.")
    port: int = Field(25, description="SMTP port.")
    sender: str = Field("forewarn@localhost", description="The From address.",
                        validation_alias=AliasChoices("FOREWARN_SMTP_FROM", "sender"))
    user: str | None = Field(None, description="Login name (with the password), when set.")
    password: str | None = Field(None, description="Login password.")
    starttls: bool = Field(False, description="Upgrade the connection with STARTTLS.")
    timeout: float = Field(10.0, description="Seconds before a send gives up.")


class AdminSettings(BaseSettings):
    """The first administrator account, created by `forewarn setup` when none exists."""

    model_config = SettingsConfigDict(env_prefix="FOREWARN_ADMIN_", extra="ignore")

    user: str = Field("admin", description="User name of the first admin account.")
    password: str | None = Field(None, description="Its password; unset, `setup` generates "
                                 "one and prints it once.")


class Settings(BaseSettings):
    """Paths, URLs and switches of one Forewarn installation (FOREWARN_…), with each
    capability's own group."""

    model_config = SettingsConfigDict(env_prefix="FOREWARN_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Where Forewarn "
                           "keeps everything: fetched sources in `raw/`, the SQLite database "
                           "`forewarn.db`, produced artefacts in `artifacts/`, evidence files, "
                           "the key file `secret.key`. Default `$XDG_DATA_HOME/forewarn` or "
                           "`~/.local/share/forewarn`.")
    database_url: str | None = Field(None, description="SQLAlchemy URL of the database; "
                                     "default SQLite `forewarn.db` in the data directory. "
                                     "PostgreSQL as `postgresql://user:pass@host:5432/db`.")
    mirror: Path | None = Field(None, description="A local copy of the sources (e.g. "
                                "../shared/data), used by `forewarn data fetch` when set and "
                                "present, so no download is needed.")
    secret_key: str | None = Field(None, description="The key that encrypts confidential "
                                   "fields (witness names, contact details) and keys the "
                                   "report challenges; comma-separated for rotation (the first "
                                   "encrypts, all decrypt). Unset, `<data dir>/secret.key` is "
                                   "created once (mode 0600). Losing it makes the encrypted "
                                   "fields unreadable: back it up apart from the database.")
    scheduler: bool = Field(True, description="Run periodic jobs (purges, alert evaluation, "
                            "feed polling) inside `forewarn serve` (forewarn/web/scheduler.py).")
    outbound_allow: str = Field("", description="Hosts and networks (comma-separated names "
                                "and CIDR blocks, e.g. `alerts.internal,10.20.0.0/16`) the "
                                "server may request although they are not public addresses "
                                "(alert webhooks, evidence captures; forewarn.security.outbound).")
    review_email: str = Field("", description="Comma-separated addresses e-mailed when an "
                              "assessment is submitted for review (through the SMTP settings "
                              "below); empty, the review queue and the menu count still show "
                              "it.")
    debug: bool = Field(False, description="Show the traceback of an unexpected error in the "
                        "command line instead of one line.")
    reports: ReportSettings = Field(default_factory=ReportSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    admin: AdminSettings = Field(default_factory=AdminSettings)

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
    """The process's settings, read from the environment once (`get_settings.cache_clear()`
    reads it again)."""
    return Settings()


# -- the reference page ---------------------------------------------------------------------
GROUPS = {"": Settings, "reports": ReportSettings, "smtp": SmtpSettings, "admin": AdminSettings}


def _env_name(model: type[BaseSettings], name: str, field) -> str:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"{model.model_config['env_prefix']}{name}".upper()


def _type_name(annotation) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("pathlib.", "").replace(" | None", " (optional)")


def _default(field) -> str:
    if field.default_factory is not None:
        return "see text"
    return "unset" if field.default is None else f"`{field.default}`"


def variables() -> list[dict]:
    """Every setting: its environment variable, path in the object, type, default, meaning."""
    out = []
    for group, model in GROUPS.items():
        for name, field in model.model_fields.items():
            if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
                continue  # a nested group: listed under its own heading
            out.append({"env": _env_name(model, name, field),
                        "attribute": f"settings.{group + '.' if group else ''}{name}",
                        "type": _type_name(field.annotation),
                        "default": _default(field), "description": field.description or "",
                        "group": group})
    return out


# Environment variables that are not settings of the installation.
OTHER_VARIABLES = {
    "FOREWARN_NEW_PASSWORD": "`forewarn user add` / `user password`: the new password, so it "
                             "need not be typed (a Typer option's environment variable).",
    "FOREWARN_TEST_PG_URL": "Tests only: the PostgreSQL server the `engine` fixture creates "
                            "databases on (default `postgresql://postgres@127.0.0.1:5432/"
                            "postgres`).",
    "FOREWARN_CHROMIUM": "Tests only: the Chromium binary for browser tests (default "
                         "`/usr/bin/chromium`).",
    "FOREWARN_FUZZ_EXAMPLES": "Tests only: examples per operation in the API fuzz test "
                              "(tests/security/test_api_fuzz.py; default 5).",
}


def markdown() -> str:
    """docs/settings.md."""
    lines = ["# Settings", "",
             "<!-- Generated by `python -m forewarn.settings > docs/settings.md`; "
             "tests/core/test_settings_docs.py checks it. -->", "",
             "Every setting comes from an environment variable and lives in one object, "
             "`forewarn.settings.Settings` (see that module's docstring for how code reaches "
             "it). Groups have their own prefix.", ""]
    titles = {"": "Installation", "reports": "Field reports (`settings.reports`)",
              "smtp": "E-mail for monitor alerts (`settings.smtp`)",
              "admin": "First admin account (`settings.admin`)"}
    rows = variables()
    for group, title in titles.items():
        lines += [f"## {title}", "", "| variable | attribute | type | default | meaning |",
                  "|---|---|---|---|---|"]
        lines += [f"| `{r['env']}` | `{r['attribute']}` | {r['type']} | {r['default']} | "
                  f"{r['description']} |" for r in rows if r["group"] == group]
        lines.append("")
    lines += ["## Other environment variables", "", "| variable | meaning |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in OTHER_VARIABLES.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
