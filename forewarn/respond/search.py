"""Search groups of the response side: toolbox tools (name, Charter chapter, legal basis, tags,
lead actors, risks, safeguards; the toolbox is public, matched in memory), and the record of
measures taken and Security Council vetoes, from the full-text index (public records: the
decisions and votes they cite are public), and the reference facts registry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.respond import facts
from forewarn.respond.catalog import load_toolbox
from forewarn.respond.models import RespondMeasure, RespondVeto
from forewarn.web import fulltext
from forewarn.web.search import register_search, snippet


@register_search("tools", "Response toolbox", order=500)
def tools(session: Session, q: str, limit: int) -> list[dict]:
    words = fulltext.tokens(q)
    found = []
    for t in load_toolbox().tools:
        chapter = f"Chapter {t.chapter}" if t.chapter not in ("", "none") else ""
        text = " ".join((t.id.replace("_", " "), t.name, chapter, *t.basis, *t.tags,
                         *t.lead_actors, *t.risks, *t.safeguards))
        score = fulltext.text_score(words, fulltext.fold(text))
        if score is None:
            continue
        named = fulltext.text_score(words, fulltext.fold(f"{t.name} {chapter}"))
        found.append((score + (named or 0), {
            "title": t.name, "url": f"/toolbox/{t.id}",
            "snippet": f"{chapter + ' · ' if chapter else ''}coercion {t.coercion} · "
                       + ", ".join(t.basis),
            "meta": {"id": t.id, "pillar": t.pillar, "coercion": t.coercion,
                     "chapter": t.chapter}}))
    found.sort(key=lambda pair: -pair[0])
    return [r for _, r in found[:limit]]


def _tool_names() -> dict[str, str]:
    return {t.id: t.name for t in load_toolbox().tools}


def _measure(session: Session, key: str) -> list[dict]:
    m = session.get(RespondMeasure, int(key))
    if m is None:
        return []
    country = m.situation.country
    tool = _tool_names().get(m.tool_id, m.tool_id)
    return [fulltext.entry(
        title=f"{tool}: {country.name}, {m.date.isoformat()}", url="/respond/record",
        body=" ".join(x for x in (m.actor, m.decision_ref, m.situation.name, m.note,
                                  m.decision_url) if x),
        iso3=country.iso3, sort_date=m.date, extra_terms=f"{country.iso3} {m.tool_id} measure",
        meta={"id": m.id, "tool": m.tool_id, "date": m.date.isoformat()})]


def _veto(session: Session, key: str) -> list[dict]:
    v = session.get(RespondVeto, int(key))
    if v is None:
        return []
    return [fulltext.entry(
        title=f"Veto on {v.country.name}, {v.date.isoformat()}"
              + (f" ({v.draft})" if v.draft else ""), url="/respond/record",
        body=f"Draft {v.draft or 'unnamed'} vetoed by {v.members.replace(',', ', ')}. {v.note}",
        iso3=v.country.iso3, sort_date=v.date,
        extra_terms=f"{v.country.iso3} veto security council",
        meta={"id": v.id, "members": v.members, "date": v.date.isoformat()})]


fulltext.register_indexer("measures", (RespondMeasure,),
                          lambda obj: [str(obj.id)] if obj.id else [], _measure,
                          lambda s: [str(i) for i in s.scalars(select(RespondMeasure.id))])
fulltext.register_indexer("vetoes", (RespondVeto,), lambda obj: [str(obj.id)] if obj.id else [],
                          _veto, lambda s: [str(i) for i in s.scalars(select(RespondVeto.id))])


@register_search("measures", "Measures taken", order=510)
def measures(session: Session, q: str, limit: int) -> list[dict]:
    return fulltext.results(session, q, ["measures"], limit)


@register_search("vetoes", "Security Council vetoes", order=520)
def vetoes(session: Session, q: str, limit: int) -> list[dict]:
    return fulltext.results(session, q, ["vetoes"], limit)


@register_search("facts", "Reference facts", order=510)
def search_facts(session, q: str, limit: int) -> list[dict]:
    needle = q.casefold()
    out = []
    for f in facts.facts_for(session):
        text = " ".join((f.subject, f.status, f.summary, f.citation, f.iso3, f.organisation))
        if needle in text.casefold():
            where = f.iso3 or f.organisation
            out.append({"title": f"{facts.KINDS[f.kind]}: {where} {f.subject}",
                        "url": f"/facts?iso3={f.iso3}" if f.iso3 else "/facts",
                        "snippet": snippet(f"{f.status}. {f.summary} ({f.citation})", q),
                        "meta": {"kind": f.kind, "as_of": f.as_of, "source": f.source}})
        if len(out) >= limit:
            break
    return out
