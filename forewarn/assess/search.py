"""Search group of the Framework of Analysis: risk factors and indicators whose wording (with
any administrator override) contains the query. The catalogue is public."""

from __future__ import annotations

from sqlalchemy.orm import Session

from forewarn.assess.catalog import load_framework
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
