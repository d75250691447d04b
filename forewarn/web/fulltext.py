"""One full-text index over every capability's records: SQLite FTS5 on the embedded default,
PostgreSQL full-text search (tsvector, GIN index) on a server; accent folding, prefix and fuzzy
matching ("Sudann" finds Sudan), ranking with titles weighted above bodies.

Each capability registers an indexer in its own search.py:

    register_indexer("incidents", (Incident,), keys=lambda obj: [str(obj.id)],
                     build=lambda session, key: [entry(...)], all_keys=...)

The index follows every ORM write: after each flush, the records touched are indexed again in
the same transaction (so a rolled-back write leaves no trace in the index). `reindex_all`
rebuilds everything (`forewarn db reindex`; also done on first use of an empty index).

Who sees what: index rows copy their record's sensitivity, so the ordinary filter
(forewarn.security) hides rows above the reader's clearance, and `audience` narrows further
("editors": drafts, for analysts and reviewers; or a permission such as "read:internal").
Ranking reads only row ids in raw SQL; rows are then loaded through the reader's session.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from sqlalchemy import delete, event, insert, inspect, select, text
from sqlalchemy.orm import Session

from forewarn.security import SYSTEM, principal_of
from forewarn.web.models import SearchEntry

log = logging.getLogger("forewarn.web")
# What the migration creates beside search_entry on each backend (not in the ORM metadata).
BACKEND_OBJECTS = ("search_fts", "search_vocab", "ix_search_entry_fts")
CANDIDATES = 400  # ranked ids read per query before the reader's filter
EXCERPT = 2000


def fold(value: object) -> str:
    """Lower case, accents removed, words only: 'Côte d’Ivoire' → 'cote d ivoire'."""
    return _fold(str(value or ""))


@lru_cache(maxsize=16384)  # the in-memory catalogues fold the same texts for every query
def _fold(value: str) -> str:
    raw = unicodedata.normalize("NFKD", value)
    raw = "".join(c for c in raw if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", raw))


def tokens(q: str) -> list[str]:
    return fold(q).split()[:12]


@dataclass(frozen=True)
class Indexer:
    kind: str
    models: tuple[type, ...]
    keys: Callable[[object], list[str]]          # record keys a changed object touches
    build: Callable[[Session, str], list[dict]]  # entries of one record ([]: remove it)
    all_keys: Callable[[Session], Iterable[str]]


INDEXERS: dict[str, Indexer] = {}


def register_indexer(kind: str, models: tuple[type, ...], keys, build, all_keys) -> None:
    INDEXERS[kind] = Indexer(kind, tuple(models), keys, build, all_keys)


def entry(*, title: str, url: str, body: str = "", sensitivity="public", part: str = "",
          iso3: str = "", audience: str = "all", sort_date=None, meta: dict | None = None,
          extra_terms: str = "") -> dict:
    """One index row. BODY is the searchable text (its start is the excerpt shown)."""
    body = " ".join(str(body or "").split())
    return {"title": (title or "")[:300], "url": url[:300], "excerpt": body[:EXCERPT],
            "part": part, "iso3": iso3 or "", "audience": audience, "sort_date": sort_date,
            "meta": meta or {}, "sensitivity": str(getattr(sensitivity, "value", sensitivity)),
            "title_terms": fold(title), "body_terms": fold(f"{body} {extra_terms}")}


# -- writing -----------------------------------------------------------------------------------
def _system_session(conn) -> Session:
    s = Session(bind=conn)
    s.info["principal"] = SYSTEM
    s.info["search_indexing"] = True
    return s


def _write(conn, kind: str, key: str, rows: list[dict]) -> None:
    table = SearchEntry.__table__
    conn.execute(delete(table).where(table.c.kind == kind, table.c.record_key == key))
    if rows:
        conn.execute(insert(table), [{**r, "kind": kind, "record_key": key} for r in rows])


def reindex(conn, touched: Iterable[tuple[str, str]]) -> None:
    with _system_session(conn) as s:
        for kind, key in sorted(set(touched)):
            _write(conn, kind, key, INDEXERS[kind].build(s, key))


BUILT = "_built"  # a marker row: the whole index was built once (never shown to anyone)


def reindex_all(conn, kinds: Iterable[str] | None = None) -> int:
    """Rebuild the index (or KINDS of it) from the records; returns the rows written."""
    discover()
    n = 0
    with _system_session(conn) as s:
        for kind in kinds or list(INDEXERS):
            table = SearchEntry.__table__
            conn.execute(delete(table).where(table.c.kind == kind))
            for key in INDEXERS[kind].all_keys(s):
                rows = INDEXERS[kind].build(s, key)
                _write(conn, kind, key, rows)
                n += len(rows)
    if kinds is None:
        _write(conn, BUILT, "all", [entry(title="index built", url="/search",
                                          audience="nobody")])
    return n


_ready: dict[str, bool] = {}


def _has_index(conn) -> bool:
    url = str(conn.engine.url)
    if not _ready.get(url):
        _ready[url] = inspect(conn).has_table("search_entry")
    return _ready[url]


_discovered = False


def discover() -> None:
    """Import every capability's search.py (their indexers register there)."""
    global _discovered
    if not _discovered:
        _discovered = True
        from forewarn.web import search  # cycle: web.search imports web.fulltext

        search.discover()


def _models() -> dict[type, list[Indexer]]:
    discover()
    out: dict[type, list[Indexer]] = {}
    for idx in INDEXERS.values():
        for model in idx.models:
            out.setdefault(model, []).append(idx)
    return out


def _note(session, objects) -> None:
    by_model = _models()
    touched = session.info.setdefault("search_touched", set())
    for obj in objects:
        for idx in by_model.get(type(obj), ()):
            try:
                touched.update((idx.kind, k) for k in idx.keys(obj) if k)
            except Exception:  # noqa: BLE001 - an object half built; the next flush catches it
                log.debug("search: no keys for %r", obj, exc_info=True)


@event.listens_for(Session, "after_flush")
def _collect(session, _ctx) -> None:
    if session.info.get("search_indexing"):
        return
    objects = list(chain(session.new, session.dirty, session.deleted))
    if not _discovered:
        # Discovery imports modules that add Session listeners; adding one while SQLAlchemy
        # runs the after_flush listeners fails ("deque mutated during iteration"), so the
        # first flush of a process notes its objects and discovers after the flush.
        session.info.setdefault("search_undiscovered", []).extend(objects)
        return
    _note(session, objects)


@event.listens_for(Session, "after_flush_postexec")
def _apply(session, _ctx) -> None:
    pending = session.info.pop("search_undiscovered", None)
    if pending and not session.info.get("search_indexing"):
        _note(session, pending)
    touched = session.info.pop("search_touched", None)
    if not touched or session.info.get("search_indexing"):
        return
    conn = session.connection()
    if _has_index(conn):
        reindex(conn, touched)


# -- reading -----------------------------------------------------------------------------------
def _sqlite_query(words: list[str]) -> str:
    return " AND ".join(f'"{w}" *' for w in words)


def _pg_query(words: list[str]) -> str:
    return " & ".join(f"{w}:*" for w in words)


PG_VECTOR = ("(setweight(to_tsvector('simple', title_terms), 'A') || "
             "setweight(to_tsvector('simple', body_terms), 'B'))")


def _ranked_ids(session: Session, words: list[str], kinds: list[str]) -> list[int]:
    """Ids of index rows matching every word, best first (ids only: no content is read)."""
    params: dict = {f"k{i}": k for i, k in enumerate(kinds)}
    kind_in = ", ".join(f":k{i}" for i in range(len(kinds)))
    if session.get_bind().dialect.name == "postgresql":
        sql = (f"SELECT e.id FROM search_entry e, to_tsquery('simple', :q) query "
               f"WHERE e.kind IN ({kind_in}) AND {PG_VECTOR} @@ query "
               f"ORDER BY ts_rank_cd({PG_VECTOR}, query) DESC, e.id DESC LIMIT :n")
        params["q"] = _pg_query(words)
    else:
        sql = (f"SELECT e.id FROM search_fts JOIN search_entry e ON e.id = search_fts.rowid "
               f"WHERE search_fts MATCH :q AND e.kind IN ({kind_in}) "
               f"ORDER BY bm25(search_fts, 4.0, 1.0), e.id DESC LIMIT :n")
        params["q"] = _sqlite_query(words)
    params["n"] = CANDIDATES
    return [row[0] for row in session.execute(text(sql), params)]


def _vocabulary(session: Session, word: str) -> list[str]:
    """Indexed words that could be within difflib's 0.8 ratio of WORD: same first letter, and
    a length from 2/3 to 3/2 of its own (a ratio of 0.8 is impossible outside)."""
    if session.get_bind().dialect.name == "postgresql":
        sql = ("SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', title_terms || '' '' "
               "|| body_terms) FROM search_entry') WHERE word LIKE :p "
               "AND length(word) BETWEEN :lo AND :hi")
    else:
        sql = ("SELECT term FROM search_vocab WHERE term LIKE :p "
               "AND length(term) BETWEEN :lo AND :hi")
    bounds = {"p": word[0] + "%", "lo": -(-2 * len(word) // 3), "hi": 3 * len(word) // 2}
    return [row[0] for row in session.execute(text(sql), bounds)]


def corrected(session: Session, words: list[str]) -> list[str]:
    """Each word the index does not hold replaced by its closest indexed word, if close.
    Worked out once per request: every search group asks for the same words."""
    memo = session.info.setdefault("forewarn.web.fulltext:corrected", {})
    if tuple(words) not in memo:
        out = []
        for w in words:
            vocab = _vocabulary(session, w) if len(w) >= 4 else []
            if w in vocab or not vocab:
                out.append(w)
                continue
            close = difflib.get_close_matches(w, vocab, n=1, cutoff=0.8)
            out.append(close[0] if close else w)
        memo[tuple(words)] = out
    return memo[tuple(words)]


def _visible(principal, row: SearchEntry) -> bool:
    if row.audience in ("", "all"):
        return True
    if row.audience == "editors":
        return principal.can("create") or principal.can("review")
    return principal.can(row.audience)


def _load(session: Session, ids: list[int]) -> list[SearchEntry]:
    if not ids:
        return []
    rows = {r.id: r for r in session.scalars(select(SearchEntry).where(SearchEntry.id.in_(ids)))}
    principal = principal_of(session)
    return [rows[i] for i in ids if i in rows and _visible(principal, rows[i])]


def ensure_built(session: Session) -> None:
    """First use of the index on a database whose records predate it (or were written by a
    process that did not index them): build it whole, once."""
    conn = session.connection()
    if not _has_index(conn):
        return
    marker = text("SELECT 1 FROM search_entry WHERE kind = :k LIMIT 1")
    if conn.execute(marker, {"k": BUILT}).first() is None:
        reindex_all(conn)
        session.commit()


def find(session: Session, q: str, kinds: list[str], limit: int) -> tuple[list[SearchEntry], bool]:
    """Visible index rows of KINDS matching Q, best first; fuzzy when nothing matches exactly.
    Returns (rows, fuzzy)."""
    words = tokens(q)
    if not words or not _has_index(session.connection()):
        return [], False
    rows = _load(session, _ranked_ids(session, words, kinds))
    fuzzy = False
    if not rows:
        fixed = corrected(session, words)
        if fixed != words:
            rows, fuzzy = _load(session, _ranked_ids(session, fixed, kinds)), True
    seen, out = set(), []
    for r in rows:  # one result per record (e.g. its published or its working copy)
        if (r.kind, r.record_key) not in seen:
            seen.add((r.kind, r.record_key))
            out.append(r)
    return out[:limit], fuzzy


def results(session: Session, q: str, kinds: list[str], limit: int) -> list[dict]:
    """find() as search-page results."""
    from forewarn.web.search import snippet  # cycle: web.search imports web.fulltext

    rows, fuzzy = find(session, q, kinds, limit)
    return [{"title": r.title, "url": r.url, "snippet": snippet(r.excerpt, q),
             "meta": {**(r.meta or {}), "kind": r.kind, "iso3": r.iso3 or None,
                      **({"fuzzy": True} if fuzzy else {})}} for r in rows]


# -- matching small in-memory catalogues (countries, toolbox, framework) the same way ---------
@lru_cache(maxsize=16384)
def _vocab(folded: str) -> frozenset[str]:
    return frozenset(folded.split())


@lru_cache(maxsize=65536)  # a query's words against the same catalogue texts, page after page
def _close(word: str, vocab: frozenset[str]) -> bool:
    return bool(difflib.get_close_matches(word, vocab, n=1, cutoff=0.8))


def text_score(words: list[str], folded: str) -> float | None:
    """How well WORDS match FOLDED text (all must: exactly 2, as a prefix 1.5, fuzzily 1)."""
    if not words:
        return None
    vocab = _vocab(folded)
    score = 0.0
    for w in words:
        if w in vocab:
            score += 2
        elif any(v.startswith(w) for v in vocab):
            score += 1.5
        elif len(w) >= 4 and _close(w, vocab):
            score += 1
        else:
            return None
    if f" {' '.join(words)} " in f" {folded} ":
        score += 1  # the words together, in order
    return score
