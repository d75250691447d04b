"""Correcting incidents (PUT/PATCH with versions, removal), and situations as the spine of a
case: edit, close and reopen with history, and the derived profile with the analyst's
overrides — the JSON API under /api (the pages are in situation_pages.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from forewarn.evidence import incidents as inc_mod
from forewarn.evidence import profile as prof
from forewarn.evidence import situations as sit_mod
from forewarn.evidence.access import actor_name, audit
from forewarn.evidence.api import unprocessable
from forewarn.evidence.deps import (
    CurrentPrincipal,
    check_edit,
    get_incident,
    get_situation,
    require,
)
from forewarn.evidence.incidents import IncidentError
from forewarn.evidence.models import RecordVersion
from forewarn.evidence.schemas import (
    IncidentIn,
    IncidentPatch,
    OverrideIn,
    SituationIn,
    SituationPatch,
    StatusIn,
)
from forewarn.evidence.views import incident_dict, situation_dict
from forewarn.web.deps import SessionDep

router = APIRouter(prefix="/api", tags=["evidence"])
EDIT = [Depends(require("edit:own"))]


# ------------------------------------------------------------------------ incidents
def edit_incident(session, principal, incident_id: int, changes: dict, reason: str,
                  replace: bool) -> dict:
    """Correct the incident (403 unless the caller may, 422 on a bad field); its JSON."""
    inc = get_incident(session, incident_id)
    check_edit(principal, inc.created_by)
    try:
        inc_mod.update_incident(session, inc, changes, principal, reason, replace=replace)
    except IncidentError as exc:
        session.rollback()
        raise unprocessable(exc) from None
    session.commit()
    return incident_dict(inc, principal)


@router.put("/evidence/incidents/{incident_id}", dependencies=EDIT)
def api_replace_incident(incident_id: int, body: IncidentIn, session: SessionDep,
                         principal: CurrentPrincipal, reason: str = ""):
    """Replace the incident's fields (the version before is kept with REASON)."""
    data = body.model_dump(mode="json", exclude={"sources"})
    return edit_incident(session, principal, incident_id, data, reason, replace=True)


@router.patch("/evidence/incidents/{incident_id}", dependencies=EDIT)
def api_patch_incident(incident_id: int, body: IncidentPatch, session: SessionDep,
                       principal: CurrentPrincipal):
    """Correct some fields of the incident (the version before is kept with the reason)."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    reason = changes.pop("reason", "")
    return edit_incident(session, principal, incident_id, changes, reason, replace=False)


@router.get("/evidence/incidents/{incident_id}/history")
def api_incident_history(incident_id: int, session: SessionDep, principal: CurrentPrincipal):
    """Earlier versions of the incident: who changed it, when, why, and what it said."""
    inc = get_incident(session, incident_id)
    return {"incident": incident_dict(inc, principal),
            "versions": inc_mod.versions(session, "incident", inc.id)}


# ------------------------------------------------------------------------ situations
@router.get("/situations/{situation_id}")
def api_situation(request: Request, situation_id: int, session: SessionDep,
                  principal: CurrentPrincipal):
    """The situation, with its derived profile's values (in full at .../profile)."""
    s = get_situation(session, situation_id)
    values = prof.derive(session, s, principal, request.app.state.settings)["values"]
    return situation_dict(s) | {"profile": {k: v["value"] for k, v in values.items()}}


def edit_situation(session, principal, situation_id: int, changes: dict,
                   reason: str) -> dict:
    """Edit the situation (403 unless the caller may, 422 on a bad field); its JSON."""
    s = get_situation(session, situation_id)
    check_edit(principal, s.created_by)
    try:
        sit_mod.update_situation(session, s, changes, principal, reason)
    except IncidentError as exc:
        session.rollback()
        raise unprocessable(exc) from None
    session.commit()
    return situation_dict(s)


@router.patch("/situations/{situation_id}", dependencies=EDIT)
def api_patch_situation(situation_id: int, body: SituationPatch, session: SessionDep,
                        principal: CurrentPrincipal):
    """Edit a situation (incident_ids replaces its incidents); the version before is kept."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    reason = changes.pop("reason", "")
    return edit_situation(session, principal, situation_id, changes, reason)


@router.put("/situations/{situation_id}", dependencies=EDIT)
def api_replace_situation(situation_id: int, body: SituationIn, session: SessionDep,
                          principal: CurrentPrincipal, reason: str = ""):
    return edit_situation(session, principal, situation_id, body.model_dump(mode="json"),
                           reason)


def change_status(session, principal, situation_id: int, status: str,
                  reason: str) -> dict:
    """Close or reopen the situation, with REASON; its JSON."""
    s = get_situation(session, situation_id)
    check_edit(principal, s.created_by)
    try:
        sit_mod.set_status(session, s, status, principal, reason)
    except IncidentError as exc:
        raise unprocessable(exc) from None
    session.commit()
    return situation_dict(s)


@router.post("/situations/{situation_id}/close", dependencies=EDIT)
def api_close_situation(situation_id: int, body: StatusIn, session: SessionDep,
                        principal: CurrentPrincipal):
    """Close the situation, saying why (kept in its history)."""
    return change_status(session, principal, situation_id, "closed", body.reason)


@router.post("/situations/{situation_id}/reopen", dependencies=EDIT)
def api_reopen_situation(situation_id: int, body: StatusIn, session: SessionDep,
                         principal: CurrentPrincipal):
    return change_status(session, principal, situation_id, "open", body.reason)


@router.get("/situations/{situation_id}/history")
def api_situation_history(situation_id: int, session: SessionDep):
    s = get_situation(session, situation_id)
    return {"situation": situation_dict(s),
            "versions": inc_mod.versions(session, "situation", s.id)}


def profile_payload(request: Request, session, principal, situation_id: int) -> dict:
    """The situation with its derived profile, as the API and the profile page show it."""
    s = get_situation(session, situation_id)
    derived = prof.derive(session, s, principal, request.app.state.settings)
    return {"situation": situation_dict(s), "profile": derived,
            "overridable": prof.situation_rules()["overridable"],
            "can_edit": principal.can("create")}


@router.get("/situations/{situation_id}/profile")
def api_situation_profile(request: Request, situation_id: int, session: SessionDep,
                          principal: CurrentPrincipal):
    """The derived profile: state role, armed conflict and its type, phase, crimes in play,
    each with the facts it rests on and any override."""
    return profile_payload(request, session, principal, situation_id)["profile"]


@router.post("/situations/{situation_id}/profile/overrides", status_code=201,
          dependencies=[Depends(require("create"))])
def api_override(request: Request, situation_id: int, body: OverrideIn, session: SessionDep,
                 principal: CurrentPrincipal):
    """Override one derived value with a reason (audited); value null withdraws it."""
    s = get_situation(session, situation_id)
    try:
        prof.set_override(session, s, body.key, body.value, body.reason, principal)
    except IncidentError as exc:
        raise unprocessable(exc) from None
    session.commit()
    return prof.derive(session, s, principal, request.app.state.settings)


@router.delete("/evidence/incidents/{incident_id}",
            dependencies=[Depends(require("edit:any"))])
def api_delete_incident(incident_id: int, session: SessionDep, principal: CurrentPrincipal,
                        reason: str = ""):
    """Remove an incident recorded in error (editors only, with REASON). Its last state is
    kept in the register's versions and the audit log; its sources and their custody logs
    stay."""
    if not reason.strip():
        raise HTTPException(422, "reason: say why the incident is removed")
    inc = get_incident(session, incident_id)
    state = inc_mod.incident_state(inc)
    session.add(RecordVersion(record_type="incident", record_id=inc.id,
                              version=inc.version or 1, data=state,
                              changed_by=actor_name(principal), reason=reason.strip()))
    audit(session, principal, "delete", "evidence_incident", inc.id, before=state,
          note=reason.strip())
    session.delete(inc)
    session.commit()
    return {"deleted": incident_id, "reason": reason.strip()}
