"""Search groups of the Framework of Analysis: risk factors and indicators whose wording (with
any administrator override) matches the query (the catalogue is public), and assessments in
the full-text index: country, summary, rationales and evidence of the published snapshot for
every reader within its clearance, and of the working copy for analysts and reviewers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.assess.catalog import load_framework
from forewarn.assess.models import Assessment, AssessmentVersion
from forewarn.web import fulltext
from forewarn.web.search import register_search, snippet


@register_search("framework", "Framework of Analysis", order=200)
def framework(session: Session, q: str, limit: int) -> list[dict]:
    settings = session.info.get("settings")
    words = fulltext.tokens(q)
    found = []
    for f in load_framework(settings.data_dir if settings else None).factors:
        score = fulltext.text_score(words, fulltext.fold(f"{f.id} {f.title} {f.summary}"))
        if score is not None:
            found.append((score + 1, {"title": f"{f.id}. {f.title}", "url": f"/framework#{f.id}",
                                      "snippet": snippet(f.summary, q), "meta": {"id": f.id}}))
        for i in f.indicators:
            score = fulltext.text_score(words, fulltext.fold(f"{i.id} {i.text}"))
            if score is not None:
                found.append((score, {"title": f"{i.id} ({f.title})", "url": f"/framework#{i.id}",
                                      "snippet": snippet(i.text, q), "meta": {"id": i.id}}))
    found.sort(key=lambda pair: -pair[0])  # stable: catalogue order among equals
    return [r for _, r in found[:limit]]


def _content_text(content: dict) -> str:
    parts = [content.get("summary", "")]
    for r in content.get("ratings", []):
        parts += [r.get("indicator", ""), r.get("rating", "").replace("_", " "),
                  r.get("rationale", "")]
        for e in r.get("evidence") or []:
            parts += [e.get("title") or "", e.get("url") or "", e.get("citation") or ""]
    return " ".join(p for p in parts if p)


def _entries(session: Session, key: str) -> list[dict]:
    a = session.get(Assessment, int(key))
    if a is None:
        return []
    title = f"{a.country.name}, as of {a.as_of.isoformat()}"
    common = {"title": title, "url": f"/assessments/{a.id}", "sensitivity": a.sensitivity,
              "iso3": a.country.iso3, "sort_date": a.as_of,
              "extra_terms": f"{a.country.iso3} assessment framework"}
    out = []
    versions = {v.number: v for v in session.scalars(select(AssessmentVersion).where(
        AssessmentVersion.assessment_id == a.id, AssessmentVersion.number.in_(
            [n for n in (a.published_version, a.current_version) if n])))}
    if a.published_version and a.published_version in versions:
        out.append(fulltext.entry(part="published", audience="all", **common,
                                  body=_content_text(versions[a.published_version].content),
                                  meta={"id": a.id, "status": "published", "demo": a.demo}))
    working = versions.get(a.current_version)
    if working is not None and a.current_version != a.published_version:
        out.append(fulltext.entry(part="working", audience="editors", **common,
                                  body=_content_text(working.content),
                                  meta={"id": a.id, "status": a.status, "demo": a.demo}))
    return out


fulltext.register_indexer(
    "assessments", (Assessment, AssessmentVersion),
    keys=lambda obj: [str(obj.id if isinstance(obj, Assessment) else obj.assessment_id)],
    build=_entries,
    all_keys=lambda s: [str(i) for i in s.scalars(select(Assessment.id))])


@register_search("assessments", "Framework assessments", order=210)
def assessments(session: Session, q: str, limit: int) -> list[dict]:
    return fulltext.results(session, q, ["assessments"], limit)
