"""Monitoring as a source of the assessment module's data suggestions (`monitor.hate_speech`).

The rule in `forewarn/catalog/indicator_suggestions.yaml` reads the field `spike_score`: the
largest spike of the year, in baseline standard deviations (`spike.SpikeTest.z`), over the
country's daily signals `hateful`, `incitement`, `dehumanising` and `rf:RFn`. Only days the
spike detector flags (p < 0.01, at least 3 documents) count; a year without one scores 0.

Each spike also comes as a detail the analyst can follow: "incitement spike in SDN on
2026-03-14 (9 documents, expected 1.2), tagged RF10", linking to the monitoring feed filtered
to those passages. A detail names the risk factors its passages were tagged with, so it is
shown beside the indicators of those risk factors only (a spike of `rf:RF10` is tagged RF10).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forewarn.assess.service import register_source
from forewarn.monitor import spike
from forewarn.monitor.models import MonitorDocument, MonitorSignal
from forewarn.store.models import Country

SOURCE = "monitor.hate_speech"
SIGNALS = ("hateful", "incitement", "dehumanising")
MAX_DETAILS = 20


def _tracked(signal: str) -> bool:
    return signal in SIGNALS or signal.startswith("rf:")


def _risk_factors(session, country_id: int, day: date, signal: str) -> list[str]:
    """The risk factors tagged on that day's passages that carry the signal."""
    if signal.startswith("rf:"):
        return [signal[3:]]
    lo = datetime.combine(day, time.min)
    docs = session.scalars(select(MonitorDocument).options(
        selectinload(MonitorDocument.passages)).where(
        MonitorDocument.country_id == country_id, MonitorDocument.near_duplicate_of.is_(None),
        MonitorDocument.published_at >= lo,
        MonitorDocument.published_at < lo + timedelta(1))).all()
    return sorted({t["risk_factor"] for d in docs for p in d.passages
                   if getattr(p, signal) is not None and getattr(p, signal) >= 0.5
                   for t in (p.risk_tags or [])})


def _detail(session, cid: int, iso3: str, signal: str, test: spike.SpikeTest) -> dict:
    rfs = _risk_factors(session, cid, test.day, signal)
    what = f"{signal[3:]} tag" if signal.startswith("rf:") else signal
    text = (f"{what} spike in {iso3} on {test.day.isoformat()} ({test.count} documents, "
            f"expected {test.expected:.1f})" + (f", tagged {', '.join(rfs)}" if rfs else ""))
    query = {"country": iso3, "signal": signal[3:] if signal.startswith("rf:") else signal,
             "date_from": test.day.isoformat(), "date_to": test.day.isoformat()}
    return {"text": text, "url": "/monitor?" + urlencode(query), "day": test.day.isoformat(),
            "signal": signal, "count": test.count, "expected": test.expected,
            "p_value": test.p_value, "z": test.z, "risk_factors": rfs}


def provide(session, country_ids: list[int] | None, max_year: int | None,
            min_year: int) -> dict[int, dict]:
    """The assess Provider: {country_id: {year, values, previous, details}} for the latest
    year with monitoring signals up to max_year."""
    q = select(MonitorSignal.country_id, MonitorSignal.signal, MonitorSignal.day,
               MonitorSignal.count)
    # A month before the first year gives its first days a baseline.
    q = q.where(MonitorSignal.day >= date(max(min_year - 1, 1), 12, 1))
    if max_year is not None:
        q = q.where(MonitorSignal.day <= date(max_year, 12, 31))
    if country_ids is not None:
        q = q.where(MonitorSignal.country_id.in_(country_ids))
    series: dict[int, dict[str, dict[date, int]]] = {}
    for cid, signal, day, count in session.execute(q):
        if _tracked(signal):
            series.setdefault(cid, {}).setdefault(signal, {})[day] = count
    iso3 = dict(session.execute(select(Country.id, Country.iso3).where(
        Country.id.in_(list(series)))).all()) if series else {}
    out = {}
    for cid, by_signal in series.items():
        years = {d.year for s in by_signal.values() for d in s if d.year >= min_year}
        if not years:
            continue
        year = max(years)
        spikes = [(sig, t) for sig, s in by_signal.items() for t in spike.detect(s) if t.spike]

        def score(y, spikes=spikes):
            return max([t.z for _, t in spikes if t.day.year == y], default=0.0)

        details = [_detail(session, cid, iso3[cid], sig, t) for sig, t in
                   sorted(spikes, key=lambda st: (st[1].day, st[1].z), reverse=True)
                   if t.day.year == year][:MAX_DETAILS]
        out[cid] = {"year": year, "values": {"spike_score": score(year)},
                    "previous": {"spike_score": score(year - 1)}, "details": details}
    return out


def register() -> None:
    register_source(SOURCE, provide, MonitorSignal.__tablename__)


register()
