"""Search across Forewarn: the registry of result groups behind `/search?q=...` (and
`/search.json`; the page: search_pages.py).

Records stored in the database are found through one full-text index (forewarn/web/fulltext.py:
SQLite FTS5 or PostgreSQL full-text search, accents folded, prefix and fuzzy matching, ranked);
small public catalogues (countries, the Framework, the toolbox) are matched in memory the same
way (`fulltext.text_score`).

Each capability contributes what it can find from a `search.py` module of its own:

    from forewarn.web.search import register_search

    @register_search("incidents", "Incidents", order=300)
    def incidents(session, q, limit):      # q: the stripped query (2-200 characters)
        return [{"title": ..., "url": ..., "snippet": ..., "meta": ...}, ...]

Records are read through the request's session, so the per-record sensitivity filter applies
to search exactly as to every list page. A provider that needs a permission beyond reading
names it (`permission="read:internal"`) and is not asked at all for readers without it.
A provider that fails is reported as unavailable, and the other groups are still shown.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.orm import Session

import forewarn
from forewarn.data import countries
from forewarn.web import fulltext

log = logging.getLogger("forewarn.web")
MIN_LENGTH, MAX_LENGTH = 2, 200
SNIPPET = 160

Provider = Callable[[Session, str, int], list[dict]]


@dataclass(frozen=True)
class SearchProvider:
    key: str
    title: str
    search: Provider
    permission: str | None = None
    order: int = 100


PROVIDERS: dict[str, SearchProvider] = {}


def register_search(key: str, title: str, permission: str | None = None, order: int = 100):
    """Decorator: add a result group built by FN(session, q, limit) -> [result dict]."""

    def decorate(fn: Provider) -> Provider:
        PROVIDERS[key] = SearchProvider(key, title, fn, permission, order)
        return fn

    return decorate


def discover() -> None:
    """Import every capability's `search.py`, so its providers register."""
    for _ in forewarn.capability_modules("search"):
        pass  # importing registers the providers


def like(q: str) -> str:
    """A LIKE pattern matching Q anywhere, with LIKE's own wildcards taken literally."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", q) + "%"


def matches(q: str, *columns):
    """SQL: any of COLUMNS contains Q, ignoring case (ILIKE on PostgreSQL, LIKE on SQLite)."""
    pattern = like(q)
    return or_(*(c.ilike(pattern, escape="\\") for c in columns))


def snippet(text: str | None, q: str, width: int = SNIPPET) -> str:
    """A window of TEXT around the first occurrence of Q (the start if Q is not in it)."""
    text = " ".join((text or "").split())
    at = text.lower().find(q.lower())
    if len(text) <= width:
        return text
    start = max(0, at - width // 3) if at >= 0 else 0
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def search_all(session: Session, principal, q: str, limit: int) -> list[dict]:
    groups = []
    for p in sorted(PROVIDERS.values(), key=lambda p: (p.order, p.key)):
        if p.permission and not principal.can(p.permission):
            continue
        try:
            results = p.search(session, q, limit + 1)
        except Exception:  # noqa: BLE001 - one broken group must not take the page down
            log.exception("search provider %s failed", p.key)
            session.rollback()
            groups.append({"key": p.key, "title": p.title, "status": "unavailable",
                           "results": [], "more": False})
            continue
        groups.append({"key": p.key, "title": p.title, "status": "ready",
                       "results": results[:limit], "more": len(results) > limit})
    return groups


@register_search("countries", "Countries", order=10)
def _countries(session: Session, q: str, limit: int) -> list[dict]:
    needle = fulltext.fold(q)
    words = needle.split()
    found = []
    for c in countries.all_countries():
        names = [fulltext.fold(n) for n in (c.name, c.ewp_name, c.ucdp_name) if n]
        if c.iso3.casefold() == needle:
            score = 100.0
        else:
            scores = [fulltext.text_score(words, n) for n in names]
            scores = [x for x in scores if x is not None]
            if not scores:
                continue
            score = max(scores) + (50 if needle in names else 0) + (
                5 if any(n.startswith(needle) for n in names) else 0) + max(
                difflib.SequenceMatcher(None, needle, n).ratio() for n in names)
        found.append((score, {"title": c.name, "url": f"/countries/{c.iso3}",
                              "snippet": f"{c.iso3} · {c.region}", "meta": {"iso3": c.iso3}}))
    # Exact code or name first, then names that start with the query, then the rest.
    found.sort(key=lambda pair: (-pair[0], pair[1]["title"]))
    return [r for _, r in found[:limit]]
