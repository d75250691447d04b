"""Scheduled polling of RSS/Atom feeds: each active feed is fetched when its interval has
passed since the last poll. `forewarn serve` polls by itself (forewarn/monitor/jobs.py);
`forewarn monitor poll` polls once (or `--every N` seconds) without the web app. Feeds are
listed, edited, disabled and deleted here, from the web app (/monitor/feeds) or the CLI."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from forewarn.data import countries
from forewarn.monitor.models import MonitorFeed
from forewarn.monitor.store import BatchReport, ingest_feed, update_audited
from forewarn.security.audit import record
from forewarn.store.db import transaction

FEED_FIELDS = ("url", "name", "interval_minutes", "country_iso3", "active")


def _validate(fields: dict) -> dict:
    out = dict(fields)
    if "url" in out and not str(out["url"]).startswith(("http://", "https://")):
        raise ValueError("a feed URL must be http(s)")
    if "interval_minutes" in out:
        out["interval_minutes"] = int(out["interval_minutes"])
        if out["interval_minutes"] < 1:
            raise ValueError("a feed's interval is at least 1 minute")
    if out.get("country_iso3"):
        c = countries.get(str(out["country_iso3"]).strip())
        if c is None:
            raise ValueError(f"unknown country code '{out['country_iso3']}'")
        out["country_iso3"] = c.iso3
    elif "country_iso3" in out:
        out["country_iso3"] = None
    return out


def add_feed(engine: Engine, url: str, name: str = "", interval_minutes: int = 60,
             country_iso3: str | None = None, by: str = "") -> int:
    fields = _validate({"url": url, "interval_minutes": interval_minutes,
                        "country_iso3": country_iso3})
    with transaction(engine) as s:
        if s.scalar(select(MonitorFeed.id).where(MonitorFeed.url == fields["url"])):
            raise ValueError(f"feed {url} is already registered")
        feed = MonitorFeed(name=name or url, **fields)
        s.add(feed)
        s.flush()
        record(s, by or "system", "monitor.feed.create", "monitor_feed", feed.id, after=feed)
        return feed.id


def list_feeds(engine: Engine) -> list[MonitorFeed]:
    with transaction(engine) as s:
        return list(s.scalars(select(MonitorFeed).order_by(MonitorFeed.id)))


def update_feed(engine: Engine, feed_id: int, by: str = "", **changes) -> MonitorFeed:
    """Change any of FEED_FIELDS (active=False disables polling)."""
    bad = set(changes) - set(FEED_FIELDS)
    if bad:
        raise ValueError(f"unknown feed fields: {', '.join(sorted(bad))}")

    return update_audited(engine, MonitorFeed, feed_id, FEED_FIELDS, _validate(changes), by,
                          "monitor.feed.update", "feed")


def delete_feed(engine: Engine, feed_id: int, by: str = "") -> None:
    """Stop polling and forget the feed; documents it brought stay."""
    with transaction(engine) as s:
        feed = s.get(MonitorFeed, feed_id)
        if feed is None:
            raise LookupError(f"no feed {feed_id}")
        record(s, by or "system", "monitor.feed.delete", "monitor_feed", feed_id, before=feed)
        s.delete(feed)


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
