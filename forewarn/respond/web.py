"""Pages of the response planner: the toolbox, partners and obligations, a country's options
(with a printable brief) and the record of measures, outcomes and vetoes. Every HTML page has
a JSON twin at the same path + ".json". Recording measures and vetoes: forms.py (pages) and
api.py (JSON)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Query, Request

from forewarn.data import countries
from forewarn.respond import api, brief, facts, facts_web, forms, store
from forewarn.respond.catalog import (
    CHAPTERS,
    PHASES,
    STATE_ROLES,
    load_court_orders,
    load_partners,
    load_toolbox,
    load_treaty_parties,
)
from forewarn.respond.planner import plan
from forewarn.respond.profile import profile_for_country
from forewarn.respond.situation import after_veto, enrich, vetoing_members
from forewarn.respond.treaties import treaty_status
from forewarn.respond.views import record_data, veto_dict
from forewarn.settings import get_settings
from forewarn.web.deps import SessionDep
from forewarn.web.render import twin as shared_twin
from forewarn.web.sections import register_country_section

router = APIRouter()
TAGS = ["respond"]


def twin(path: str, template: str, summary: str | None = None):
    """Register the view at PATH (HTML, or JSON on Accept) and at PATH.json."""
    return shared_twin(router, path, template, summary=summary, tags=TAGS)


def toolbox_payload() -> dict:
    tb = load_toolbox()
    return {"as_of": tb.as_of, "count": len(tb.tools), "charter_chapters": tb.chapters,
            "coercion_scale": {str(k): v for k, v in tb.coercion_scale.items()},
            "pillars": {str(k): v for k, v in tb.pillars.items()},
            "references": tb.references,
            "tools": [t.as_dict(tb.references) for t in tb.tools]}


_CHAPTER = Query(None, description="Only tools of this UN Charter chapter: none, IV, VI, VII, "
                "VIII, XIV or XV")


@twin("/toolbox", "respond/toolbox.html")
def toolbox(request: Request, chapter: str | None = _CHAPTER):
    """Every response tool with its basis, UN Charter chapter (and the article it rests on),
    R2P pillar, coercion level, lead actors and authorisation path."""
    payload = toolbox_payload()
    if chapter:
        if chapter not in CHAPTERS:
            raise HTTPException(422, f"chapter must be one of {', '.join(CHAPTERS)}")
        payload["tools"] = [t for t in payload["tools"] if t["chapter"] == chapter]
        payload["count"] = len(payload["tools"])
        payload["chapter"] = chapter
    return payload


@twin("/toolbox/{tool_id}", "respond/tool.html")
def tool_detail(request: Request, tool_id: str):
    """One tool in full, with the organisations that can lead it."""
    tb = load_toolbox()
    tool = tb.get(tool_id)
    if tool is None:
        raise HTTPException(404, f"No tool '{tool_id}'. See /toolbox.")
    orgs = [{"id": o.id, "name": o.name} for o in load_partners().organisations
            if tool_id in o.tools]
    return {"tool": tool.as_dict(tb.references), "organisations": orgs,
            "coercion_label": tb.coercion_scale[tool.coercion]}


@twin("/partners", "respond/partners.html")
def partners(request: Request):
    """Regional organisations and their members, treaty party lists and court orders."""
    p = load_partners()
    treaties = {k: {f: v.get(f) for f in ("name", "source", "as_of", "official_count", "note")}
                | {"count": len(v["parties"])}
                for k, v in load_treaty_parties().items() if not k.startswith("_")}
    return {"organisations": [o.as_dict() for o in p.organisations],
            "security_council": {"permanent_members": list(p.permanent_members),
                                 "source": p.council_source},
            "treaties": treaties, "court_orders": list(load_court_orders())}


def _country_or_404(iso3: str):
    c = countries.get(iso3)
    if c is None:
        raise HTTPException(404, f"No country with ISO3 code '{iso3}'. See /api/countries.")
    return c


def options_for(session, settings, iso3: str, phase: str | None, state_role: str | None) -> dict:
    """The planner's options for a country, with its obligations and partners."""
    c = _country_or_404(iso3)
    profile = enrich(profile_for_country(session, c.iso3, phase=phase, state_role=state_role,
                                         raw_dir=settings.raw_dir), session)
    result = plan(profile)
    obligations = treaty_status(c.iso3, settings.raw_dir).as_dict()
    # The registry's facts in force (corrections included) for what the planner also reads.
    reg = facts.planner_facts(session, c.iso3, settings.raw_dir)
    for key, treaty in (("genocide_party", "genocide"), ("icc_party", "rome_statute"),
                        ("geneva_party", "geneva_conventions")):
        if reg.party(treaty) is not None:
            obligations[key] = reg.party(treaty)
    obligations["icc_jurisdiction"] = profile.icc_jurisdiction
    obligations["icc_basis"] = profile.icc_basis
    if reg.art12_3 is not None:
        obligations["icc_art12_3"] = reg.art12_3.status
    result["country"] = {"iso3": c.iso3, "name": c.name}
    result["obligations"] = obligations
    # Memberships from the registry: the same rows /partners, /facts and the country page use.
    result["memberships"] = [{"id": m["id"], "name": m["name"], "suspended": m["suspended"]}
                             for m in facts.memberships(c.iso3) if not m["withdrawn"]]
    # Who sits on the Council this year, and whether the country itself does (registry).
    result["council"] = facts.council(session=session, raw_dir=settings.raw_dir)
    result["council_seat"] = reg.council_seat()
    result["recorded_vetoes"] = [veto_dict(v) for v in store.vetoes(session, c.iso3)]
    result["after_veto"] = after_veto(profile, vetoing_members(session, c.iso3))
    # Names, not catalogue ids, for readers (the ids stay in obligations for the JSON).
    result["warrants"] = [o["case"] for o in load_court_orders()
                          if o["id"] in obligations.get("outstanding_icc_warrants", [])]
    result["phases"], result["state_roles"] = list(PHASES), list(STATE_ROLES)
    result["generated"] = date.today().isoformat()
    return result


_PHASE = Query(None, description="latent_risk | escalation | ongoing_atrocities | aftermath "
               "(inferred from the data when omitted)")
_ROLE = Query(None, description="willing_unable | unwilling | complicit | perpetrator (inferred "
               "when omitted)")


def _check(phase: str | None, state_role: str | None) -> None:
    if phase is not None and phase not in PHASES:
        raise HTTPException(422, f"phase must be one of {', '.join(PHASES)}")
    if state_role is not None and state_role not in STATE_ROLES:
        raise HTTPException(422, f"state_role must be one of {', '.join(STATE_ROLES)}")


@twin("/countries/{iso3}/options", "respond/options.html")
def country_options(request: Request, session: SessionDep, iso3: str, phase: str | None = _PHASE,
                    state_role: str | None = _ROLE):
    """Ranked, explained response options per pillar for a country, with authorisation paths,
    blocked routes and what is already in place; all pillars at once, not a sequence."""
    _check(phase, state_role)
    return options_for(session, request.app.state.settings, iso3, phase, state_role)


@twin("/countries/{iso3}/options/brief", "respond/brief.html")
def options_brief(request: Request, session: SessionDep, iso3: str, phase: str | None = _PHASE,
                  state_role: str | None = _ROLE):
    """A printable options brief (same data as the options page)."""
    _check(phase, state_role)
    return options_for(session, request.app.state.settings, iso3, phase, state_role)


# The HTML twin, /respond/record, is in forms.py: it adds the forms for recording to the page.
# The summary is the docstring's first line, as twin() gives it, so /openapi.json is unchanged.
@router.get("/respond/record.json", tags=TAGS,
            summary="Measures taken, what followed (6/12/24 months) and which combinations of "
                    "tools preceded")
def record(request: Request, session: SessionDep):
    """Measures taken, what followed (6/12/24 months) and which combinations of tools preceded
    de-escalation; recorded vetoes with the General Assembly's debate deadline."""
    return record_data(session)


def options_summary(session, settings, iso3: str, top: int = 3) -> dict:
    """A compact view for the country page and the dossier: the top options per pillar with
    their reasons, the Council route and links to the full options and the printable brief."""
    full = options_for(session, settings, iso3, None, None)
    return {"phase": full["profile"]["phase"], "state_role": full["profile"]["state_role"],
            "inferred": full["profile"]["inferred"], "council_route": full["council_route"],
            "pillars": {n: [{k: o[k] for k in ("tool_id", "name", "coercion", "reasons")}
                            for o in opts[:top]] for n, opts in full["pillars"].items()},
            "pillar_labels": full["pillar_labels"],
            "top": [{k: o[k] for k in ("tool_id", "name", "pillar", "coercion", "reasons",
                                       "existing")} for o in full["options"][:top * 2]],
            "blocked": [{"tool_id": o["tool_id"], "name": o["name"],
                         "why": next((a["note"] for a in o["authorisation"] if a["note"]), "")}
                        for o in full["blocked"]],
            "links": {"options": f"/countries/{full['country']['iso3']}/options",
                      "brief": f"/countries/{full['country']['iso3']}/options/brief"}}


# Reads only published assessments through the filtered session, never who is asking.
@register_country_section("response", "Response options", "respond/country_section.html",
                          order=400, class_cache=True)
def country_response(session, country: dict) -> dict:
    """The country page's summary of the planner: top options per pillar, with reasons."""
    settings = session.info.get("settings") or get_settings()
    return options_summary(session, settings, country["iso3"])


router.include_router(api.router)
router.include_router(facts_web.router)
router.include_router(brief.router)
router.include_router(forms.router)
