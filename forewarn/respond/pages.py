"""Pages of the response planner: the toolbox, partners and obligations, and a country's
options (with a printable brief). Every HTML page has a JSON twin at the same path + ".json".
The record of measures, outcomes and vetoes: record_pages.py (pages) and api.py (JSON); the
facts registry: facts_pages.py; a situation's options and brief: situation_pages.py."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request

from forewarn.respond.catalog import (
    CHAPTERS,
    PHASES,
    STATE_ROLES,
    load_court_orders,
    load_partners,
    load_toolbox,
    load_treaty_parties,
)
from forewarn.respond.options import options_for
from forewarn.web.deps import SessionDep
from forewarn.web.render import twin as shared_twin

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
