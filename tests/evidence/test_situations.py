"""The situation as the spine, through the real app: create, edit and close with history;
incidents corrected with versions; the derived profile with the facts it rests on and the
analyst's overrides (reason required, audited); the dossier's determinations, undecided
proposals, custody chain and recommendations that follow `?phase=&state_role=`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence.profile import actor_kind

from .conftest import siege_incident
from .test_web import api  # noqa: F401  (client and bearer headers by role)


@pytest.mark.parametrize("name, kind", [
    ("Myanmar military (Tatmadaw)", "state"), ("Government forces", "state"),
    ("Arakan Rohingya Salvation Army", "non_state"), ("Viv Ansanm gang coalition", "non_state"),
    ("Rapid Support Forces", "non_state"), ("Pro-government militia", "state_backed"),
    ("Unidentified men", "unknown"), ("Sudanese Armed Forces and Janjaweed militia", "state"),
    ("Janjaweed", "state_backed"), ("Sri Lanka Army", "state"), ("LTTE", "non_state"),
    ("Government forces and allied militias", "state")])
def test_perpetrators_are_read_from_their_names(name, kind):
    assert actor_kind(name) == kind


def _incident(client, h, **over):
    r = client.post("/api/evidence/incidents", headers=h, json=siege_incident(**over))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _situation(client, h, ids, **over):
    body = {"title": "Old town", "country": "SYR", "period_start": "2021-01-01",
            "period_end": "2021-12-31", "incident_ids": ids, "sensitivity": "public", **over}
    r = client.post("/api/situations", headers=h, json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_profile_from_incidents_with_overrides(api, db):  # noqa: F811
    client, h = api
    a = h["analyst"]
    ids = [_incident(client, a, title=f"Attack {n}", perpetrators=["Syrian Arab Army"])
           for n in range(3)]
    ids.append(_incident(client, a, title="Rebel shelling", perpetrators=["Rebel brigade"],
                         context={"armed_conflict": "non-international"}))
    sid = _situation(client, a, ids)
    p = client.get(f"/api/situations/{sid}/profile", headers=a).json()
    v = p["values"]
    assert v["state_role"]["value"] == "perpetrator"
    assert v["state_role"]["basis"] == ["3 of 4 incidents are attributed to state forces"]
    assert len(v["state_role"]["refs"]) == 3
    assert v["armed_conflict"]["value"] == "yes"
    assert v["conflict_type"]["value"] == "non-international"
    assert v["phase"]["value"] == "aftermath"    # 2021, no data on the country here
    assert p["non_state_perpetrators"] == ["Rebel brigade"]
    assert p["crimes"]["undecided"] > 0

    # Overriding needs a reason; the override wins, is shown with the derived value, audited.
    url = f"/api/situations/{sid}/profile/overrides"
    assert client.post(url, headers=a, json={"key": "phase", "value": "ongoing_atrocities",
                                             "reason": ""}).status_code == 422
    assert client.post(url, headers=a, json={"key": "phase", "value": "war",
                                             "reason": "x"}).status_code == 422
    assert client.post(url, headers=h["viewer"], json={
        "key": "phase", "value": "ongoing_atrocities", "reason": "x"}).status_code == 403
    r = client.post(url, headers=a, json={"key": "phase", "value": "ongoing_atrocities",
                                          "reason": "Shelling continues per OCHA, 2024"})
    assert r.status_code == 201, r.text
    phase = r.json()["values"]["phase"]
    assert phase["value"] == "ongoing_atrocities" and phase["derived"] == "aftermath"
    assert phase["override"]["reason"] == "Shelling continues per OCHA, 2024"
    options = client.get(f"/situations/{sid}/options.json", headers=a).json()
    assert options["profile"]["phase"] == "ongoing_atrocities"
    from forewarn.security.models import AuditEntry

    with Session(db) as s:
        audited = s.scalars(select(AuditEntry).where(AuditEntry.action == "override")).all()
    assert [e.note for e in audited] == ["Shelling continues per OCHA, 2024"]
    # Withdrawn: the derived value counts again.
    client.post(url, headers=a, json={"key": "phase", "value": None, "reason": "re-derive"})
    assert client.get(f"/api/situations/{sid}/profile",
                      headers=a).json()["values"]["phase"]["value"] == "aftermath"


def test_non_state_perpetrators_and_recent_incidents(api):  # noqa: F811
    client, h = api
    a = h["analyst"]
    recent = (date.today() - timedelta(days=20)).isoformat()
    ids = [_incident(client, a, title="Gang massacre", country="HTI", date_start=recent,
                     date_end=recent, harm_types=["killing"],
                     perpetrators=["Viv Ansanm gang coalition"])]
    sid = _situation(client, a, ids, country="HTI", period_start=recent, period_end=None)
    v = client.get(f"/api/situations/{sid}/profile", headers=a).json()["values"]
    assert v["state_role"]["value"] == "willing_unable"
    assert v["phase"]["value"] == "ongoing_atrocities"
    options = client.get(f"/situations/{sid}/options.json", headers=a).json()
    assert options["profile"]["non_state_perpetrators"] == ["Viv Ansanm gang coalition"]
    ranked = [o["tool_id"] for o in options["options"]]
    assert "armed_group_sanctions" in ranked[:8]


def test_incidents_are_corrected_with_versions(api, db):  # noqa: F811
    client, h = api
    a = h["analyst"]
    iid = _incident(client, a)
    r = client.patch(f"/api/evidence/incidents/{iid}", headers=a, json={
        "date_start": "2021-03", "casualties": {"killed": {"low": 200, "at_least": True}},
        "reason": "The source gives only the month and a minimum"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["date"] == "March 2021" and body["date_precision"] == "month"
    assert body["figures"]["killed"] == "at least 200" and body["version"] == 2
    r = client.put(f"/api/evidence/incidents/{iid}?reason=rewritten", headers=a,
                   json=siege_incident(title="Siege of the old town (corrected)"))
    assert r.status_code == 200 and r.json()["version"] == 3
    bad = client.patch(f"/api/evidence/incidents/{iid}", headers=a,
                       json={"date_end": "2020-01-01"})
    assert bad.status_code == 422 and "date_end" in bad.text
    history = client.get(f"/api/evidence/incidents/{iid}/history", headers=a).json()
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert history["versions"][1]["reason"] == "rewritten"
    assert history["versions"][1]["data"]["date_precision"] == "month"
    assert client.patch(f"/api/evidence/incidents/{iid}", headers=h["viewer"],
                        json={"title": "x"}).status_code == 403
    from forewarn.security.models import AuditEntry

    with Session(db) as s:
        edits = s.scalars(select(AuditEntry).where(AuditEntry.action == "edit",
                                                   AuditEntry.target_type ==
                                                   "evidence_incident")).all()
    assert len(edits) >= 2


def test_situation_edit_close_reopen_with_history(api):  # noqa: F811
    client, h = api
    a = h["analyst"]
    sid = _situation(client, a, [_incident(client, a)], perpetrators=[
        {"name": "Army", "kind": "state"}], protected_groups=["Religious minority X"])
    r = client.patch(f"/api/situations/{sid}", headers=a,
                     json={"title": "Old town, 2021", "reason": "clearer title"})
    assert r.status_code == 200 and r.json()["title"] == "Old town, 2021"
    assert client.post(f"/api/situations/{sid}/close", headers=a,
                       json={"reason": ""}).status_code == 422
    r = client.post(f"/api/situations/{sid}/close", headers=a,
                    json={"reason": "Documentation complete"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert client.post(f"/api/situations/{sid}/reopen", headers=a,
                       json={"reason": "New reports"}).json()["status"] == "open"
    history = client.get(f"/api/situations/{sid}/history", headers=a).json()
    assert [v["reason"] for v in history["versions"]] == [
        "clearer title", "Documentation complete", "New reports"]
    assert history["versions"][0]["data"]["perpetrators"] == [{"name": "Army",
                                                                "kind": "state"}]
    page = client.get(f"/situations/{sid}/profile", headers=a)
    assert page.status_code == 200 and "Open the situation" not in page.text
    listing = client.get("/situations", headers=a).text
    assert 'id="situation-form"' in listing


def test_dossier_determinations_custody_and_what_if(api):  # noqa: F811
    client, h = api
    a = h["analyst"]
    src = client.post("/api/evidence/sources", headers=a, json={
        "kind": "text", "title": "Witness", "text": "The army closed the roads.",
        "sensitivity": "public"}).json()
    iid = _incident(client, a, harm_types=["siege_starvation", "forced_displacement"],
                    sources=[{"source_id": src["id"], "supports": ["conduct"]}])
    sid = _situation(client, a, [iid])
    # A reason is required to decide.
    url = f"/api/evidence/incidents/{iid}/proposals/GC-II-c/decision"
    assert client.post(url, headers=a, json={"decision": "accepted",
                                             "reason": " "}).status_code == 422
    for scope in (f"/api/evidence/incidents/{iid}", f"/api/situations/{sid}"):
        r = client.post(f"{scope}/proposals/GC-II-c/decision", headers=a,
                        json={"decision": "accepted", "reason": "candidate"})
        assert r.status_code == 200, r.text
    # The ethnic-cleansing characterisation is decidable.
    r = client.post(f"/api/situations/{sid}/proposals/ethnic_cleansing/decision", headers=a,
                    json={"decision": "accepted", "reason": "expulsion of the minority"})
    assert r.status_code == 200, r.text
    d = client.get(f"/situations/{sid}.json", headers=a).json()
    crimes = [x["crime_id"] for x in d["determinations"]]
    assert crimes.count("GC-II-c") == 1 and "ethnic_cleansing" in crimes
    once = next(x for x in d["determinations"] if x["crime_id"] == "GC-II-c")
    assert {x["scope"] for x in once["accepted_for"]} == {"incident", "situation"}
    assert d["undecided"]["count"] == len(d["undecided"]["items"]) > 0
    entry = d["sources"][0]
    assert len(entry["sha256"]) == 64 and entry["registered_at"] and entry["custody"]
    html = client.get(f"/situations/{sid}", headers=a).text
    assert entry["sha256"] in html and entry["custody_url"] in html
    assert "Proposals not yet decided" in html and "Ethnic cleansing" in html
    md = client.get(f"/situations/{sid}.md", headers=a).text
    assert entry["sha256"] in md and "Custody:" in md and "not yet decided" in md
    # What-if: the dossier's recommendations follow ?phase=&state_role=.
    base = client.get(f"/situations/{sid}.json", headers=a).json()["recommendations"]
    other = client.get(f"/situations/{sid}.json?phase=latent_risk&state_role=willing_unable",
                       headers=a).json()["recommendations"]
    assert base["available"] and other["available"]
    assert other["state_role"] == "willing_unable" and other["phase"] == "latent_risk"
    assert [i["name"] for i in base["items"]] != [i["name"] for i in other["items"]]
    assert client.get(f"/situations/{sid}.json?phase=war", headers=a).status_code == 422
    # Dates and figures print with their precision in the dossier's findings.
    client.patch(f"/api/evidence/incidents/{iid}", headers=a, json={
        "date_start": "2021-03", "casualties": {"killed": {"low": 200, "at_least": True}},
        "reason": "month only; a minimum"})
    finding = client.get(f"/situations/{sid}.json", headers=a).json()["findings"][0]["text"]
    assert finding.startswith("In March 2021") and "(at least 200 killed)" in finding


def test_incident_corrected_through_the_form(api):  # noqa: F811
    client, h = api
    a = h["analyst"]
    iid = _incident(client, a)
    form = client.get(f"/evidence/incidents/{iid}/edit", headers=a)
    assert form.status_code == 200 and 'value="Siege of the old town"' in form.text
    r = client.post(f"/evidence/incidents/{iid}/edit", headers=a, follow_redirects=False, data={
        "title": "Siege of the old town", "date_start": "2021-03-01", "date_end": "",
        "date_precision": "month", "country": "SYR", "harm_types": ["siege_starvation"],
        "perpetrators": "Government forces", "victim_name": "Religious minority X",
        "characteristics": ["religious"], "killed_low": "120", "killed_at_least": "1",
        "armed_conflict": "non-international", "sensitivity": "internal",
        "reason": "Only the month is certain"})
    assert r.status_code == 303, r.text
    body = client.get(f"/api/evidence/incidents/{iid}", headers=a).json()
    assert body["date"] == "March 2021" and body["figures"]["killed"] == "at least 120"
    assert body["version"] == 2
    page = client.get(f"/evidence/incidents/{iid}", headers=a).text
    assert "Correct this incident" in page and "version 2" in page


def test_non_state_perpetrators_and_a_state_defying_the_court_is_unwilling(api):  # noqa: F811
    client, h = api
    a = h["analyst"]
    ids = [_incident(client, a, title="Killings of Masalit in El Geneina", country="SDN",
                     date_start="2023-06", date_end=None, harm_types=["killing"],
                     perpetrators=["Rapid Support Forces"])]
    sid = _situation(client, a, ids, country="SDN", period_start="2023-04-15",
                     period_end="2023-11-30")
    role = client.get(f"/api/situations/{sid}/profile", headers=a).json()["values"][
        "state_role"]
    assert role["value"] == "unwilling"
    assert "outstanding" in role["basis"][0]     # ICC warrants the state has not executed


def test_forces_of_another_state_are_not_the_territorial_state(api):  # noqa: F811
    client, h = api
    a = h["analyst"]
    ids = [_incident(client, a, title=f"Strike {n}", country="UKR", date_start="2022-03-09",
                     date_end=None, harm_types=["killing", "attack_on_civilians"],
                     perpetrators=["Russian armed forces"],
                     context={"armed_conflict": "international", "civilian_victims": True})
           for n in range(3)]
    sid = _situation(client, a, ids, country="UKR", period_start="2022-02-24",
                     period_end="2022-12-31")
    p = client.get(f"/api/situations/{sid}/profile", headers=a).json()
    assert p["values"]["state_role"]["value"] == "willing_unable"
    assert "another state" in p["values"]["state_role"]["basis"][0]
    assert p["foreign_states"] == [{"iso3": "RUS", "name": "Russian Federation",
                                    "incidents": 3}]
    options = client.get(f"/situations/{sid}/options.json", headers=a).json()
    assert options["profile"]["foreign_perpetrators"] == ["RUS"]
    assert options["profile"]["veto_likely"] is True
    offered = {o["tool_id"]: o for o in options["options"]}
    assert "autonomous_targeted_sanctions" in offered   # not capped by Ukraine's role
    icj = offered["icj_proceedings"]
    assert icj["existing"] and "Ukraine v. Russian Federation" in icj["tried"][0]["what"]
    assert any("Russia" in s["text"] for s in options["after_veto"])


def test_monitor_alerts_without_atrocities_mean_escalation(session_as, evidence_key):
    from forewarn.evidence import incidents
    from forewarn.evidence.profile import derive
    from forewarn.monitor.models import MonitorAlert, MonitorAlertRule
    from forewarn.store.models import Country

    s = session_as("analyst", "ana")
    inc = incidents.create_incident(s, siege_incident(
        title="Broadcast calling for the expulsion of group X", harm_types=["incitement"],
        date_start=date.today().isoformat(), date_end=None, context={}), "ana")
    sit = incidents.create_situation(s, {"title": "Incitement", "country": "SYR",
                                         "period_start": date.today().isoformat(),
                                         "incident_ids": [inc.id]}, "ana")
    rule = MonitorAlertRule(name="spike", signal="incitement")
    s.add(rule)
    s.flush()
    cid = s.scalar(select(Country.id).where(Country.iso3 == "SYR"))
    for n in range(2):
        s.add(MonitorAlert(rule_id=rule.id, country_id=cid, signal="incitement", count=9,
                           expected=1.5, day=date.today() - timedelta(days=n)))
    s.flush()
    phase = derive(s, sit, s.info["principal"], evidence_key)["values"]["phase"]
    assert phase["value"] == "escalation" and "2 monitor alerts" in phase["basis"][0]
    from forewarn.evidence.access import ANONYMOUS

    public = derive(s, sit, ANONYMOUS, evidence_key)
    assert public["country"]["recent_alerts"] is None   # internal, as on the country page
    s.rollback()


def test_unattributed_incidents_take_the_situations_perpetrators(api):  # noqa: F811
    client, h = api
    a = h["analyst"]
    ids = [_incident(client, a, perpetrators=[])]
    sid = _situation(client, a, ids, perpetrators=[{"name": "Syrian Arab Army"}])
    role = client.get(f"/api/situations/{sid}/profile", headers=a).json()["values"][
        "state_role"]
    assert role["value"] == "perpetrator" and "Syrian Arab Army" in role["basis"][0]


def test_cli_prints_the_profile(session_as, cli_env):
    from typer.testing import CliRunner

    from forewarn.cli import app
    from forewarn.evidence import incidents

    s = session_as("system")
    inc = incidents.create_incident(s, siege_incident(), "ana")
    sit = incidents.create_situation(s, {"title": "Old town", "country": "SYR",
                                         "period_start": "2021-01-01",
                                         "incident_ids": [inc.id]}, "ana")
    s.commit()
    result = CliRunner().invoke(app, ["evidence", "profile", str(sit.id)])
    assert result.exit_code == 0, result.output
    assert "state role: state perpetrator" in result.output
    assert "1 of 1 incidents are attributed to state forces" in result.output


def test_an_incident_recorded_in_error_is_removed_by_an_editor(api):  # noqa: F811
    client, h = api
    iid = _incident(client, h["analyst"])
    url = f"/api/evidence/incidents/{iid}"
    assert client.delete(url + "?reason=duplicate", headers=h["analyst"]).status_code == 403
    assert client.delete(url, headers=h["reviewer"]).status_code == 422
    r = client.delete(url + "?reason=duplicate of another incident", headers=h["reviewer"])
    assert r.status_code == 200, r.text
    assert client.get(url, headers=h["reviewer"]).status_code == 404
