"""The "Monitoring signals" section of the country page: daily counts of each signal over the
last weeks as a chart (numbers in a table too), and the latest spike alerts. Shown to readers
who may read internal monitoring (the same permission as /monitor); hidden otherwise."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from forewarn.monitor.models import MonitorAlert, MonitorSignal
from forewarn.monitor.riskfactors import signal_label
from forewarn.security import principal_of
from forewarn.store.models import Country
from forewarn.web.charts import Series, line_chart
from forewarn.web.sections import register_country_section

DAYS = 90
LATEST_ALERTS = 5


def _chart(series: dict[str, list[dict]], iso3: str, first: date, last: date):
    lines = [Series(name, [(d["day"].toordinal(), d["count"]) for d in points])
             for name, points in sorted(series.items())]
    return line_chart(
        lines, title=f"Monitoring signals, {iso3}, {first} to {last}",
        desc="Documents or events per day carrying each signal: " + "; ".join(
            f"{name}: {sum(d['count'] for d in pts)} in total" for name, pts in
            sorted(series.items())),
        x_range=(first.toordinal(), last.toordinal()),
        x_format=lambda v: date.fromordinal(int(v)).strftime("%d %b"),
        y_label="per day", height=240)


@register_country_section("monitor", "Monitoring signals", "monitor/country_section.html",
                          order=250, anonymous_cache=False)
def country_signals(session, country: dict) -> dict | None:
    if not principal_of(session).can("read:internal"):
        return None  # monitoring is internal: nothing, not even counts, for other readers
    cid = country.get("id") or session.scalar(
        select(Country.id).where(Country.iso3 == country["iso3"]))
    rows = session.scalars(select(MonitorSignal).where(MonitorSignal.country_id == cid)
                           .order_by(MonitorSignal.day)).all()
    last = max((r.day for r in rows), default=date.today())
    first = last - timedelta(DAYS - 1)
    series: dict[str, list[dict]] = {}
    for r in rows:
        if r.day >= first:
            series.setdefault(r.signal, []).append(
                {"day": r.day, "count": r.count, "total": r.total, "rate": r.rate})
    alerts = session.scalars(select(MonitorAlert).where(MonitorAlert.country_id == cid)
                             .order_by(MonitorAlert.day.desc(), MonitorAlert.id.desc())
                             .limit(LATEST_ALERTS)).all()
    totals = {name: sum(d["count"] for d in pts) for name, pts in sorted(series.items())}
    return {
        "days": DAYS, "first": first, "last": last, "totals": totals,
        "chart": str(_chart(series, country["iso3"], first, last)) if series else None,
        "labels": {name: signal_label(name) for name in totals},
        "alerts": [{"id": a.id, "day": a.day, "signal": a.signal,
                    "signal_label": signal_label(a.signal), "count": a.count,
                    "expected": round(a.expected, 2), "p_value": a.p_value,
                    "status": a.status, "rule": a.rule.name if a.rule else a.rule_name,
                    "url": f"/monitor/alerts/{a.id}"} for a in alerts],
        "links": {"feed": f"/monitor?country={country['iso3']}",
                  "signals": f"/monitor/countries/{country['iso3']}/signals.json",
                  "alerts": "/monitor/alerts"},
    }
