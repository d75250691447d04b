"""The record page (/respond/record; its JSON twin /respond/record.json) with, for users who
may create records, the plain-HTML forms that record a measure taken or a Security Council
veto. A form posts, is validated by the API's schemas and the store's rules, and redirects
back (303) to the page with the new row marked; a refused form comes back with each message
next to its field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from forewarn.data import countries
from forewarn.respond import facts
from forewarn.respond.catalog import load_partners, load_toolbox
from forewarn.respond.models import RespondMeasure, RespondVeto
from forewarn.respond.recording import record_measure, record_veto
from forewarn.respond.schemas import MeasureIn, VetoIn
from forewarn.respond.store import RecordError, latest_valid_date
from forewarn.respond.views import (
    OUTCOMES_COMPUTED,
    OUTCOMES_PENDING,
    measure_dict,
    record_data,
    veto_dict,
)
from forewarn.security.deps import CurrentPrincipal, require
from forewarn.store.models import Country
from forewarn.web.deps import SessionDep
from forewarn.web.render import render, wants_json

router = APIRouter()
TEMPLATE = "respond/record.html"
MEASURE_FIELDS = ("iso3", "tool_id", "date", "actor", "decision_ref", "decision_url",
                  "situation", "note")
VETO_FIELDS = ("iso3", "date", "draft", "note")
# Plainer words than pydantic's for a field left empty or not in the expected form; other
# messages (too long, unknown tool, future date) are already plain.
PLAIN = {"iso3": "Choose a country.", "tool_id": "Choose a tool from the toolbox.",
         "date": "Give the date as YYYY-MM-DD.", "actor": "Say who applied the measure.",
         "members": "Tick the permanent member(s) that voted no.",
         "holidays": "Give each holiday as YYYY-MM-DD, separated by spaces or commas."}
PLAIN_TYPES = ("missing", "string_too_short", "too_short", "string_pattern_mismatch")
RowId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]  # an id the database can hold


def _choices(session) -> dict:
    """What the forms offer: countries in the registry, toolbox tools, permanent members."""
    tb = load_toolbox()
    members = [{"iso3": m, "name": getattr(countries.get(m), "name", m)}
               for m in load_partners().permanent_members]
    return {"countries": [{"iso3": c.iso3, "name": c.name} for c in
                          session.scalars(select(Country).order_by(Country.name))],
            "tools": [{"id": t.id, "name": t.name, "pillar": t.pillar} for t in tb.tools],
            "members": members, "max_date": latest_valid_date().isoformat()}


def _page(request: Request, session, principal, status_code: int = 200, **extra):
    data = record_data(session)
    if wants_json(request):  # the page's JSON stays exactly /respond/record.json
        return render(request, TEMPLATE, data)
    forms = _choices(session) if principal.can("create") else {}
    # What is newer than the shipped data (HTML only: the JSON stays /respond/record.json).
    registry = facts.facts_for(session)
    newer = {"corrections": [f.as_dict() for f in registry if f.source == "corrected"],
             "later_vetoes": [f.as_dict() for f in registry
                              if f.kind == "veto" and f.source == "shipped"]}
    context = {**data, **forms, "newer": newer, "form": None, "errors": {}, "values": {}, **extra}
    return render(request, TEMPLATE, context, status_code=status_code)


@router.get("/respond/record", response_class=HTMLResponse, include_in_schema=False)
def record_page(request: Request, session: SessionDep, principal: CurrentPrincipal,
                measure: RowId = None, veto: RowId = None):
    """The record; after a form was saved, MEASURE or VETO is the new row to point out."""
    new = {}
    if measure is not None and (m := session.get(RespondMeasure, measure)) is not None:
        new["new_measure"] = {**measure_dict(m), "outcomes_note":
                              OUTCOMES_COMPUTED if m.outcomes else OUTCOMES_PENDING}
    if veto is not None and (v := session.get(RespondVeto, veto)) is not None:
        new["new_veto"] = veto_dict(v)
    return _page(request, session, principal, **new)


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for e in exc.errors():
        name = str(e["loc"][0]) if e["loc"] else "form"
        plain = name in PLAIN and (e["type"] in PLAIN_TYPES or e["type"].startswith("date_"))
        errors.setdefault(name, PLAIN[name] if plain else e["msg"].removeprefix("Value error, "))
    return errors


def _refused(request, session, principal, form: str, values: dict, errors: dict):
    session.rollback()  # nothing of a refused form is kept
    return _page(request, session, principal, status_code=422, form=form, values=values,
                 errors=errors)


@router.post("/respond/record/measures", include_in_schema=False)
async def measure_submit(request: Request, session: SessionDep,
                         principal=Depends(require("create"))):
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in MEASURE_FIELDS}
    try:
        body = MeasureIn.model_validate({**values, "situation": values["situation"] or None})
        measure, _ = record_measure(session, body, principal,
                                    request.app.state.settings.raw_dir)
    except ValidationError as exc:
        return _refused(request, session, principal, "measure", values, _field_errors(exc))
    except RecordError as exc:
        return _refused(request, session, principal, "measure", values,
                        {exc.field: exc.message})
    session.commit()
    return RedirectResponse(f"/respond/record?measure={measure.id}#measure-{measure.id}",
                            status_code=303)


@router.post("/respond/record/vetoes", include_in_schema=False)
async def veto_submit(request: Request, session: SessionDep,
                      principal=Depends(require("create"))):
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in VETO_FIELDS}
    members = [str(m) for m in form.getlist("members")]
    holidays = str(form.get("holidays", "")).strip()
    shown = {**values, "members": members, "holidays": holidays}
    try:
        body = VetoIn.model_validate({**values, "members": members,
                                      "holidays": holidays.replace(",", " ").split()})
        veto = record_veto(session, body, principal)
    except ValidationError as exc:
        return _refused(request, session, principal, "veto", shown, _field_errors(exc))
    except RecordError as exc:
        return _refused(request, session, principal, "veto", shown, {exc.field: exc.message})
    session.commit()
    return RedirectResponse(f"/respond/record?veto={veto.id}#veto-{veto.id}", status_code=303)


# The JSON twin of /respond/record (the HTML adds the forms for recording to the page).
# The summary is the docstring's first line, as twin() gives it, so /openapi.json is unchanged.
@router.get("/respond/record.json", tags=["respond"],
            summary="Measures taken, what followed (6/12/24 months) and which combinations of "
                    "tools preceded")
def record(request: Request, session: SessionDep):
    """Measures taken, what followed (6/12/24 months) and which combinations of tools preceded
    de-escalation; recorded vetoes with the General Assembly's debate deadline."""
    return record_data(session)
