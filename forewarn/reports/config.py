"""Settings of the reports capability (environment variables FOREWARN_REPORTS_*)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

MB = 1024 * 1024


class ReportSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FOREWARN_REPORTS_", extra="ignore")

    max_file_bytes: int = 20 * MB
    max_total_bytes: int = 50 * MB
    max_files: int = 5
    # Limits on what an upload decodes to, checked before decoding (decompression bombs):
    # pixels of an image (50 MP: larger than phones' usual photos), bytes inside a zip-based
    # document, and how many times larger than the file its contents may be.
    max_pixels: int = 50_000_000
    max_decoded_bytes: int = 200 * MB
    max_zip_ratio: int = 100
    # Submissions per client (keyed by a keyed hash of its address, never stored) per window.
    rate_limit: int = 5
    rate_window_seconds: int = 3600
    # Leading zero bits of sha256(token:counter): ~2^n hashes in the browser (≈0.1 s at 16).
    pow_bits: int = 16
    challenge_ttl_seconds: int = 2 * 3600
    # Contact details are deleted this many days after submission (0 disables the purge).
    contact_retention_days: int = 180


@lru_cache
def get_report_settings() -> ReportSettings:
    return ReportSettings()
