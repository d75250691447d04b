"""Search groups of the evidence register: incidents, situations and sources, from the full-text
index (rows carry each record's sensitivity, so each reader finds only what their clearance
lets them read)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence.models import Incident, Situation, Source
from forewarn.store.models import Country
from forewarn.web import fulltext
from forewarn.web.search import register_search


def _incident(session: Session, key: str) -> list[dict]:
    i = session.get(Incident, int(key))
    if i is None:
        return []
    when = i.date_start.isoformat()
    return [fulltext.entry(
        title=i.title, url=f"/evidence/incidents/{i.id}", sensitivity=i.sensitivity,
        body=f"{i.country.iso3} · {when}{' · ' + i.place if i.place else ''} — {i.summary}",
        iso3=i.country.iso3, sort_date=i.date_start, extra_terms=i.country.name,
        meta={"id": i.id, "date": when})]


def _situation(session: Session, key: str) -> list[dict]:
    s = session.get(Situation, int(key))
    if s is None:
        return []
    country = session.get(Country, s.country_id)
    return [fulltext.entry(title=s.title, url=f"/situations/{s.id}", sensitivity=s.sensitivity,
                           body=s.summary, iso3=country.iso3 if country else "",
                           extra_terms=country.name if country else "", meta={"id": s.id})]


def _source(session: Session, key: str) -> list[dict]:
    s = session.get(Source, int(key))
    if s is None:
        return []
    return [fulltext.entry(title=s.title, url=f"/evidence/sources/{s.id}",
                           sensitivity=s.sensitivity,
                           body=" ".join(x for x in (s.description, s.citation, s.filename,
                                                     s.original_location) if x),
                           meta={"id": s.id, "kind": s.kind})]


def _ids(model):
    return lambda s: [str(i) for i in s.scalars(select(model.id))]


def _own_id(obj) -> list[str]:
    return [str(obj.id)] if obj.id is not None else []


fulltext.register_indexer("incidents", (Incident,), _own_id, _incident, _ids(Incident))
fulltext.register_indexer("situations", (Situation,), _own_id, _situation, _ids(Situation))
fulltext.register_indexer("sources", (Source,), _own_id, _source, _ids(Source))


@register_search("incidents", "Incidents", order=300)
def incidents(session: Session, q: str, limit: int) -> list[dict]:
    return fulltext.results(session, q, ["incidents"], limit)


@register_search("situations", "Situations and dossiers", order=310)
def situations(session: Session, q: str, limit: int) -> list[dict]:
    return fulltext.results(session, q, ["situations"], limit)


@register_search("sources", "Evidence sources", order=320)
def sources(session: Session, q: str, limit: int) -> list[dict]:
    return fulltext.results(session, q, ["sources"], limit)
