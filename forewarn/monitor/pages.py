"""Monitoring pages: the feed of monitored documents (filters: country, signal, language,
source, dates; the most severe passage highlighted) and per-country daily signals for charts
(JSON at a page path, kept where the country page's chart reads it). Every HTML page has a
JSON twin at the same path + ".json". Alerts, rules, feeds and corrections: alerts_pages.py;
the duty officer's view: duty_pages.py; `POST /api/documents`: api.py."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy import select

from forewarn.data import countries
from forewarn.monitor.corrections import KINDS
from forewarn.monitor.model import dehumanising_terms
from forewarn.monitor.models import MonitorDocument, MonitorSignal
from forewarn.monitor.riskfactors import describe
from forewarn.monitor.store import SEVERITY
from forewarn.security.deps import require
from forewarn.security.urls import safe_href
from forewarn.store.models import Country
from forewarn.web.deps import SessionDep
from forewarn.web.render import twin
from forewarn.web.search import matches

router = APIRouter()
READ = require("read:internal")
PAGE_SIZE = 50


def _highlight(text: str, terms: list[str]) -> list[dict]:
    """Segments of TEXT, with the matched terms marked (for <mark> in HTML)."""
    if not terms:
        return [{"text": text, "mark": False}]
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len,
                                                                reverse=True)), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append({"text": text[pos:m.start()], "mark": False})
        out.append({"text": m.group(0), "mark": True})
        pos = m.end()
    if pos < len(text):
        out.append({"text": text[pos:], "mark": False})
    return out


def _doc_json(d: MonitorDocument, iso3: str | None) -> dict:
    top = max(d.passages, default=None, key=lambda p: max(
        (getattr(p, k) or 0.0) for k in SEVERITY))
    terms = []
    if top is not None:
        terms = [c for t in (top.risk_tags or []) for c in t.get("cues", [])]

        terms += dehumanising_terms(top.text, d.language or "")[1]
    return {"id": d.id, "title": d.title, "source": d.source, "source_kind": d.source_kind,
            "url": safe_href(d.url), "published_at": d.published_at, "language": d.language,
            "country": iso3, "country_method": d.country_method, "label": d.label,
            "scores": d.scores, "near_duplicate_of": d.near_duplicate_of,
            "passage": top.text if top else "", "highlight": _highlight(top.text, terms)
            if top else [], "risk_tags": [{**{k: t[k] for k in ("indicator", "score", "cues")},
                                           "label": describe(t["indicator"])}
                                          for t in (top.risk_tags if top else [])]}


@twin(router, "/monitor", "monitor/feed.html", summary="Monitored documents, filtered",
      tags=["monitor"])
def feed(request: Request, session: SessionDep, principal=Depends(READ),
         country: str | None = Query(None, description="ISO3"),
         signal: str | None = Query(None, description="hateful, offensive, incitement, "
                                    "dehumanising, or a risk factor such as RF10"),
         language: str | None = None, source: str | None = None,
         date_from: date | None = None, date_to: date | None = None, page: int = 1,
         q: str | None = Query(None, max_length=200, description="Text in the title or body")):
    """Monitored documents, newest first, near-duplicates hidden."""
    stmt = (select(MonitorDocument, Country.iso3)
            .outerjoin(Country, Country.id == MonitorDocument.country_id)
            .where(MonitorDocument.near_duplicate_of.is_(None))
            .order_by(MonitorDocument.published_at.desc(), MonitorDocument.id.desc()))
    if country:
        stmt = stmt.where(Country.iso3 == country.upper())
    if text := " ".join((q or "").split()):
        stmt = stmt.where(matches(text, MonitorDocument.title, MonitorDocument.text))
    if language:
        stmt = stmt.where(MonitorDocument.language == language)
    if source:
        stmt = stmt.where(MonitorDocument.source == source)
    if date_from:
        stmt = stmt.where(MonitorDocument.published_at >= datetime.combine(date_from, time.min))
    if date_to:
        stmt = stmt.where(MonitorDocument.published_at
                          < datetime.combine(date_to + timedelta(1), time.min))
    rows = session.execute(stmt).all()
    docs = [_doc_json(d, iso3) for d, iso3 in rows]
    if signal in SEVERITY:
        docs = [d for d in docs if (d["scores"] or {}).get(signal) is not None
                and d["scores"][signal] >= 0.5]
    elif signal:
        docs = [d for d in docs if any(t["indicator"].split(".")[0] == signal.upper()
                                       for t in d["risk_tags"])]
    start = (max(page, 1) - 1) * PAGE_SIZE
    return {"filters": {"country": country, "signal": signal, "language": language,
                        "source": source, "q": q, "date_from": date_from, "date_to": date_to},
            "total": len(docs), "page": page, "documents": docs[start:start + PAGE_SIZE],
            "signals": list(SEVERITY), "correction_kinds": KINDS}


@router.get("/monitor/countries/{iso3}/signals.json", tags=["monitor"])
def country_signals(iso3: str, session: SessionDep, principal=Depends(READ),
                    days: int = Query(90, ge=1, le=3660)):
    """Daily counts and rates of each signal for one country (for the country page chart)."""
    c = countries.get(iso3)
    if c is None:
        raise HTTPException(404, f"unknown country {iso3}")
    cid = session.scalar(select(Country.id).where(Country.iso3 == c.iso3))
    rows = [] if cid is None else session.scalars(
        select(MonitorSignal).where(MonitorSignal.country_id == cid).order_by(
            MonitorSignal.day)).all()
    last = max((r.day for r in rows), default=date.today())
    series: dict[str, list] = {}
    for r in rows:
        if r.day > last - timedelta(days):
            series.setdefault(r.signal, []).append(
                {"day": r.day, "count": r.count, "total": r.total, "rate": r.rate})
    return {"country": c.iso3, "series": series}
