"""Scheduled polling of RSS/Atom feeds: each active feed is fetched when its interval has
passed since the last poll. Run `forewarn monitor poll` from cron / a systemd timer, or with
`--every N` to keep polling."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from forewarn.monitor.models import MonitorFeed
from forewarn.monitor.store import BatchReport, ingest_feed
from forewarn.store.db import transaction


def add_feed(engine: Engine, url: str, name: str = "", interval_minutes: int = 60,
             country_iso3: str | None = None) -> int:
    if not url.startswith(("http://", "https://")):
        raise ValueError("a feed URL must be http(s)")
    with transaction(engine) as s:
        feed = MonitorFeed(url=url, name=name or url, interval_minutes=interval_minutes,
                           country_iso3=country_iso3)
        s.add(feed)
        s.flush()
        return feed.id


def _aware(t: datetime | None) -> datetime | None:
    return t.replace(tzinfo=UTC) if t is not None and t.tzinfo is None else t


def due_feeds(engine: Engine, now: datetime | None = None) -> list[MonitorFeed]:
    now = now or datetime.now(UTC)
    with transaction(engine) as s:
        feeds = s.scalars(select(MonitorFeed).where(MonitorFeed.active)).all()
    return [f for f in feeds if f.last_polled_at is None
            or _aware(f.last_polled_at) + timedelta(minutes=f.interval_minutes) <= now]


def fetch(url: str, timeout: float = 20.0) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "forewarn-monitor"})
    with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310 (http(s) only)
        return r.read()


def poll(engine: Engine, model=None, now: datetime | None = None) -> dict[str, BatchReport]:
    """Poll every due feed; a feed that fails is recorded on the feed and the others go on."""
    reports = {}
    for feed in due_feeds(engine, now):
        try:
            report = ingest_feed(engine, fetch(feed.url), feed.name, model, feed.country_iso3)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            report = BatchReport(errors=[f"{feed.url}: {exc}"])
        with transaction(engine) as s:
            row = s.get(MonitorFeed, feed.id)
            row.last_polled_at = now or datetime.now(UTC)
            row.last_error = "; ".join(report.errors)[:2000]
        reports[feed.url] = report
    return reports
