"""Search groups of the Framework of Analysis: risk factors and indicators whose wording (with
any administrator override) contains the query (the catalogue is public), and the assessments
of countries whose name or code matches it, as the assessments list shows them to the reader
(editors: every state; others: published ones; always within the reader's clearance)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from forewarn.assess.access import actor_from_principal
from forewarn.assess.catalog import load_framework
from forewarn.assess.service import list_assessments
from forewarn.data import countries
from forewarn.security import principal_of
from forewarn.web.search import register_search, snippet


@register_search("framework", "Framework of Analysis", order=200)
def framework(session: Session, q: str, limit: int) -> list[dict]:
    settings = session.info.get("settings")
    needle = q.casefold()
    out = []
    for f in load_framework(settings.data_dir if settings else None).factors:
        if needle in f"{f.id} {f.title} {f.summary}".casefold():
            out.append({"title": f"{f.id}. {f.title}", "url": f"/framework#{f.id}",
                        "snippet": snippet(f.summary, q), "meta": {"id": f.id}})
        for i in f.indicators:
            if needle in f"{i.id} {i.text}".casefold():
                out.append({"title": f"{i.id} ({f.title})", "url": f"/framework#{i.id}",
                            "snippet": snippet(i.text, q), "meta": {"id": i.id}})
    return out[:limit]


@register_search("assessments", "Framework assessments", order=210)
def assessments(session: Session, q: str, limit: int) -> list[dict]:
    needle = q.casefold()
    iso3s = {c.iso3 for c in countries.all_countries()
             if needle == c.iso3.casefold() or needle in c.name.casefold()
             or needle in c.ewp_name.casefold()}
    if not iso3s:
        return []
    actor = actor_from_principal(principal_of(session))
    rows = [a for a in list_assessments(session, actor) if a.country.iso3 in iso3s]
    return [{"title": f"{a.country.name}, as of {a.as_of.isoformat()}",
             "url": f"/assessments/{a.id}",
             "snippet": f"{a.status} · version {a.current_version}"
                        + (" · demonstration" if a.demo else ""),
             "meta": {"id": a.id, "iso3": a.country.iso3, "status": a.status}}
            for a in rows[:limit]]
