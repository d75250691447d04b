"""The response side's sections of the country page: "Response options" (the planner's top
options per pillar, options.py) and "Reference facts" (the registry's facts in force)."""

from __future__ import annotations

from forewarn.respond import facts
from forewarn.respond.options import options_summary
from forewarn.settings import get_settings
from forewarn.web.sections import register_country_section


# Reads only published assessments through the filtered session, never who is asking.
@register_country_section("response", "Response options", "respond/country_section.html",
                          order=400, class_cache=True)
def country_response(session, country: dict) -> dict:
    """The country page's summary of the planner: top options per pillar, with reasons."""
    settings = session.info.get("settings") or get_settings()
    return options_summary(session, settings, country["iso3"])


# Reads the registry and findings through the filtered session, never who is asking.
@register_country_section("facts", "Reference facts", "respond/facts_section.html", order=410,
                          class_cache=True)
def country_facts(session, country: dict) -> dict:
    """Council vetoes, ICC, ICJ, sanctions, memberships and treaty facts in force for the
    country, with findings that contradict a shipped fact flagged."""
    everything = facts.facts_for(session, country["iso3"])
    rows = facts.current(everything)
    # The timeline shows the events; the seat line the Council terms.
    shown = [f.as_dict() for f in rows if f.kind not in ("council_event", "council_member")
             and (f.kind != "treaty_party" or f.subject in (
                 "genocide", "rome_statute", "geneva_conventions") or f.source != "shipped")]
    return {"facts": shown, "contradictions": facts.contradictions(session, country["iso3"]),
            "memberships": facts.memberships(country["iso3"]),
            "timeline": facts.timeline(session, country["iso3"], facts=everything),
            "council_seat": facts.PlannerFacts(everything).council_seat(),
            "council_terms": [f.as_dict() for f in rows if f.kind == "council_member"],
            "link": f"/facts?iso3={country['iso3']}"}
