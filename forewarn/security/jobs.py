"""Periodic work of the security capability, run by the scheduler inside `forewarn serve`."""

from __future__ import annotations

import time

from sqlalchemy import delete

from forewarn.security.models import RateLimitBucket
from forewarn.web.scheduler import Job

IDLE_SECONDS = 24 * 3600  # every limit refills well within a day


def _forget_idle_buckets(session, settings) -> int:
    """Rate-limit buckets untouched for a day are full again: drop them."""
    result = session.execute(delete(RateLimitBucket).where(
        RateLimitBucket.updated < time.time() - IDLE_SECONDS))
    return result.rowcount or 0


JOBS = [Job("security.forget-idle-rate-limits", 3600, _forget_idle_buckets)]
