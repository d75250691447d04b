"""Search group of monitored documents (readers with internal access, as for the feed)."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.monitor.models import MonitorDocument
from forewarn.store.models import Country
from forewarn.web.search import matches, register_search, snippet


@register_search("documents", "Monitored documents", permission="read:internal", order=400)
def documents(session: Session, q: str, limit: int) -> list[dict]:
    rows = session.execute(
        select(MonitorDocument, Country.iso3)
        .outerjoin(Country, Country.id == MonitorDocument.country_id)
        .where(MonitorDocument.near_duplicate_of.is_(None),
               matches(q, MonitorDocument.title, MonitorDocument.text))
        .order_by(MonitorDocument.published_at.desc(), MonitorDocument.id.desc()).limit(limit))
    out = []
    for d, iso3 in rows:
        where = "/monitor?" + urlencode({"q": q, **({"country": iso3} if iso3 else {})})
        out.append({"title": d.title or snippet(d.text, q, 80), "url": where,
                    "snippet": " · ".join(x for x in (iso3, d.language, d.source) if x)
                    + " — " + snippet(d.text, q),
                    "meta": {"id": d.id, "iso3": iso3, "url": d.url,
                             "published_at": d.published_at}})
    return out
