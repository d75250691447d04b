"""The situation pages: a situation's derived profile with the forms to override a value,
edit, close or reopen it, and the form correcting an incident (plain HTML posts that redirect
back; the JSON API they share is situation_api.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from forewarn.evidence import incidents as inc_mod
from forewarn.evidence import profile as prof
from forewarn.evidence.api import unprocessable
from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.deps import (
    CurrentPrincipal,
    check_edit,
    get_incident,
    get_situation,
    require,
)
from forewarn.evidence.incidents import IncidentError
from forewarn.evidence.models import Incident
from forewarn.evidence.pages import form_vocab, incident_from_form, see_other
from forewarn.evidence.situation_api import (
    change_status,
    edit_incident,
    edit_situation,
    profile_payload,
)
from forewarn.evidence.views import incident_dict
from forewarn.web.deps import SessionDep
from forewarn.web.render import render, twin

router = APIRouter()
TAGS = ["evidence pages"]


@twin(router, "/situations/{situation_id}/profile", "evidence/situation_profile.html", tags=TAGS)
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


@router.post("/situations/{situation_id}/profile/overrides", include_in_schema=False)
async def override_submit(request: Request, situation_id: int, session: SessionDep,
                          principal=Depends(require("create"))):
    form = await _form(request)
    s = get_situation(session, situation_id)
    try:
        prof.set_override(session, s, form.get("key") or "", form.get("value") or None,
                          form.get("reason") or "", principal)
    except IncidentError as exc:
        raise unprocessable(exc) from None
    session.commit()
    return see_other(f"/situations/{s.id}/profile")


@router.post("/situations/{situation_id}/edit", include_in_schema=False)
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
    edit_situation(session, principal, situation_id, changes, form.get("reason") or "")
    return see_other(f"/situations/{situation_id}/profile")


@router.post("/situations/{situation_id}/status", include_in_schema=False)
async def situation_status_submit(request: Request, situation_id: int, session: SessionDep,
                                  principal=Depends(require("edit:own"))):
    form = await _form(request)
    change_status(session, principal, situation_id, form.get("status") or "",
            form.get("reason") or "")
    return see_other(f"/situations/{situation_id}/profile")


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


@router.get("/evidence/incidents/{incident_id}/edit", include_in_schema=False)
def incident_edit_form(request: Request, incident_id: int, session: SessionDep,
                       principal=Depends(require("edit:own"))):
    inc = get_incident(session, incident_id)
    check_edit(principal, inc.created_by)
    return render(request, "evidence/incident_new.html", {
        "vocabulary": form_vocab(), "sources": [], "error": None, "editing": True,
        "values": _form_values(inc), "action": f"/evidence/incidents/{inc.id}/edit"})


@router.post("/evidence/incidents/{incident_id}/edit", include_in_schema=False)
async def incident_edit_submit(request: Request, incident_id: int, session: SessionDep,
                               principal=Depends(require("edit:own"))):
    form = await request.form()
    data, _ = incident_from_form(form)
    inc = get_incident(session, incident_id)
    # Victims the form does not show (beyond the first group) are kept.
    if inc.victim_groups[1:]:
        data["victim_groups"] = data["victim_groups"] + inc.victim_groups[1:]
    data["external_ref"] = inc.external_ref
    edit_incident(session, principal, incident_id, data, form.get("reason") or "",
                   replace=True)
    return see_other(f"/evidence/incidents/{incident_id}")


