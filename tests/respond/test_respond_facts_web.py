"""The facts registry through the real app (SQLite and PostgreSQL): the State of Palestine's
page and map shape, one set of memberships on every page, a finding flagged on the country
page, an audited correction that changes the planner, and a recorded ICC referral that
changes the ICC route."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from forewarn.respond import facts
from forewarn.web.watchlist import topology
from tests.accounts import login

from .recording import audit_entries, post_form, post_json

pytestmark = pytest.mark.realdata


@pytest.fixture
def as_role(app_on, raw_dir):
    app = app_on(raw_dir)
    opened = []

    def make(role: str) -> TestClient:
        c = TestClient(app, base_url="https://testserver")
        opened.append(c)
        if role != "anonymous":
            assert login(c, role).status_code == 303
        return c

    yield make
    for c in opened:
        c.close()


def test_state_of_palestine_has_a_page_and_a_map_shape(as_role, raw_dir):
    anonymous = as_role("anonymous")
    assert anonymous.get("/countries/PSE").status_code == 200
    body = anonymous.get("/countries/PSE.json").json()
    assert body["country"]["name"] == "State of Palestine"
    assert anonymous.get("/countries/XKX").status_code == 200
    shapes = json.loads(topology(raw_dir)[0])["objects"]["countries"]["geometries"]
    assert {"PSE", "XKX"} <= {g["properties"]["iso3"] for g in shapes}
    found = anonymous.get("/search.json", params={"q": "Palestine"}).json()
    assert "PSE" in json.dumps(found)


def _stored(engine) -> int:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from forewarn.respond.models import RespondFact

    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(RespondFact))


def _org_ids(rows, key="id"):
    return sorted(r[key] for r in rows)


def test_no_two_pages_disagree_on_a_countrys_memberships(as_role):
    client = as_role("viewer")
    partners = client.get("/partners.json").json()["organisations"]
    for iso3 in ("SDN", "MLI", "MMR", "PSE"):
        member = sorted(o["id"] for o in partners if iso3 in o["members"])
        suspended = {o["id"]: o["suspended"][iso3] for o in partners
                     if iso3 in (o.get("suspended") or {})}
        options = client.get(f"/countries/{iso3}/options.json").json()["memberships"]
        registry = client.get("/facts.json", params={"iso3": iso3}).json()["memberships"]
        section = next(s for s in client.get(f"/countries/{iso3}.json").json()["sections"]
                       if s["key"] == "facts")["data"]["memberships"]
        current = [m for m in registry if not m["withdrawn"]]
        assert _org_ids(options) == _org_ids(current) == member, iso3
        assert _org_ids(section) == _org_ids(registry), iso3
        assert {m["id"]: m["suspended"] for m in options if m["suspended"]} == suspended
        assert {m["id"]: m["suspended"] for m in current if m["suspended"]} == suspended


def test_a_finding_is_flagged_and_an_audited_correction_changes_the_planner(engine, as_role,
                                                                             raw_dir):
    analyst, admin, viewer = as_role("analyst"), as_role("admin"), as_role("viewer")
    before = analyst.get("/countries/AZE/options.json").json()["profile"]["hr_treaties"]
    assert before["cped"] is False          # the shipped status file (about August 2022)
    finding = {"kind": "treaty_party", "iso3": "AZE", "subject": "cped", "status": "party",
               "citation": "Resolution naming Azerbaijan a party (test citation)",
               "source": "recorded"}
    assert post_form(viewer, "/facts", finding).status_code == 403
    assert 'id="fact-form"' not in viewer.get("/facts", params={"iso3": "AZE"}).text
    form = analyst.get("/facts", params={"iso3": "AZE"}).text
    assert 'id="fact-form"' in form and 'value="corrected"' not in form
    assert 'value="corrected"' in admin.get("/facts").text
    r = post_form(analyst, "/facts", finding)
    assert r.status_code == 303, r.text
    page = analyst.get("/countries/AZE").text
    assert "Contradicts a shipped fact" in page and "test citation" in page
    flagged = analyst.get("/facts.json", params={"iso3": "AZE"}).json()["contradictions"]
    assert flagged and flagged[0]["in_force"]["source"] == "shipped"
    with Session(engine) as s:   # what the dossier reads: the same contradiction
        dossier = facts.dossier_facts(s, "AZE", raw_dir)
    assert [c["finding"]["subject"] for c in dossier["contradictions"]] == ["cped"]
    assert dossier["facts"]["treaty_party"] and dossier["memberships"]
    # A finding does not move the planner; an analyst may not correct.
    assert analyst.get("/countries/AZE/options.json").json()["profile"]["hr_treaties"][
        "cped"] is False
    correction = {**finding, "source": "corrected",
                  "citation": "UN Treaty Collection IV-16, depositary notification (test)"}
    assert post_json(analyst, "/api/respond/facts", correction).status_code == 403
    no_citation = post_form(admin, "/facts", {**correction, "citation": ""})
    assert no_citation.status_code == 422 and 'id="fact-citation-error"' in no_citation.text
    bad_status = post_form(admin, "/facts", {**correction, "status": "maybe"})
    assert bad_status.status_code == 422 and "treaty status is one of" in bad_status.text
    assert _stored(engine) == 1                 # only the analyst's finding
    r = post_form(admin, "/facts", correction)
    assert r.status_code == 303, r.text
    after = analyst.get("/countries/AZE/options.json").json()["profile"]["hr_treaties"]
    assert after["cped"] is True
    registry = analyst.get("/facts.json", params={"iso3": "AZE", "kind": "treaty_party"}).json()
    assert any(f["source"] == "corrected" for f in registry["newer_than_shipped"])
    assert any(f["subject"] == "cped" and f["superseded_by"] for f in registry["facts"])
    assert registry["contradictions"] == []   # the finding now agrees with the fact in force
    record = analyst.get("/respond/record").text
    assert 'id="newer-than-shipped"' in record and "S/2024/826" in record
    assert "AZE cped: party" in record
    entries = [e for e in audit_entries(engine) if e[2] == "respond_fact"]
    assert [(e[0], e[1]) for e in entries] == [("analyst", "create"), ("admin", "correct")]
    assert entries[1][4]["status"] == "party" and "depositary" in entries[1][4]["citation"]


def test_a_recorded_icc_referral_changes_the_icc_route(as_role):
    # Syria: not a party, no Art. 12(3) declaration, no ICC situation (Myanmar has one, the
    # Bangladesh/Myanmar situation, so the ICC already has jurisdiction there).
    analyst = as_role("analyst")
    before = analyst.get("/countries/SYR/options.json").json()["profile"]
    assert before["icc_jurisdiction"] is False
    assert "ICC jurisdiction without the Council: no" in analyst.get(
        "/countries/SYR/options").text
    r = post_json(analyst, "/api/respond/measures", {
        "iso3": "SYR", "tool_id": "icc_investigation", "date": "2025-01-15",
        "actor": "UN Security Council", "decision_ref": "S/RES/9999 (test referral)"})
    assert r.status_code == 201, r.text
    after = analyst.get("/countries/SYR/options.json").json()["profile"]
    assert after["icc_jurisdiction"] is True and "S/RES/9999" in after["icc_basis"]
    page = analyst.get("/countries/SYR/options").text
    assert "ICC jurisdiction: yes" in page and "S/RES/9999" in page
    assert any(f["kind"] == "icc_referral" and f["source"] == "recorded" for f in
               analyst.get("/facts.json", params={"iso3": "SYR"}).json()["facts"])


def test_toolbox_page_has_a_chapter_column_and_filter(as_role):
    client = as_role("anonymous")
    full = client.get("/toolbox.json").json()
    assert full["count"] == len(full["tools"]) and all("chapter_basis" in t for t in full["tools"])
    seven = client.get("/toolbox.json", params={"chapter": "VII"}).json()
    assert seven["tools"] and {t["chapter"] for t in seven["tools"]} == {"VII"}
    assert client.get("/toolbox.json", params={"chapter": "IX"}).status_code == 422
    page = client.get("/toolbox", params={"chapter": "VIII"}).text
    assert 'name="chapter"' in page and "UN Charter Art. 52" in page
    assert "Diplomatic isolation" not in page
