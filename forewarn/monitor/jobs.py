"""Periodic work of the monitor, run by the scheduler inside `forewarn serve` (no cron):
poll the feeds that are due, and re-evaluate the alert rules on today and yesterday (a rule
created or edited since the last ingestion, or a late document, is picked up)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from forewarn.monitor import alerts, feeds
from forewarn.monitor.api import latest_model as cached
from forewarn.web.scheduler import Job


def _model(settings):
    """The latest model, loaded once and reloaded when a newer one is trained (None: the
    documents are stored unscored and scored by `monitor rescore` later)."""
    return cached(str(settings.artifacts_dir / "monitor"))


def poll_feeds(session, settings) -> int:
    """Poll due feeds; each batch evaluates the alert rules of the days it touched."""
    engine = session.get_bind()
    if not feeds.due_feeds(engine):
        return 0  # nothing due: no model to load
    reports = feeds.poll(engine, _model(settings))
    return sum(len(r.stored) for r in reports.values())


def evaluate_recent(session, settings) -> list[int]:
    today = datetime.now(UTC).date()
    return alerts.refresh(session.get_bind(), [today - timedelta(1), today])


# Feeds carry their own interval (minutes); checking every minute keeps each at most a minute
# late. Rules are re-evaluated every 10 minutes.
JOBS = [Job("monitor.poll-feeds", 60, poll_feeds),
        Job("monitor.evaluate-alerts", 600, evaluate_recent)]
