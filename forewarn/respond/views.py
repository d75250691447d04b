"""The record's rows as the pages and the JSON API show them (one place, so the record page,
its JSON twin, the options page and the API agree)."""

from __future__ import annotations

from forewarn.respond import store
from forewarn.respond.documented import documented
from forewarn.respond.outcomes import combinations, panel_from_session
from forewarn.respond.planner import load_rules


def veto_dict(v) -> dict:
    imported = store.is_imported(v)
    # The General Assembly debate rule (A/RES/76/262) binds only vetoes cast since it was adopted.
    deadline = None if imported and v.date < store.GA_DEBATE_RULE_FROM else v.ga_deadline
    return {"id": v.id, "iso3": v.country.iso3, "date": v.date, "members": v.members.split(","),
            "draft": v.draft, "ga_deadline": deadline, "ga_debate_date": v.ga_debate_date,
            "note": v.note, "imported": imported}


def measure_dict(m) -> dict:
    """A measure as /respond/record.json lists it (a stable shape: do not add keys here)."""
    return {"id": m.id, "iso3": m.situation.country.iso3, "situation": m.situation.name,
            "date": m.date, "actor": m.actor, "tool_id": m.tool_id,
            "decision_ref": m.decision_ref, "decision_url": m.decision_url,
            "outcomes": [{"horizon_months": o.horizon_months, "status": o.status,
                          "deaths_before": o.deaths_before, "deaths_after": o.deaths_after}
                         for o in m.outcomes]}


OUTCOMES_COMPUTED = ("Computed when recorded from the annual panel (UCDP deaths, UNHCR/IDMC "
                     "displacement, EWP risk), as `forewarn respond measure outcomes` does.")
OUTCOMES_PENDING = ("Not computed: the raw data files are not in place on this server. They are "
                    "computed by `forewarn respond measure outcomes` once they are.")


def measure_out(m, outcomes_note: str) -> dict:
    """A measure as the API returns it: the record's fields, all outcome figures and a note."""
    out = measure_dict(m)
    out["outcomes"] = [{k: getattr(o, k) for k in (
        "horizon_months", "baseline_year", "window_year", "deaths_before", "deaths_after",
        "displaced_before", "displaced_after", "risk_before", "risk_after", "status")}
        for o in m.outcomes]
    return {**out, "note": m.note, "created_by": m.created_by, "outcomes_note": outcomes_note}


def record_data(session) -> dict:
    """Measures with their outcomes, the combinations that preceded de-escalation, and the
    recorded vetoes (the payload of /respond/record and its JSON twin)."""
    rows = store.measures(session)
    records = [{"iso3": m.situation.country.iso3, "situation": m.situation.name, "date": m.date,
                "tool_id": m.tool_id} for m in rows]
    agg = combinations(records, panel_from_session(session)) if records else \
        {"situations": [], "combinations": [], "method": ""}
    horizons = load_rules()["outcomes"]["horizons_months"]
    # Incidents documented around each measure, as far as this reader may see them.
    measures = [{**measure_dict(m), "documented": documented(
        session, m.situation.country.iso3, m.date, horizons)} for m in rows]
    return {"measures": measures,
            "aggregate": agg, "vetoes": [veto_dict(v) for v in store.vetoes(session)],
            "horizons": horizons}
