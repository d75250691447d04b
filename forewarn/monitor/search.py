"""Search group of monitored documents (readers with internal access, as for the feed), from
the full-text index; near-duplicates are left out, as in the feed."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.monitor.models import MonitorDocument
from forewarn.store.models import Country
from forewarn.web import fulltext
from forewarn.web.search import register_search


def _document(session: Session, key: str) -> list[dict]:
    d = session.get(MonitorDocument, int(key))
    if d is None or d.near_duplicate_of is not None:
        return []
    country = session.get(Country, d.country_id) if d.country_id else None
    iso3 = country.iso3 if country else ""
    where = "/monitor?" + urlencode({"q": (d.title or d.text)[:60],
                                     **({"country": iso3} if iso3 else {})})
    lead = " · ".join(x for x in (iso3, d.language, d.source) if x)
    return [fulltext.entry(title=d.title or d.text[:80], url=where[:300], body=f"{lead} — {d.text}",
                           sensitivity="internal", audience="read:internal", iso3=iso3,
                           sort_date=d.published_at.date() if d.published_at else None,
                           extra_terms=country.name if country else "",
                           meta={"id": d.id, "url": d.url,
                                 "published_at": d.published_at.isoformat()
                                 if d.published_at else None})]


fulltext.register_indexer(
    "documents", (MonitorDocument,), lambda obj: [str(obj.id)] if obj.id else [], _document,
    lambda s: [str(i) for i in s.scalars(select(MonitorDocument.id).where(
        MonitorDocument.near_duplicate_of.is_(None)))])


@register_search("documents", "Monitored documents", permission="read:internal", order=400)
def documents(session: Session, q: str, limit: int) -> list[dict]:
    return fulltext.results(session, q, ["documents"], limit)
