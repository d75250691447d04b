"""Periodic work of the reports capability, run by the scheduler inside `forewarn serve`."""

from __future__ import annotations

from forewarn.reports.config import get_report_settings
from forewarn.reports.protection import purge_contacts
from forewarn.web.scheduler import Job


def _purge(session, settings) -> int:
    return purge_contacts(session, get_report_settings().contact_retention_days)


# Contact retention is counted in days: checking hourly keeps a purge at most an hour late.
JOBS = [Job("reports.purge-contacts", 3600, _purge)]
