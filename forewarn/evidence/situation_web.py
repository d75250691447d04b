"""Correcting incidents (PUT/PATCH with versions), and situations as the spine of a case:
create, edit, close and reopen with history, and the derived profile with the analyst's
overrides — JSON API under /api and the pages under /situations."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from forewarn.evidence import incidents as inc_mod
from forewarn.evidence import profile as prof
from forewarn.evidence import situations as sit_mod
from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.incidents import IncidentError
from forewarn.evidence.models import Incident
from forewarn.evidence.schemas import (
    IncidentIn,
    IncidentPatch,
    OverrideIn,
    SituationIn,
    SituationPatch,
    StatusIn,
)
from forewarn.evidence.views import incident_dict, situation_dict
from forewarn.evidence.webdeps import (
    CurrentPrincipal,
    check_edit,
    get_incident,
    get_situation,
    require,
)
from forewarn.web.deps import SessionDep
from forewarn.web.render import twin

api = APIRouter(prefix="/api", tags=["evidence"])
pages = APIRouter()
EDIT = [Depends(require("edit:own"))]
TAGS = ["evidence pages"]


def _422(exc: Exception) -> HTTPException:
    return HTTPException(422, str(exc))


# ------------------------------------------------------------------------ incidents
def _edit_incident(session, principal, incident_id: int, changes: dict, reason: str,
                   replace: bool) -> dict:
    inc = get_incident(session, incident_id)
    check_edit(principal, inc.created_by)
    try:
        inc_mod.update_incident(session, inc, changes, principal, reason, replace=replace)
    except IncidentError as exc:
        session.rollback()
        raise _422(exc) from None
    session.commit()
    return incident_dict(inc, principal)


@api.put("/evidence/incidents/{incident_id}", dependencies=EDIT)
def api_replace_incident(incident_id: int, body: IncidentIn, session: SessionDep,
                         principal: CurrentPrincipal, reason: str = ""):
    """Replace the incident's fields (the version before is kept with REASON)."""
    data = body.model_dump(mode="json", exclude={"sources"})
    return _edit_incident(session, principal, incident_id, data, reason, replace=True)


@api.patch("/evidence/incidents/{incident_id}", dependencies=EDIT)
def api_patch_incident(incident_id: int, body: IncidentPatch, session: SessionDep,
                       principal: CurrentPrincipal):
    """Correct some fields of the incident (the version before is kept with the reason)."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    reason = changes.pop("reason", "")
    return _edit_incident(session, principal, incident_id, changes, reason, replace=False)


@api.get("/evidence/incidents/{incident_id}/history")
def api_incident_history(incident_id: int, session: SessionDep, principal: CurrentPrincipal):
    """Earlier versions of the incident: who changed it, when, why, and what it said."""
    inc = get_incident(session, incident_id)
    return {"incident": incident_dict(inc, principal),
            "versions": inc_mod.versions(session, "incident", inc.id)}


# ------------------------------------------------------------------------ situations
@api.get("/situations/{situation_id}")
def api_situation(request: Request, situation_id: int, session: SessionDep,
                  principal: CurrentPrincipal):
    """The situation, with its derived profile's values (in full at .../profile)."""
    s = get_situation(session, situation_id)
    values = prof.derive(session, s, principal, request.app.state.settings)["values"]
    return situation_dict(s) | {"profile": {k: v["value"] for k, v in values.items()}}


def _edit_situation(session, principal, situation_id: int, changes: dict, reason: str) -> dict:
    s = get_situation(session, situation_id)
    check_edit(principal, s.created_by)
    try:
        sit_mod.update_situation(session, s, changes, principal, reason)
    except IncidentError as exc:
        session.rollback()
        raise _422(exc) from None
    session.commit()
    return situation_dict(s)


@api.patch("/situations/{situation_id}", dependencies=EDIT)
def api_patch_situation(situation_id: int, body: SituationPatch, session: SessionDep,
                        principal: CurrentPrincipal):
    """Edit a situation (incident_ids replaces its incidents); the version before is kept."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    reason = changes.pop("reason", "")
    return _edit_situation(session, principal, situation_id, changes, reason)


@api.put("/situations/{situation_id}", dependencies=EDIT)
def api_replace_situation(situation_id: int, body: SituationIn, session: SessionDep,
                          principal: CurrentPrincipal, reason: str = ""):
    return _edit_situation(session, principal, situation_id, body.model_dump(mode="json"),
                           reason)


def _status(session, principal, situation_id: int, status: str, reason: str) -> dict:
    s = get_situation(session, situation_id)
    check_edit(principal, s.created_by)
    try:
        sit_mod.set_status(session, s, status, principal, reason)
    except IncidentError as exc:
        raise _422(exc) from None
    session.commit()
    return situation_dict(s)


@api.post("/situations/{situation_id}/close", dependencies=EDIT)
def api_close_situation(situation_id: int, body: StatusIn, session: SessionDep,
                        principal: CurrentPrincipal):
    """Close the situation, saying why (kept in its history)."""
    return _status(session, principal, situation_id, "closed", body.reason)


@api.post("/situations/{situation_id}/reopen", dependencies=EDIT)
def api_reopen_situation(situation_id: int, body: StatusIn, session: SessionDep,
                         principal: CurrentPrincipal):
    return _status(session, principal, situation_id, "open", body.reason)


@api.get("/situations/{situation_id}/history")
def api_situation_history(situation_id: int, session: SessionDep):
    s = get_situation(session, situation_id)
    return {"situation": situation_dict(s),
            "versions": inc_mod.versions(session, "situation", s.id)}


def profile_payload(request: Request, session, principal, situation_id: int) -> dict:
    s = get_situation(session, situation_id)
    derived = prof.derive(session, s, principal, request.app.state.settings)
    return {"situation": situation_dict(s), "profile": derived,
            "overridable": prof.situation_rules()["overridable"],
            "can_edit": principal.can("create")}


@api.get("/situations/{situation_id}/profile")
def api_situation_profile(request: Request, situation_id: int, session: SessionDep,
                          principal: CurrentPrincipal):
    """The derived profile: state role, armed conflict and its type, phase, crimes in play,
    each with the facts it rests on and any override."""
    return profile_payload(request, session, principal, situation_id)["profile"]


@api.post("/situations/{situation_id}/profile/overrides", status_code=201,
          dependencies=[Depends(require("create"))])
def api_override(request: Request, situation_id: int, body: OverrideIn, session: SessionDep,
                 principal: CurrentPrincipal):
    """Override one derived value with a reason (audited); value null withdraws it."""
    s = get_situation(session, situation_id)
    try:
        prof.set_override(session, s, body.key, body.value, body.reason, principal)
    except IncidentError as exc:
        raise _422(exc) from None
    session.commit()
    return prof.derive(session, s, principal, request.app.state.settings)


# ------------------------------------------------------------------------------ pages
def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@twin(pages, "/situations/{situation_id}/profile", "evidence/situation_profile.html", tags=TAGS)
def situation_profile_page(request: Request, situation_id: int, session: SessionDep,
                           principal: CurrentPrincipal):
    """A situation's derived profile with the facts each value rests on, its incidents, and
    the forms to add incidents, override a value, edit or close it."""
    data = profile_payload(request, session, principal, situation_id)
    s = get_situation(session, situation_id)
    data["incidents"] = [incident_dict(i, principal) for i in s.incidents]
    linked = {i.id for i in s.incidents}
    data["other_incidents"] = [
        {"id": i.id, "title": i.title} for i in session.scalars(
            select(Incident).order_by(Incident.id.desc()).limit(50)) if i.id not in linked]
    data["history"] = inc_mod.versions(session, "situation", s.id)
    data["standards"] = vocabulary()["standards_of_proof"]
    return data


async def _form(request: Request) -> dict:
    form = await request.form()
    return {k: form.get(k) for k in form.keys() if k != "csrf_token"} | {
        "incident_ids": form.getlist("incident_ids")}


@pages.post("/situations/{situation_id}/profile/overrides", include_in_schema=False)
async def override_submit(request: Request, situation_id: int, session: SessionDep,
                          principal=Depends(require("create"))):
    form = await _form(request)
    s = get_situation(session, situation_id)
    try:
        prof.set_override(session, s, form.get("key") or "", form.get("value") or None,
                          form.get("reason") or "", principal)
    except IncidentError as exc:
        raise _422(exc) from None
    session.commit()
    return _see_other(f"/situations/{s.id}/profile")


@pages.post("/situations/{situation_id}/edit", include_in_schema=False)
async def situation_edit_submit(request: Request, situation_id: int, session: SessionDep,
                                principal=Depends(require("edit:own"))):
    form = await _form(request)
    changes = {k: form[k] for k in ("title", "period_start", "period_end", "summary",
                                    "protected_groups", "perpetrators", "other_countries")
               if k in form}
    if form.get("add_incidents"):
        s = get_situation(session, situation_id)
        changes["incident_ids"] = [i.id for i in s.incidents] + [
            int(i) for i in form["incident_ids"] if str(i).isdigit()]
    _edit_situation(session, principal, situation_id, changes, form.get("reason") or "")
    return _see_other(f"/situations/{situation_id}/profile")


@pages.post("/situations/{situation_id}/status", include_in_schema=False)
async def situation_status_submit(request: Request, situation_id: int, session: SessionDep,
                                  principal=Depends(require("edit:own"))):
    form = await _form(request)
    _status(session, principal, situation_id, form.get("status") or "",
            form.get("reason") or "")
    return _see_other(f"/situations/{situation_id}/profile")


def _form_values(inc: Incident) -> dict:
    """The incident as the form's fields (for correcting it)."""
    values = {k: getattr(inc, k) for k in ("title", "summary", "place", "date_precision",
                                           "perpetrator_kind", "latitude", "longitude")}
    values |= {"date_start": inc.date_start.isoformat(), "date_end": inc.date_end.isoformat(),
               "country": inc.country.iso3 if inc.country else "",
               "harm_types": list(inc.harm_types), "perpetrators": "; ".join(inc.perpetrators),
               "armed_conflict": (inc.context or {}).get("armed_conflict"),
               "facts": [k for k, v in (inc.context or {}).items() if v is True],
               "sensitivity": str(getattr(inc.sensitivity, "value", inc.sensitivity))}
    if inc.victim_groups:
        values |= {"victim_name": inc.victim_groups[0]["name"],
                   "characteristics": inc.victim_groups[0]["characteristics"]}
    for cat, fig in (inc.casualties or {}).items():
        values |= {f"{cat}_{k}": fig.get(k) for k in ("low", "best", "high")}
        values[f"{cat}_at_least"] = fig.get("at_least")
    return values


@pages.get("/evidence/incidents/{incident_id}/edit", include_in_schema=False)
def incident_edit_form(request: Request, incident_id: int, session: SessionDep,
                       principal=Depends(require("edit:own"))):
    from forewarn.evidence.pages import _form_vocab
    from forewarn.web.render import render

    inc = get_incident(session, incident_id)
    check_edit(principal, inc.created_by)
    return render(request, "evidence/incident_new.html", {
        "vocabulary": _form_vocab(), "sources": [], "error": None, "editing": True,
        "values": _form_values(inc), "action": f"/evidence/incidents/{inc.id}/edit"})


@pages.post("/evidence/incidents/{incident_id}/edit", include_in_schema=False)
async def incident_edit_submit(request: Request, incident_id: int, session: SessionDep,
                               principal=Depends(require("edit:own"))):
    from forewarn.evidence.pages import _incident_from_form

    form = await request.form()
    data, _ = _incident_from_form(form)
    inc = get_incident(session, incident_id)
    # Victims the form does not show (beyond the first group) are kept.
    if inc.victim_groups[1:]:
        data["victim_groups"] = data["victim_groups"] + inc.victim_groups[1:]
    data["external_ref"] = inc.external_ref
    _edit_incident(session, principal, incident_id, data, form.get("reason") or "",
                   replace=True)
    return _see_other(f"/evidence/incidents/{incident_id}")


@api.delete("/evidence/incidents/{incident_id}",
            dependencies=[Depends(require("edit:any"))])
def api_delete_incident(incident_id: int, session: SessionDep, principal: CurrentPrincipal,
                        reason: str = ""):
    """Remove an incident recorded in error (editors only, with REASON). Its last state is
    kept in the register's versions and the audit log; its sources and their custody logs
    stay."""
    from forewarn.evidence.access import actor_name, audit
    from forewarn.evidence.models import RecordVersion

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
