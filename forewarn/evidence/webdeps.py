"""Web dependencies for the register: who is calling (forewarn.security), the blob store,
edit rights, and loading records the caller may read (404 otherwise)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from forewarn.evidence.access import actor_name
from forewarn.evidence.models import Incident, Situation, Source
from forewarn.evidence.storage import BlobStore
from forewarn.security.deps import CurrentPrincipal, require  # noqa: F401  (re-exported)


def get_store(request: Request) -> BlobStore:
    return BlobStore.for_settings(request.app.state.settings)


StoreDep = Annotated[BlobStore, Depends(get_store)]


def may_edit(principal, created_by: str) -> bool:
    """edit:any, or edit:own on one's own record."""
    return principal.can("edit:any") or (principal.can("edit:own")
                                         and created_by == actor_name(principal))


def check_edit(principal, created_by: str) -> None:
    if not may_edit(principal, created_by):
        raise HTTPException(403, f"Your role ({principal.role}) may not change a record "
                            f"created by {created_by}.")


def get_source(session, source_id: int) -> Source:
    s = session.get(Source, source_id)
    if s is None:
        raise HTTPException(404, f"No source #{source_id} (or you may not read it).")
    return s


def get_incident(session, incident_id: int) -> Incident:
    i = session.get(Incident, incident_id)
    if i is None:
        raise HTTPException(404, f"No incident #{incident_id} (or you may not read it).")
    return i


def get_situation(session, situation_id: int) -> Situation:
    s = session.get(Situation, situation_id)
    if s is None:
        raise HTTPException(404, f"No situation #{situation_id} (or you may not read it).")
    return s
