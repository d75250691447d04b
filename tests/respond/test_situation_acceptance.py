"""Acceptance case from the Secretary-General's 2025 report on R2P, para 28 (A/79/...):
the Rohingya in Rakhine State, Myanmar, 2017 — forced deportation of over 700,000, about
10,000 reportedly killed; ICJ provisional measures in 2020 (The Gambia v. Myanmar); the
ASEAN five-point consensus. Entered through the API as an analyst would, on the real data:
the derived profile, the options and the decision brief (≤ 3 A4 pages)."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from tests.accounts import login

from .recording import post_json

pytestmark = pytest.mark.realdata

ROHINGYA = [{"name": "Rohingya", "characteristics": ["ethnical", "religious"]}]
INCIDENTS = [
    {"title": "Clearance operations in northern Rakhine State", "date_start": "2017-08-25",
     "date_end": "2017-09-30", "place": "Maungdaw and Buthidaung townships", "country": "MMR",
     "harm_types": ["killing", "sexual_violence"],
     "perpetrators": ["Myanmar military (Tatmadaw)"], "victim_groups": ROHINGYA,
     "casualties": {"killed": {"low": 10000, "at_least": True}},
     "context": {"armed_conflict": "non-international", "civilian_victims": True,
                 "widespread_or_systematic": True}},
    {"title": "Deportation of the Rohingya to Bangladesh", "date_start": "2017-08",
     "date_end": "2017-12", "place": "Rakhine State", "country": "MMR",
     "harm_types": ["forced_displacement"], "perpetrators": ["Myanmar security forces"],
     "victim_groups": ROHINGYA, "casualties": {"displaced": {"low": 700000, "at_least": True}},
     "context": {"civilian_victims": True}},
    {"title": "Burning of Rohingya villages", "date_start": "2017-09", "country": "MMR",
     "place": "northern Rakhine State", "harm_types": ["destruction_of_property"],
     "perpetrators": ["Tatmadaw soldiers", "Border Guard Police"], "victim_groups": ROHINGYA},
]


@pytest.fixture
def analyst(app_on, raw_dir):
    with TestClient(app_on(raw_dir), base_url="https://testserver") as c:
        assert login(c, "analyst").status_code == 303
        yield c


def _enter_case(c) -> int:
    ids = []
    for body in INCIDENTS:
        r = post_json(c, "/api/evidence/incidents", body)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    r = post_json(c, "/api/situations", {
        "title": "Rohingya, Rakhine State 2017", "country": "MMR", "other_countries": ["BGD"],
        "period_start": "2017-08-01", "period_end": "2017-12-31", "incident_ids": ids,
        "protected_groups": ["Rohingya"]})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    # The ASEAN five-point consensus (24 April 2021), recorded as a measure taken.
    r = post_json(c, "/api/respond/measures", {
        "iso3": "MMR", "tool_id": "regional_mediation", "date": "2021-04-24",
        "actor": "ASEAN", "decision_ref": "ASEAN Leaders' Meeting, five-point consensus"})
    assert r.status_code == 201, r.text
    return sid


def test_rohingya_2017_profile_options_and_brief(analyst):
    from pypdf import PdfReader

    c = analyst
    sid = _enter_case(c)

    profile = c.get(f"/api/situations/{sid}/profile").json()
    values = profile["values"]
    assert values["state_role"]["value"] == "perpetrator"
    assert "state forces" in values["state_role"]["basis"][0]
    assert values["phase"]["value"] in ("ongoing_atrocities", "aftermath")
    assert values["armed_conflict"]["value"] == "yes"
    assert len(values["state_role"]["refs"]) == 3
    summary = c.get(f"/api/situations/{sid}").json()["profile"]
    assert summary["state_role"] == "perpetrator"
    dossier = c.get(f"/situations/{sid}.json").json()
    assert dossier["profile"]["state_role"]["label"] == "state perpetrator"

    options = c.get(f"/situations/{sid}/options.json").json()
    assert options["profile"]["state_role"] == "perpetrator"
    offered = {o["tool_id"]: o for o in options["options"]}
    assert {"autonomous_targeted_sanctions", "un_targeted_sanctions"} & set(offered) or \
        "autonomous_targeted_sanctions" in [o["tool_id"] for o in options["blocked"]]
    assert "autonomous_targeted_sanctions" in offered        # targeted sanctions
    icc = offered["icc_investigation"]
    assert icc["existing"] and "ICC-01/19" in icc["tried"][0]["what"]
    icj = offered["icj_proceedings"]
    assert icj["existing"] and "Gambia v. Myanmar" in icj["tried"][0]["what"]
    assert {"commission_of_inquiry", "fact_finding_mission"} & set(offered)
    assert {"accountability_mechanism", "universal_jurisdiction"} <= set(offered)
    assert "ladder" not in options
    # What was tried shows the ASEAN measure on the regional route.
    regional = offered.get("regional_mediation") or next(
        o for o in options["blocked"] if o["tool_id"] == "regional_mediation")
    assert regional["tried"] and regional["tried"][0]["what"].startswith("ASEAN")

    brief = c.get(f"/situations/{sid}/brief.json").json()
    assert 5 <= len(brief["options"]) <= 8
    texts = " ".join(j["text"] for j in brief["judgements"])
    assert "state perpetrator" in texts and "at least 700,000 displaced" in texts
    assert all(j["confidence_label"] for j in brief["judgements"])
    assert any("ASEAN" in t["what"] for t in brief["tried"])
    html = c.get(f"/situations/{sid}/brief").text
    assert "icc-" not in html and "icj-gmb" not in html       # names, never catalogue ids
    pdf = c.get(f"/situations/{sid}/brief.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    pages = len(reader.pages)
    assert 1 <= pages <= 3, pages
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Key judgements" in text and "Watchlist" not in text   # no site menu
    assert "icc-" not in text
    # Issued: the next brief says what changed since.
    again = c.get(f"/situations/{sid}/brief.json").json()
    assert again["changes"]["since"] is not None
