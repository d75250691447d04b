"""Search group of the response toolbox: tools whose name, legal basis, tags, lead actors,
risks or safeguards mention the query. The toolbox is public."""

from __future__ import annotations

from sqlalchemy.orm import Session

from forewarn.respond.catalog import load_toolbox
from forewarn.web.search import register_search


@register_search("tools", "Response toolbox", order=500)
def tools(session: Session, q: str, limit: int) -> list[dict]:
    needle = q.casefold()
    out = []
    for t in load_toolbox().tools:
        text = " ".join((t.id, t.name, t.chapter, *t.basis, *t.tags, *t.lead_actors, *t.risks,
                         *t.safeguards))
        if needle in text.casefold():
            chapter = f"Chapter {t.chapter} · " if t.chapter not in ("", "none") else ""
            out.append({"title": t.name, "url": f"/toolbox/{t.id}",
                        "snippet": f"{chapter}coercion {t.coercion} · " + ", ".join(t.basis),
                        "meta": {"id": t.id, "pillar": t.pillar, "coercion": t.coercion}})
    # Names that contain the query before tools that only mention it elsewhere.
    out.sort(key=lambda r: needle not in r["title"].casefold())
    return out[:limit]
from forewarn.respond import facts_web  # noqa: E402,F401  (registers the "facts" group)
