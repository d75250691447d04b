"""Settings of the reports capability: `settings.reports` of forewarn.settings (environment
variables FOREWARN_REPORTS_*)."""

from __future__ import annotations

from forewarn.settings import MB, ReportSettings, get_settings

__all__ = ["MB", "ReportSettings", "get_report_settings"]


def get_report_settings() -> ReportSettings:
    return get_settings().reports
