"""What the duty officer's view (`/duty`, JSON twin `/duty.json`; the route: duty_pages.py)
shows: what needs attention now, on one page that refreshes itself
(forewarn/web/static/monitor/duty.js polls the JSON twin):
new alerts (with acknowledge / dismiss / assign-to-me), countries whose flagged documents are
rising, the latest flagged documents, and the latest field reports (read through the reports
package's own query function, read-only, filtered to what the viewer may see).

Rising: per country and signal (hateful, incitement, dehumanising, each risk factor), the
count of the last RISING_DAYS days against the weekly average of the BASELINE_WEEKS before;
a country is listed, with its steepest signal, when that count is at least 3 and above the
average (countries with nothing before are listed as "new")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select

from forewarn.data import countries
from forewarn.monitor.models import MonitorDocument, MonitorSignal
from forewarn.monitor.riskfactors import signal_label
from forewarn.reports.service import latest
from forewarn.store.models import Country

FLAGGED = ("hateful", "incitement", "dehumanising")
RISING_DAYS, BASELINE_WEEKS = 7, 4


def rising_countries(session, today: date | None = None, limit: int = 15) -> list[dict]:
    today = today or datetime.now(UTC).date()
    recent_from = today - timedelta(RISING_DAYS - 1)
    base_from = recent_from - timedelta(7 * BASELINE_WEEKS)
    watched = or_(MonitorSignal.signal.in_(FLAGGED), MonitorSignal.signal.like("rf:%"))
    rows = session.execute(
        select(Country.iso3, MonitorSignal.signal, MonitorSignal.day, MonitorSignal.count)
        .join(Country, Country.id == MonitorSignal.country_id)
        .where(watched, MonitorSignal.day >= base_from, MonitorSignal.day <= today)).all()
    recent: dict[tuple, int] = {}
    before: dict[tuple, int] = {}
    for iso3, signal, day, n in rows:
        part = recent if day >= recent_from else before
        part[(iso3, signal)] = part.get((iso3, signal), 0) + int(n or 0)
    best: dict[str, dict] = {}
    for (iso3, signal), n in recent.items():
        expected = before.get((iso3, signal), 0) / BASELINE_WEEKS
        ratio = n / max(expected, 0.5)
        if n >= 3 and n > expected and ratio > best.get(iso3, {}).get("ratio", 0):
            c = countries.get(iso3)
            best[iso3] = {"country": iso3, "country_name": c.name if c else iso3,
                          "signal": signal, "signal_label": signal_label(signal), "recent": n,
                          "weekly_before": round(expected, 2), "ratio": round(ratio, 2),
                          "change": "new" if not expected else f"×{n / expected:.1f}",
                          "url": f"/monitor?country={iso3}&date_from={recent_from}"}
    return sorted(best.values(), key=lambda r: (-r["ratio"], r["country"]))[:limit]


def flagged_documents(session, limit: int = 15) -> list[dict]:
    q = (select(MonitorDocument, Country.iso3)
         .outerjoin(Country, Country.id == MonitorDocument.country_id)
         .where(MonitorDocument.label.in_(("incitement", "dehumanising", "hateful")),
                MonitorDocument.near_duplicate_of.is_(None))
         .order_by(MonitorDocument.ingested_at.desc(), MonitorDocument.id.desc()).limit(limit))
    return [{"id": d.id, "title": d.title or d.text[:80], "label": d.label, "country": iso3,
             "language": d.language, "published_at": d.published_at, "source": d.source,
             "url": f"/monitor?country={iso3}&q={(d.title or '')[:60]}" if iso3 and d.title
             else "/monitor"} for d, iso3 in session.execute(q).all()]


def field_reports(session, limit: int = 10) -> list[dict]:
    """The latest field reports the viewer may see (through the reports capability)."""
    return latest(session, limit)
