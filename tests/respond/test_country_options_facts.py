"""The country options read what is already known: a fact-finding mission recorded for Sudan
is not offered again; the Council's Darfur referral gives the ICC jurisdiction and the
investigation is shown as existing; Myanmar's ICJ case is existing, not new; names, never
catalogue ids, in the printable brief; after a veto, what follows."""

from __future__ import annotations

from .recording import post_json


def test_known_measures_and_cases_are_read(clients):
    c = clients("analyst")
    r = post_json(c, "/api/respond/measures", {
        "iso3": "SDN", "tool_id": "fact_finding_mission", "date": "2023-10-11",
        "actor": "UN Human Rights Council", "decision_ref": "A/HRC/RES/54/2"})
    assert r.status_code == 201, r.text
    sdn = c.get("/countries/SDN/options.json?phase=ongoing_atrocities&state_role=unwilling").json()
    offered = {o["tool_id"]: o for o in sdn["options"]}
    assert "fact_finding_mission" not in offered
    in_place = {o["tool_id"]: o for o in sdn["in_place"]}
    assert in_place["fact_finding_mission"]["tried"][0]["what"].endswith("A/HRC/RES/54/2")
    assert sdn["profile"]["icc_jurisdiction"] is True
    icc = offered["icc_investigation"]
    assert icc["existing"] and "S/RES/1593 (2005)" in icc["tried"][0]["what"]
    assert "ladder" not in sdn
    brief = c.get("/countries/SDN/options/brief").text
    assert "icc-bashir" not in brief and "Al Bashir" in brief
    assert "<style>" not in brief  # the print stylesheet is a static file (CSP)

    mmr = c.get("/countries/MMR/options.json?phase=aftermath&state_role=perpetrator").json()
    icj = next(o for o in mmr["options"] + mmr["blocked"] if o["tool_id"] == "icj_proceedings")
    assert icj["existing"] and "The Gambia v. Myanmar" in icj["tried"][0]["what"]


def test_after_a_veto_the_assembly_route_and_restraint_commitments(clients):
    c = clients("analyst")
    r = post_json(c, "/api/respond/vetoes", {"iso3": "SYR", "date": "2024-01-10",
                                             "members": ["RUS"], "draft": "S/2024/1"})
    assert r.status_code == 201, r.text
    syr = c.get("/countries/SYR/options.json").json()
    texts = " ".join(s["text"] for s in syr["after_veto"])
    assert "10 working days" in texts and "A/RES/76/262" in texts
    assert "377 (V)" in texts and "Russia" in texts
    good_offices = next(o for o in syr["options"] + syr["blocked"]
                        if o["tool_id"] == "good_offices")
    assert all(a["status"] != "blocked_by_veto" for a in good_offices["authorisation"])
    html = c.get("/countries/SYR/options").text
    assert "After a veto" in html and "Escalation ladder" not in html


def test_a_case_the_state_brought_counts_as_existing(clients):
    c = clients("analyst")
    bih = c.get("/countries/BIH/options.json?phase=aftermath&state_role=unwilling").json()
    icj = next(o for o in bih["options"] + bih["blocked"] if o["tool_id"] == "icj_proceedings")
    assert icj["existing"] and "Bosnia and Herzegovina v. Serbia" in icj["tried"][0]["what"]
