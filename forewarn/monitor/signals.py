"""Daily signals per country: counts and rates of each monitored signal.

Document signals (over documents attributed to the country, published that day, near-duplicates
excluded so one story syndicated fifty times counts once): `hateful`, `offensive`,
`incitement`, `dehumanising` (document's top passage score >= 0.5) and `rf:RFn` (a passage
tagged with an indicator of risk factor n); rate = count / all such documents that day.
Event signals (GDELT): `gdelt:<signal>` from forewarn/catalog/monitor_cameo_signals.yaml;
rate = count / all mapped events that day in the country.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import selectinload

from forewarn.monitor.models import MonitorDocument, MonitorEvent, MonitorSignal
from forewarn.store.db import transaction

SCORE_SIGNALS = ("hateful", "offensive", "incitement", "dehumanising")


def _day(d: datetime) -> date:
    return d.date()


def compute(engine: Engine, start: date, end: date,
            country_ids: set[int] | None = None) -> int:
    """Recompute the signals of [start, end] (inclusive), of every country or only of
    COUNTRY_IDS (what ingestion touched: a document does not recount the whole world);
    returns the number of rows."""
    counts: dict[tuple[int, date, str], int] = defaultdict(int)
    doc_totals: dict[tuple[int, date], int] = defaultdict(int)
    ev_totals: dict[tuple[int, date], int] = defaultdict(int)
    lo = datetime.combine(start, time.min)
    hi = datetime.combine(end + timedelta(1), time.min)
    with transaction(engine) as s:
        doc_q = (select(MonitorDocument).options(selectinload(MonitorDocument.passages))
                 .where(MonitorDocument.country_id.is_not(None),
                        MonitorDocument.near_duplicate_of.is_(None),
                        MonitorDocument.published_at >= lo, MonitorDocument.published_at < hi))
        ev_q = select(MonitorEvent).where(MonitorEvent.country_id.is_not(None),
                                          MonitorEvent.day >= start, MonitorEvent.day <= end)
        old_q = delete(MonitorSignal).where(MonitorSignal.day >= start, MonitorSignal.day <= end)
        if country_ids is not None:
            doc_q = doc_q.where(MonitorDocument.country_id.in_(country_ids))
            ev_q = ev_q.where(MonitorEvent.country_id.in_(country_ids))
            old_q = old_q.where(MonitorSignal.country_id.in_(country_ids))
        docs = s.scalars(doc_q).all()
        for d in docs:
            key = (d.country_id, _day(d.published_at))
            doc_totals[key] += 1
            for sig in SCORE_SIGNALS:
                if (d.scores or {}).get(sig) is not None and d.scores[sig] >= 0.5:
                    counts[(*key, sig)] += 1
            for rf in {t["risk_factor"] for p in d.passages for t in (p.risk_tags or [])}:
                counts[(*key, f"rf:{rf}")] += 1
        events = s.scalars(ev_q).all()
        for e in events:
            key = (e.country_id, e.day)
            ev_totals[key] += 1
            counts[(*key, f"gdelt:{e.signal}")] += 1
        s.execute(old_q)
        for (cid, day, sig), n in counts.items():
            total = (ev_totals if sig.startswith("gdelt:") else doc_totals)[(cid, day)]
            s.add(MonitorSignal(country_id=cid, day=day, signal=sig, count=n, total=total,
                                rate=round(n / total, 4) if total else 0.0))
    return len(counts)


def series(engine: Engine, country_id: int, signal: str, start: date | None = None,
           end: date | None = None) -> dict[date, int]:
    q = select(MonitorSignal.day, MonitorSignal.count).where(
        MonitorSignal.country_id == country_id, MonitorSignal.signal == signal)
    if start:
        q = q.where(MonitorSignal.day >= start)
    if end:
        q = q.where(MonitorSignal.day <= end)
    with transaction(engine) as s:
        return {d: n for d, n in s.execute(q)}
