"""Search groups of the evidence register: sources, incidents and situations (through the
reader's session, so each reader finds only what their clearance lets them read)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence.models import Incident, Situation, Source
from forewarn.web.search import matches, register_search, snippet


@register_search("incidents", "Incidents", order=300)
def incidents(session: Session, q: str, limit: int) -> list[dict]:
    rows = session.scalars(select(Incident).where(matches(q, Incident.title, Incident.summary,
                                                          Incident.place))
                           .order_by(Incident.date_start.desc(), Incident.id.desc()).limit(limit))
    return [{"title": i.title, "url": f"/evidence/incidents/{i.id}",
             "snippet": f"{i.country.iso3} · {i.date_start.isoformat()}"
                        f"{' · ' + i.place if i.place else ''} — {snippet(i.summary, q)}",
             "meta": {"id": i.id, "iso3": i.country.iso3, "date": i.date_start}} for i in rows]


@register_search("situations", "Situations and dossiers", order=310)
def situations(session: Session, q: str, limit: int) -> list[dict]:
    rows = session.scalars(select(Situation).where(matches(q, Situation.title, Situation.summary))
                           .order_by(Situation.id.desc()).limit(limit))
    return [{"title": s.title, "url": f"/situations/{s.id}", "snippet": snippet(s.summary, q),
             "meta": {"id": s.id}} for s in rows]


@register_search("sources", "Evidence sources", order=320)
def sources(session: Session, q: str, limit: int) -> list[dict]:
    rows = session.scalars(select(Source).where(matches(q, Source.title, Source.description,
                                                        Source.citation, Source.filename))
                           .order_by(Source.id.desc()).limit(limit))
    return [{"title": s.title, "url": f"/evidence/sources/{s.id}",
             "snippet": snippet(s.description or s.citation, q),
             "meta": {"id": s.id, "kind": s.kind}} for s in rows]
