"""The planner for one situation of the evidence register: its profile derived from the
incidents (forewarn.evidence.service.derive_profile) over the country's data, what has
already been tried (measures recorded, court cases, ICC situations from the reference-facts
registry) and what follows a veto.

Facts come from the respond catalogues and the response record through their loaders, so
the options page, the brief and the dossier read the same ones.
"""

from __future__ import annotations

from forewarn.evidence.service import derive_profile as derive
from forewarn.respond import store
from forewarn.respond.catalog import PHASES, STATE_ROLES, load_court_orders, load_partners
from forewarn.respond.facts import planner_facts
from forewarn.respond.planner import SituationProfile, load_rules
from forewarn.respond.profile import profile_for_country


def icc_situation(iso3: str, session=None) -> dict | None:
    """The ICC situation under investigation concerning ISO3, from the reference-facts
    registry (kind icc_situation; a correction replaces the shipped row): {name, case,
    trigger, opened, citation, as_of}, or None."""
    found = planner_facts(session, iso3).icc_situations
    if not found:
        return None
    f = max(found, key=lambda f: f.date or "")
    return {"name": f.summary or f.subject, "case": f.subject, "trigger": f.status,
            "opened": f.date or "", "citation": f.citation, "as_of": f.as_of}


def existing_measures(session, iso3: str, also: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """What has been tried for ISO3, by toolbox tool: measures recorded in the response
    record (with what followed), ICJ cases, ICC situations and warrants. ALSO: other states
    whose forces act there (court cases against them count too)."""
    out: dict[str, list[dict]] = {}
    for m in store.measures(session, iso3):
        last = next((o for o in reversed(m.outcomes) if o.status != "unknown"), None)
        outcome = (f"{last.status.replace('-', ' ')} after {last.horizon_months} months "
                   f"(deaths {last.baseline_year}: {_n(last.deaths_before)}; "
                   f"{last.window_year}: {_n(last.deaths_after)})") if last else \
            "outcome not yet known"
        out.setdefault(m.tool_id, []).append({
            "what": f"{m.actor}{': ' + m.decision_ref if m.decision_ref else ''}",
            "date": m.date.isoformat(), "outcome": outcome, "kind": "measure",
            "url": m.decision_url or "/respond/record"})
    for o in load_court_orders():
        # Cases against the state, and cases it brought over crimes on its territory
        # (e.g. Bosnia and Herzegovina v. Serbia, Ukraine v. Russia).
        if iso3 not in (o["respondent"], o.get("applicant")) and o["respondent"] not in also:
            continue
        tool = "icj_proceedings" if o["court"] == "ICJ" else "icc_arrest_cooperation"
        out.setdefault(tool, []).append({
            "what": o["case"], "date": o["date"], "kind": "court",
            "outcome": f"{o['compliance'].replace('_', ' ')}: {o.get('compliance_note', '')}"
            .strip().rstrip(":"), "url": _url(o.get("source", ""))})
    icc = icc_situation(iso3, session)
    if icc is not None:
        out.setdefault("icc_investigation", []).append({
            "what": f"{icc['name']} ({icc['case']})", "date": icc["opened"],
            "kind": "court", "outcome": icc["trigger"], "citation": icc["citation"],
            "as_of": icc["as_of"],
            "url": "https://www.icc-cpi.int/situations-under-investigations"})
    return out


def _n(x) -> str:
    return "n/a" if x is None else f"{int(x):,}"


def _url(source: str) -> str:
    start = source.find("http")
    return source[start:].rstrip(")") if start >= 0 else ""


def after_veto(profile: SituationProfile, vetoing: list[str]) -> list[dict]:
    """What follows a veto (cast or likely): the GA debate, Uniting for Peace and the vetoing
    members' own restraint commitments."""
    rules = load_rules()
    if not (profile.veto_cast or profile.veto_likely):
        return []
    steps = [dict(s) for s in rules["after_veto"] if s["id"] != "veto_restraint"]
    restraint = rules["veto_restraint"]
    for member in vetoing:
        if member in restraint:
            steps.append({"id": f"veto_restraint_{member}", "text": restraint[member]})
    return steps


def vetoing_members(session, iso3: str) -> list[str]:
    found = []
    for v in store.vetoes(session, iso3):
        for m in v.members.split(","):
            if m.strip() and m.strip() not in found:
                found.append(m.strip())
    return found


def enrich(profile: SituationProfile, session) -> SituationProfile:
    """Add what has been tried to a country profile."""
    if profile.iso3 is None:
        return profile
    if session is not None:
        profile.existing = existing_measures(session, profile.iso3,
                                             tuple(profile.foreign_perpetrators))
    # The ICC's jurisdiction through a situation under investigation is in the profile
    # already (profile.apply_registry reads the registry's icc_situation facts).
    return profile


def profile_for_situation(session, sit, settings=None, principal=None,
                          phase: str | None = None, state_role: str | None = None
                          ) -> tuple[SituationProfile, dict]:
    """The planner's profile for an evidence-register situation: the derived values (with
    the analyst's overrides) over the country's data; PHASE/STATE_ROLE given in a request
    win over both, for a what-if."""
    derived = derive(session, sit, principal, settings)
    values = derived["values"]
    phase = phase or values["phase"]["value"]
    state_role = state_role or values["state_role"]["value"]
    if phase not in PHASES:
        phase = None
    if state_role not in STATE_ROLES:
        state_role = None
    iso3 = sit.country.iso3
    profile = profile_for_country(session, iso3, phase=phase, state_role=state_role,
                                  raw_dir=getattr(settings, "raw_dir", None))
    profile.inferred = {k: (f"set by {v['override']['by']}: {v['override']['reason']}; the "
                            f"evidence suggests {v['derived']}" if v["override"] else
                            "; ".join(v["basis"]))
                        for k, v in values.items() if k in ("phase", "state_role")}
    conflict = values["armed_conflict"]["value"]
    if conflict is not None:
        profile.armed_conflict = conflict == "yes"
    profile.conflict_type = values["conflict_type"]["value"]
    profile.basis = profile.basis | {k: (v["basis"] if not v["override"] else
                         [f"set by {v['override']['by']}: {v['override']['reason']}"])
                     for k, v in values.items()}
    if derived["non_state_perpetrators"]:
        profile.basis["non_state"] = [", ".join(derived["non_state_perpetrators"][:3])]
    profile.non_state_perpetrators = derived["non_state_perpetrators"] or \
        profile.non_state_perpetrators
    profile.foreign_perpetrators = [f["iso3"] for f in derived["foreign_states"]]
    permanent = [c for c in profile.foreign_perpetrators if c in load_partners().permanent_members]
    if permanent:  # a permanent member accused of the crimes can veto any Council action
        profile.veto_likely = True
        profile.veto_reasons = [f"{c}, a permanent member, commands forces accused here"
                                for c in permanent] + list(profile.veto_reasons)
    enrich(profile, session)
    profile.name = sit.title
    return profile, derived
