"""Web dependencies for the register: who is calling (forewarn.security), the blob store,
edit rights, and loading records the caller may read (404 otherwise)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from forewarn.evidence.access import AccessDenied
from forewarn.evidence.models import Incident, Situation, Source
from forewarn.evidence.storage import BlobStore
from forewarn.security import ownership
from forewarn.security.deps import CurrentPrincipal, require  # noqa: F401  (re-exported)


def get_store(request: Request) -> BlobStore:
    return BlobStore.for_settings(request.app.state.settings)


StoreDep = Annotated[BlobStore, Depends(get_store)]


def check_edit(principal, created_by) -> None:
    """403 unless PRINCIPAL may change a record created by CREATED_BY (or the record)."""
    try:
        ownership.check(principal, created_by)
    except AccessDenied as exc:
        raise HTTPException(403, str(exc)) from None


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
