"""The planner on contrasting situations, authorisation paths, and options ranked across all
pillars at once (no ladder: A/66/874 para 13, the pillars are not sequenced)."""

from __future__ import annotations

import pytest

from forewarn.respond.planner import SituationProfile, plan


def _ids(options):
    return [o["tool_id"] for o in options]


def _option(result, tool_id):
    for o in result["options"] + result["blocked"]:
        if o["tool_id"] == tool_id:
            return o
    return None


@pytest.fixture
def willing_latent():
    return plan(SituationProfile(phase="latent_risk", state_role="willing_unable", iso3="MWI",
                                 memberships=["AU", "SADC"], veto_likely=False,
                                 icc_jurisdiction=True, genocide_party=True,
                                 genocide_art_ix=True))


@pytest.fixture
def perpetrator_vetoed():
    return plan(SituationProfile(
        phase="ongoing_atrocities", state_role="perpetrator", iso3="SYR",
        memberships=["LAS", "OIC"], armed_conflict=True, veto_likely=True,
        veto_reasons=["RUS cast 17 vetoes on Syria since 1990"], icc_jurisdiction=False,
        genocide_party=True, genocide_art_ix=True, hr_treaties={"cat": True, "icerd": True}))


def test_willing_state_in_latent_risk_gets_assistance_first(willing_latent):
    top = _ids(willing_latent["options"][:2])
    assert set(top) == {"capacity_building", "preventive_diplomacy"}
    assert max(o["coercion"] for o in willing_latent["options"]) <= 1
    assert not [o for o in willing_latent["options"] if "sanctions" in o["tool_id"]]
    assert willing_latent["council_route"]["status"] == "open"
    for o in willing_latent["options"]:
        assert o["reasons"], o["tool_id"]


def test_every_proposal_states_reasons_and_who_must_agree(willing_latent):
    cb = _option(willing_latent, "capacity_building")
    assert any("capacity-building and preventive diplomacy come first" in r for r in cb["reasons"])
    assert any(a["who"] == "Territorial government" and a["status"] == "available"
               for a in cb["authorisation"])
    assert {"2", "3"} <= {k for k, v in willing_latent["pillars"].items() if v}


def test_perpetrator_with_likely_veto_gets_hrc_ga_regional_and_accountability(
        perpetrator_vetoed):
    ids = _ids(perpetrator_vetoed["options"])
    assert {"hrc_special_session", "commission_of_inquiry", "special_rapporteur"} <= set(ids)
    assert {"ga_uniting_for_peace", "ga_resolution"} <= set(ids)
    assert {"regional_suspension", "regional_sanctions"} & set(ids)
    assert {"accountability_mechanism", "icj_proceedings", "universal_jurisdiction"} <= set(ids)
    assert perpetrator_vetoed["council_route"]["status"] == "blocked"
    blocked = _ids(perpetrator_vetoed["blocked"])
    assert {"un_targeted_sanctions", "no_fly_zone", "icc_investigation"} <= set(blocked)
    sanctions = _option(perpetrator_vetoed, "un_targeted_sanctions")
    assert sanctions["authorisation"][0]["status"] == "blocked_by_veto"
    # Assistance to the perpetrator is not proposed.
    assert "capacity_building" not in ids and "domestic_accountability" not in ids


def test_hrc_route_explains_no_veto(perpetrator_vetoed):
    coi = _option(perpetrator_vetoed, "commission_of_inquiry")
    by_body = {a["body"]: a for a in coi["authorisation"]}
    assert by_body["hrc"]["status"] == "available" and not by_body["hrc"]["veto"]
    assert by_body["unsc"]["status"] == "blocked_by_veto"
    assert any("Human Rights Council" in r for r in coi["reasons"])


def test_icc_paths_follow_jurisdiction():
    base = dict(phase="ongoing_atrocities", state_role="perpetrator", veto_likely=True)
    party = _option(plan(SituationProfile(**base, icc_jurisdiction=True)), "icc_investigation")
    paths = {a["body"]: a["status"] for a in party["authorisation"]}
    assert paths == {"unsc": "blocked_by_veto", "state_party": "available",
                     "icc_prosecutor": "available"}
    assert party["status"] == "available"
    non_party = plan(SituationProfile(**base, icc_jurisdiction=False))
    assert _option(non_party, "icc_investigation") in non_party["blocked"]
    open_council = plan(SituationProfile(**{**base, "veto_likely": False},
                                         icc_jurisdiction=False))
    icc = _option(open_council, "icc_investigation")
    assert {a["body"]: a["status"] for a in icc["authorisation"]}["unsc"] == "available"


def test_icj_needs_genocide_party_without_art_ix_reservation():
    base = dict(phase="ongoing_atrocities", state_role="perpetrator", veto_likely=False)
    with_ix = _option(plan(SituationProfile(**base, genocide_art_ix=True)), "icj_proceedings")
    assert with_ix["authorisation"][0]["status"] == "available"
    reserved = plan(SituationProfile(**base, genocide_art_ix=False, hr_treaties={"icerd": False}))
    icj = _option(reserved, "icj_proceedings")
    assert icj is None or all(a["status"] != "available" for a in icj["authorisation"][:2])


def test_regional_enforcement_needs_membership_and_council():
    base = dict(phase="ongoing_atrocities", state_role="perpetrator", veto_likely=False)
    au = _option(plan(SituationProfile(**base, memberships=["AU"])), "au_article_4h_intervention")
    assert au is not None and au["authorisation"][0]["veto"]
    assert "Art. 53" in au["authorisation"][0]["rule"]
    outside = plan(SituationProfile(**base, memberships=["ASEAN"]))
    assert _option(outside, "au_article_4h_intervention") is None
    assert "au_article_4h_intervention" in [o["tool_id"] for o in outside["left_out"]]


def test_no_ladder_all_pillars_ranked_together(perpetrator_vetoed):
    assert "ladder" not in perpetrator_vetoed
    pillars = {o["pillar"] for o in perpetrator_vetoed["options"]}
    assert len(pillars) >= 2  # one ranking across the pillars, not a pillar-by-pillar sequence
    assert [o["rank"] for o in perpetrator_vetoed["options"]] == \
        list(range(1, len(perpetrator_vetoed["options"]) + 1))


def test_procedural_council_votes_are_never_blocked_by_veto(perpetrator_vetoed):
    good_offices = _option(perpetrator_vetoed, "good_offices")
    council = [a for a in good_offices["authorisation"] if a["who"] == "UN Security Council"]
    assert council and all(a["status"] != "blocked_by_veto" for a in council)
    assert "procedural" in council[0]["agreement"] and "Art. 27(2)" in council[0]["agreement"]
    sanctions = _option(perpetrator_vetoed, "un_targeted_sanctions")
    assert sanctions["authorisation"][0]["status"] == "blocked_by_veto"
    assert "Art. 27(3)" in sanctions["authorisation"][0]["agreement"]


def test_no_ceiling_drops_accountability_for_a_state_perpetrator():
    result = plan(SituationProfile(phase="aftermath", state_role="perpetrator", iso3="MMR",
                                   veto_likely=True, icc_jurisdiction=True,
                                   genocide_party=True, genocide_art_ix=True))
    offered = set(_ids(result["options"]))
    for tool in ("autonomous_targeted_sanctions", "icc_investigation", "icj_proceedings",
                 "commission_of_inquiry", "accountability_mechanism", "universal_jurisdiction",
                 "missing_persons"):
        assert tool in offered, tool
    dropped = {o["tool_id"]: o["reason"] for o in result["left_out"]}
    assert not [t for t, r in dropped.items() if "ceiling" in r and ("sanction" in t or "icc" in t
                                                                    or "icj" in t)]


def test_coercive_options_carry_rwp_safeguards_and_risks(perpetrator_vetoed):
    sanctions = _option(perpetrator_vetoed, "autonomous_targeted_sanctions")
    assert sanctions["risks"]
    assert any("RwP" in s for s in sanctions["safeguards"])
    good_offices = _option(perpetrator_vetoed, "good_offices")
    assert not any("RwP" in s for s in good_offices["safeguards"])


def test_non_state_perpetrators_get_their_own_tools():
    result = plan(SituationProfile(phase="ongoing_atrocities", state_role="willing_unable",
                                   iso3="HTI", veto_likely=False,
                                   non_state_perpetrators=["Viv Ansanm gang coalition"]))
    offered = _ids(result["options"])
    assert "armed_group_sanctions" in offered
    assert offered.index("armed_group_sanctions") < 10
    without = plan(SituationProfile(phase="ongoing_atrocities", state_role="willing_unable",
                                    iso3="HTI", veto_likely=False))
    assert "armed_group_sanctions" not in _ids(without["options"][:10])


def test_existing_measures_once_only_not_offered_follow_up_marked():
    tried = {"fact_finding_mission": [{"what": "HRC fact-finding mission", "date": "2023-10-11",
                                       "outcome": "outcome not yet known", "kind": "measure"}],
             "icc_investigation": [{"what": "Situation in Darfur", "date": "2005-06-06",
                                    "outcome": "investigation open", "kind": "court"}]}
    result = plan(SituationProfile(phase="ongoing_atrocities", state_role="perpetrator",
                                   iso3="SDN", veto_likely=True, icc_jurisdiction=True,
                                   existing=tried))
    assert "fact_finding_mission" not in _ids(result["options"])
    assert "fact_finding_mission" in [o["tool_id"] for o in result["in_place"]]
    icc = _option(result, "icc_investigation")
    assert icc is not None and icc["existing"] and icc["tried"]
    assert "already exists" in icc["reasons"][0]


def test_consent_tools_blocked_for_unwilling_state():
    result = plan(SituationProfile(phase="escalation", state_role="unwilling"))
    mediation = _option(result, "mediation")
    assert mediation["status"] == "needs_consent"


def test_foa_assessment_changes_priorities():
    base = dict(phase="escalation", state_role="unwilling", veto_likely=False)
    without = plan(SituationProfile(**base))
    with_foa = plan(SituationProfile(**base, foa={"RF7": 2, "RF8": 2}))
    assert {"foa_preparation", "foa_triggers"} <= {r["id"] for r in with_foa["rules_applied"]}
    assert _option(with_foa, "special_rapporteur")["score"] > \
        _option(without, "special_rapporteur")["score"]


def test_profile_rejects_unknown_phase():
    with pytest.raises(ValueError, match="phase must be one of"):
        SituationProfile(phase="war", state_role="perpetrator")


def test_regional_routes_agree_on_a_suspended_member():
    """Sudan, suspended from the AU since 2021: no route says 'no organisation with this
    mandate' while another names the AU as available."""
    result = plan(SituationProfile(phase="ongoing_atrocities", state_role="perpetrator",
                                   iso3="SDN", memberships=["AU", "IGAD", "LAS", "OIC"],
                                   veto_likely=True))
    notes = [a["note"] for o in result["options"] + result["blocked"] for a in o["authorisation"]]
    au_notes = [n for n in notes if "AU" in n]
    # One wording, from the facts registry: "AU (...; membership suspended since 2021-10-27)".
    assert au_notes and all("membership suspended since 2021-10-27" in n for n in au_notes
                            if "suspended" in n)
    suspension = _option(result, "regional_suspension")
    if suspension is not None:
        assert "OAS" not in suspension["authorisation"][0]["rule"].split("(")[0]
    from forewarn.respond.catalog import load_partners

    mandated = {t for o in load_partners().organisations if o.id in ("AU", "IGAD", "LAS", "OIC")
                for t in o.tools}
    contradicting = [o["tool_id"] for o in result["options"] + result["blocked"]
                     + result["left_out"] if o["tool_id"] in mandated
                     and "belongs to no organisation" in str(o)]
    assert contradicting == []


def test_country_inference_does_not_call_a_state_facing_gangs_a_perpetrator():
    from forewarn.respond.planner import load_rules
    from forewarn.respond.profile import CountryFacts, infer_state_role

    rules = load_rules()
    haiti = CountryFacts(last_year=2024, state_based_deaths=193, govt_one_sided_deaths=45)
    assert infer_state_role(haiti, rules)[0] == "willing_unable"
    sudan = CountryFacts(last_year=2024, state_based_deaths=4680, govt_one_sided_deaths=465,
                         ongoing_non_state_led=["RSF vs non-Arab civilians in Darfur"])
    assert infer_state_role(sudan, rules)[0] == "unwilling"
    repression = CountryFacts(last_year=2024, state_based_deaths=40, govt_one_sided_deaths=300)
    assert infer_state_role(repression, rules)[0] == "perpetrator"


def test_reasons_name_the_facts_they_rest_on():
    result = plan(SituationProfile(
        phase="ongoing_atrocities", state_role="perpetrator", iso3="MMR", veto_likely=True,
        basis={"state_role": ["3 of 3 incidents are attributed to state forces"],
               "phase": ["the latest incident ended 2017-12-31"]}))
    sanctions = _option(result, "autonomous_targeted_sanctions")
    assert any("Here: 3 of 3 incidents are attributed to state forces" in r
               for r in sanctions["reasons"])
