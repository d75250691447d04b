"""What the evidence register documents around a measure: incidents (and killed: best
estimates, else the low figure) in the country in the h months before and the h months after
the measure date.

The annual panel (outcomes.py) sees only calendar years; incidents have dates, so these
windows are exact. They are read through the reader's session, so each reader counts only
the incidents their clearance lets them read — the figures are never stored, since a stored
count would pass restricted records' existence on to every reader of the record."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence.models import Incident
from forewarn.respond.outcomes import _add_months
from forewarn.store.models import Country


def _killed(incident) -> float:
    """The best estimate, else the low one (a lower bound or a range without best)."""
    killed = (incident.casualties or {}).get("killed") or {}
    if not isinstance(killed, dict):
        return 0.0
    value = killed.get("best") if killed.get("best") is not None else killed.get("low")
    return float(value) if isinstance(value, int | float) else 0.0


def documented(session: Session, iso3: str, on: date, horizons: list[int]) -> list[dict]:
    """Per horizon h: incidents and killed in [on - h months, on) and in [on, on + h months)."""
    longest = max(horizons, default=0)
    rows = session.scalars(
        select(Incident).join(Country, Country.id == Incident.country_id)
        .where(Country.iso3 == iso3, Incident.date_start >= _add_months(on, -longest),
               Incident.date_start < _add_months(on, longest))).all()
    out = []
    for h in horizons:
        start, end = _add_months(on, -h), _add_months(on, h)
        before = [i for i in rows if start <= i.date_start < on]
        after = [i for i in rows if on <= i.date_start < end]
        out.append({"horizon_months": h, "from": start, "to": end,
                    "incidents_before": len(before), "incidents_after": len(after),
                    "killed_before": sum(map(_killed, before)),
                    "killed_after": sum(map(_killed, after))})
    return out
