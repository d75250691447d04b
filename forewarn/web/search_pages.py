"""The search page, `/search?q=...` and its JSON twin `/search.json` (the result groups each
capability registers: search.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

from forewarn.security import principal_of
from forewarn.web import fulltext
from forewarn.web.deps import SessionDep
from forewarn.web.render import twin
from forewarn.web.search import MAX_LENGTH, MIN_LENGTH, search_all

router = APIRouter()


@twin(router, "/search", "search.html", summary="Search countries, records and catalogues",
      tags=["search"])
def search_page(request: Request, session: SessionDep,
                q: str = Query("", max_length=MAX_LENGTH, description="What to look for"),
                limit: int = Query(10, ge=1, le=50, description="Results per group")) -> dict[
                    str, Any]:
    """Countries, evidence, monitored documents, the Framework of Analysis and the response
    toolbox, each group limited to what the reader may see."""
    q = " ".join(q.split())
    if q and len(q) < MIN_LENGTH:
        raise HTTPException(422, f"q: at least {MIN_LENGTH} characters, please")

    principal = principal_of(session)
    if q:
        fulltext.ensure_built(session)
    groups = search_all(session, principal, q, limit) if q else []
    return {"q": q, "limit": limit, "groups": groups,
            "total": sum(len(g["results"]) for g in groups)}
