"""The facts registry in the web app: /facts (and /facts.json) lists every fact with its
citation and as-of date, what the record or a correction made newer than the shipped data,
and findings that contradict a shipped fact. Analysts record findings (`create`); reviewers
and administrators correct a shipped fact (`edit:any`). Both with a citation, audited.
The same through the JSON API: api.py; the country page's "Reference facts" section:
country.py; the search group: search.py."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from forewarn.data import countries
from forewarn.respond import facts
from forewarn.respond.recording import record_fact
from forewarn.respond.schemas import FactIn
from forewarn.security.deps import CurrentPrincipal, require
from forewarn.web.deps import SessionDep
from forewarn.web.render import render, wants_json

router = APIRouter()
TEMPLATE = "respond/facts.html"
# Without a country the page leaves out the per-country treaty and membership rows (about
# 200 countries each); they are listed on each country's view.
PER_COUNTRY = ("treaty_party", "membership", "council_member")
PLAIN = {"citation": "Give the official source: document symbol, court order or depositary "
                     "notification.", "iso3": "Choose a country.",
         "subject": "Say what the fact is about (treaty id, draft symbol, case).",
         "status": "Give the status (treaties: party, not party, signatory, withdrawn).",
         "date": "Give the date as YYYY-MM-DD.", "as_of": "Give the date as YYYY-MM-DD."}
FIELDS = ("kind", "iso3", "subject", "status", "date", "citation", "as_of", "note")


def registry_data(session, iso3: str | None, kind: str | None, year: int | None = None
                  ) -> dict:
    if iso3 and countries.get(iso3) is None:
        raise HTTPException(404, f"No country with ISO3 code '{iso3}'. See /api/countries.")
    if kind and kind not in facts.KINDS:
        raise HTTPException(422, f"kind must be one of {', '.join(facts.KINDS)}")
    rows = facts.facts_for(session, iso3, kind)
    if not iso3 and not kind:
        rows = [f for f in rows if f.kind not in PER_COUNTRY or f.source != "shipped"]
    return {"iso3": iso3.upper() if iso3 else None, "kind": kind, "kinds": facts.KINDS,
            "count": len(rows), "facts": [f.as_dict() for f in rows],
            "newer_than_shipped": [f.as_dict() for f in rows if f.source == "corrected"],
            "contradictions": facts.contradictions(session, iso3) if iso3 else [
                {"finding": f.as_dict()} for f in rows if f.flags and f.source == "recorded"],
            "memberships": facts.memberships(iso3) if iso3 else [],
            # Who sits on the Security Council (this year unless ?year=), and the country's
            # dated events newest first (the Council and court timeline, vetoes, referrals,
            # court orders), each with its citation.
            "council": facts.council(year, session),
            "timeline": facts.timeline(session, iso3) if iso3 else []}


_ISO3 = Query(None, min_length=3, max_length=3, pattern="^[A-Za-z]{3}$",
              description="ISO3 code: only this country's facts")
_KIND = Query(None, description="one kind: " + ", ".join(facts.KINDS))
_YEAR = Query(None, ge=1946, le=2100, description="the year of the Council's composition "
                                                 "(default this year)")


@router.get("/facts.json", tags=["respond"], summary="Reference facts with citation and as-of")
def facts_json(session: SessionDep, iso3: str | None = _ISO3, kind: str | None = _KIND,
               year: int | None = _YEAR):
    """Every reference fact (Council vetoes, sanctions regimes, ICC referrals and
    declarations, treaty status, court orders, ICJ cases, memberships, veto-restraint
    commitments, Council members, the Council and court events timeline), each with `source`
    shipped | recorded | corrected, its citation and as-of date; corrections
    (`newer_than_shipped`), findings that contradict a shipped fact, the Council's members in
    `year` (`council`) and, for a country, its `timeline` newest first."""
    return registry_data(session, iso3, kind, year)


@router.get("/facts", response_class=HTMLResponse, include_in_schema=False)
def facts_page(request: Request, session: SessionDep, principal: CurrentPrincipal,
               iso3: str | None = _ISO3, kind: str | None = _KIND, saved: int | None = None,
               year: int | None = _YEAR):
    data = registry_data(session, iso3, kind, year)
    if wants_json(request):
        return render(request, TEMPLATE, data)
    return _page(request, principal, data, saved=saved)


def _page(request, principal, data, status_code=200, **extra):
    context = {**data, "can_record": principal.can("create"),
               "can_correct": principal.can("edit:any"),
               "correctable": facts.CORRECTABLE, "values": {}, "errors": {}, "form": None,
               "countries": [{"iso3": c.iso3, "name": c.name} for c in
                             sorted(countries.all_countries(), key=lambda c: c.name)
                             if c.last_year is None],
               "today": dt.date.today().isoformat(), **extra}
    return render(request, TEMPLATE, context, status_code=status_code)


@router.post("/facts", include_in_schema=False)
async def fact_submit(request: Request, session: SessionDep,
                      principal=Depends(require("create"))):
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in (*FIELDS, "source")}
    try:
        body = FactIn.model_validate({k: (v or None) if k in ("date", "as_of") else v
                                      for k, v in values.items()})
        row = record_fact(session, principal, body)
    except facts.FactError as exc:
        errors = {exc.field: exc.message}
    except ValidationError as exc:
        errors = {str(e["loc"][0]): PLAIN.get(str(e["loc"][0]), e["msg"])
                  for e in exc.errors()}
    else:
        session.commit()
        return RedirectResponse(f"/facts?iso3={row.iso3}&saved={row.id}#fact-{row.id}",
                                status_code=303)
    session.rollback()
    data = registry_data(session, values["iso3"] if countries.get(values["iso3"] or "ZZZ")
                         else None, None)
    return _page(request, principal, data, status_code=422, values=values, errors=errors,
                 form=values["source"])
