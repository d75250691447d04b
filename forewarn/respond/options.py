"""A country's response options as the planner ranks them, with its obligations, partners and
recorded vetoes: the full set (the options page and its printable brief, pages.py) and the
compact summary (the country page's "response" section, country.py, and the dossier)."""

from __future__ import annotations

from datetime import date

from fastapi import HTTPException

from forewarn.data import countries
from forewarn.respond import facts, store
from forewarn.respond.catalog import PHASES, STATE_ROLES, load_court_orders
from forewarn.respond.planner import plan
from forewarn.respond.profile import profile_for_country
from forewarn.respond.situation import after_veto, enrich, vetoing_members
from forewarn.respond.treaties import treaty_status
from forewarn.respond.views import veto_dict


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
