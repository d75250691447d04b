"""The "Evidence" section of the country page: documented incidents, their sources with
grading, and the country's situation dossiers (filtered to what the reader may see)."""

from __future__ import annotations

from sqlalchemy import func, select

from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.models import Incident, IncidentSource, Situation
from forewarn.evidence.wording import date_label
from forewarn.store.models import Country
from forewarn.web.sections import register_country_section

LATEST = 10


@register_country_section("evidence", "Evidence", "evidence/country_section.html", order=300)
def country_evidence(session, country: dict) -> dict:
    labels = vocabulary()["harm_labels"]
    cid = country.get("id") or session.scalar(
        select(Country.id).where(Country.iso3 == country["iso3"]))
    total = session.scalar(select(func.count()).select_from(Incident)
                           .where(Incident.country_id == cid)) or 0
    latest = list(session.scalars(select(Incident).where(Incident.country_id == cid)
                                  .order_by(Incident.date_start.desc(), Incident.id.desc())
                                  .limit(LATEST)))
    rows = []
    for i in latest:
        graded = [f"{lk.source.reliability or '–'}{lk.source.credibility or '–'}"
                  for lk in i.links if lk.source is not None]
        rows.append({"id": i.id, "title": i.title, "date_start": i.date_start.isoformat(),
                     "date_end": i.date_end.isoformat(), "place": i.place,
                     "date": date_label(i.date_start, i.date_end, i.date_precision),
                     "harm": [labels.get(h, h) for h in i.harm_types],
                     "sources": len(i.links), "grading": graded})
    sources = session.scalar(
        select(func.count(func.distinct(IncidentSource.source_id)))
        .join(Incident, Incident.id == IncidentSource.incident_id)
        .where(Incident.country_id == cid)) or 0
    situations = [{"id": s.id, "title": s.title, "period_start": s.period_start.isoformat(),
                   "period_end": s.period_end.isoformat(), "link": f"/situations/{s.id}"}
                  for s in session.scalars(select(Situation).where(Situation.country_id == cid)
                                           .order_by(Situation.period_start.desc()))]
    return {"incidents_total": total, "incidents": rows, "sources_total": sources,
            "situations": situations,
            "links": {"register": "/evidence",
                      "incidents": f"/api/evidence/incidents?country={country['iso3']}"}}
