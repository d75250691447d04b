"""The pages and the JSON API over the real data, with real accounts and permissions."""

import pytest

pytestmark = pytest.mark.realdata

EV = [{"title": "UN report", "url": "https://undocs.org/S/2024/1"}]


def rating(indicator, value, **extra):
    return {"indicator": indicator, "rating": value, "trend": "worsening", "confidence": "high",
            "rationale": f"{indicator} because of the report", "evidence": EV, **extra}


def test_framework_json_is_the_stable_catalogue(client):
    body = client.get("/framework.json").json()
    factors = body["risk_factors"]
    assert [f["id"] for f in factors] == [f"RF{n}" for n in range(1, 15)]
    rf9 = factors[8]
    assert rf9["title"].startswith("Intergroup tensions")
    assert [i["id"] for i in rf9["indicators"]][:3] == ["RF9.1", "RF9.2", "RF9.3"]
    assert sum(len(f["indicators"]) for f in factors) == body["counts"]["indicators"] == 143
    assert {"confirmed", "confidence", "text", "number"} <= set(rf9["indicators"][0])
    assert body["crime_views"]["genocide"]["factors"][-2:] == ["RF9", "RF10"]
    page = client.get("/framework").text
    assert "This is a paraphrase, not the official text" in page
    assert "unconfirmed, low confidence" in page and 'id="RF9.3"' in page


def test_api_workflow_publishes_into_the_country_page(client, tokens):
    r = client.post("/api/assessments", headers=tokens["ana"], json={
        "iso3": "COD", "as_of": "2025-03-01", "summary": "Eastern DRC",
        "ratings": [rating("RF1.1", "serious"), rating("RF11.8", "present")]})
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    overall = r.json()["profile"]["views"]["all"]
    # Two factors of 14: no label yet, though the rule alone would say serious.
    assert (overall["level"], overall["provisional_level"]) == ("insufficient", "serious")
    r = client.put(f"/api/assessments/{aid}", headers=tokens["ana"], json={
        "expected_version": 1, "ratings": [rating("RF1.1", "serious"),
                                           rating("RF11.8", "serious"),
                                           rating("RF9.4", "present")]})
    assert r.status_code == 200 and r.json()["current_version"] == 2
    assert client.put(f"/api/assessments/{aid}", headers=tokens["andre"],
                      json={"ratings": []}).status_code == 403  # another analyst's work
    assert client.post(f"/api/assessments/{aid}/submit", headers=tokens["ana"]).status_code == 200
    assert client.post(f"/api/assessments/{aid}/publish",
                       headers=tokens["ana"]).status_code == 403  # no `review`
    assert client.get(f"/api/assessments/{aid}").status_code == 404  # anonymous, internal
    r = client.post(f"/api/assessments/{aid}/publish", headers=tokens["rev"],
                    json={"note": "sources checked"})
    assert r.status_code == 200 and r.json()["status"] == "published"
    seen = client.get(f"/api/assessments/{aid}", headers=tokens["vic"]).json()
    assert seen["shown_version"] == 4 and seen["versions"] == []  # viewers: published only
    diff = client.get(f"/api/assessments/{aid}/diff?from=1&to=2", headers=tokens["rev"]).json()
    assert {c["indicator"] for c in diff["ratings"]} == {"RF11.8", "RF9.4"}
    assert client.get(f"/api/assessments/{aid}/diff?from=1&to=2",
                      headers=tokens["vic"]).status_code == 403
    section = next(s for s in client.get("/countries/COD.json", headers=tokens["vic"]).json()[
        "sections"] if s["key"] == "framework")
    published = section["data"]["published"]
    assert published["assessment_id"] == aid and published["as_of"] == "2025-03-01"
    assert {f["id"]: f["level"] for f in published["factors"]}["RF11"] == "serious"
    anon = next(s for s in client.get("/countries/COD.json").json()["sections"]
                if s["key"] == "framework")
    assert anon["data"]["published"] is None  # internal: not for anonymous readers
    html = client.get("/countries/COD", headers=tokens["vic"]).text
    assert 'data-testid="heat-strip"' in html and "2025-03-01" in html


def test_permissions_and_errors(client, tokens):
    body = {"iso3": "SDN", "as_of": "2025-01-01"}
    assert client.post("/api/assessments", json=body,
                       headers={"X-CSRF-Token": "x"}).status_code in (401, 403)
    assert client.post("/api/assessments", json=body, headers=tokens["vic"]).status_code == 403
    r = client.post("/api/assessments", headers=tokens["ana"], json={
        **body, "ratings": [{"indicator": "RF1.99", "rating": "present"}]})
    assert r.status_code == 422 and "RF1.99" in r.json()["error"]
    r = client.post("/api/assessments", headers=tokens["ana"], json={
        **body, "ratings": [rating("RF1.1", "present", evidence=[{"url": "ftp://x"}])]})
    assert r.status_code == 422
    aid = client.post("/api/assessments", headers=tokens["ana"], json=body).json()["id"]
    r = client.post(f"/api/assessments/{aid}/submit", headers=tokens["ana"])
    assert r.status_code == 409 and "rate at least one indicator" in r.json()["error"]
    assert client.get("/api/assessments/99999", headers=tokens["rev"]).status_code == 404


def _cookie_login(client, web_settings, username):
    from forewarn.security import SYSTEM
    from forewarn.security.accounts import SESSION_COOKIE, start_session
    from forewarn.security.models import User
    from forewarn.store.db import make_engine, transaction

    eng = make_engine(web_settings.database_url)
    with transaction(eng) as s:
        s.info["principal"] = SYSTEM
        user = s.query(User).filter_by(username=username).one()
        cookie = start_session(s, user)
    eng.dispose()
    client.cookies.set(SESSION_COOKIE, cookie)
    client.get("/assessments")  # the CSRF cookie
    return client.cookies.get("forewarn_csrf")


def test_html_forms_without_javascript(client, web_settings):
    csrf = _cookie_login(client, web_settings, "andre")
    try:
        r = client.post("/assessments", data={"csrf_token": csrf, "iso3": "ETH",
                                              "as_of": "2025-02-01", "sensitivity": "internal"},
                        follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith("/edit")
        edit = r.headers["location"]
        page = client.get(edit + "?factor=RF1").text
        assert 'name="r-RF1.1"' in page and 'name="r-RF2.1"' not in page
        assert "Data suggests" in page  # suggestions are shown beside the indicator
        twin = client.get(edit + ".json?factor=RF1").json()  # the page's JSON twin
        shown = [i["id"] for f in twin["rows"] for i in f["indicators"]]
        assert "RF1.1" in shown and not any(i.startswith("RF2.") for i in shown)
        form = {"csrf_token": csrf, "factor": "RF1", "shown": "RF1.1,RF1.4",
                "expected_version": "1", "summary": "Tigray and Amhara",
                "r-RF1.1": "serious", "t-RF1.1": "worsening", "c-RF1.1": "high",
                "why-RF1.1": "Fighting in Amhara", "ev-RF1.1-0-kind": "url",
                "ev-RF1.1-0-value": "not-a-url", "ev-RF1.1-0-title": "Some title",
                "ev-RF1.1-1-kind": "", "ev-RF1.1-1-value": "", "r-RF1.4": "not_assessed"}
        r = client.post(edit, data=form)
        assert r.status_code == 422
        assert "RF1.1 evidence 1: a web link must start with http:// or https://" in r.text
        assert "Fighting in Amhara" in r.text and 'value="not-a-url"' in r.text  # all kept
        form["ev-RF1.1-0-value"] = "https://undocs.org/A/HRC/54/55"
        form["ev-RF1.1-0-title"] = "Commission report"
        r = client.post(edit, data=form, follow_redirects=False)
        assert r.status_code == 303, r.text
        view = client.get(r.headers["location"]).text
        assert "Commission report" in view and 'data-indicator="RF1.1"' in view
        aid = r.headers["location"].rsplit("/", 1)[1]
        r = client.post(f"/assessments/{aid}/workflow", data={"csrf_token": csrf,
                                                              "action": "submit"},
                        follow_redirects=False)
        assert r.status_code == 303
        assert "in review" in client.get(f"/assessments/{aid}").text
        r = client.post(f"/assessments/{aid}/workflow", data={"action": "submit"})
        assert r.status_code == 403  # no CSRF token
    finally:
        client.cookies.clear()


def test_export_import_round_trip_over_http(client, tokens):
    before = client.get("/api/assessments/export?format=csv", headers=tokens["rev"])
    assert before.status_code == 200 and before.text.startswith("iso3,as_of,status")
    assert client.get("/api/assessments/export", headers=tokens["vic"]).status_code == 403
    r = client.post("/api/assessments/import?format=csv", headers=tokens["rev"],
                    content=before.text.encode())
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 0
    after = client.get("/api/assessments/export?format=csv", headers=tokens["rev"])
    assert after.text == before.text
    r = client.post("/api/assessments/import?format=json", headers=tokens["ana"],
                    content=b'{"assessments": [{"iso3": "ZZZ"}]}')
    assert r.status_code == 422 and "ZZZ" in r.json()["error"]


def test_consistency_page_and_suggestions_api(client, tokens):
    rep = client.get("/framework/consistency.json?item=RF11.8&max_age_days=36500").json()
    rows = {r["iso3"]: r for r in rep["rows"]}
    assert {"MMR", "SDN"} <= set(rows) and rows["SDN"]["rating"] == "serious"
    assert rows["MMR"]["as_of"] == "2018-09-18" and rep["stale"] == []
    assert any(e["rule"] == "unhcr-displacement-surge" for e in rows["SDN"]["data"])
    assert client.get("/framework/consistency.json?item=RF1&max_age_days=30").json()["stale"]
    assert client.get("/framework/consistency?item=RF77").status_code == 404
    assert "Flags" in client.get("/framework/consistency?item=RF9").text
    sugg = client.get("/api/countries/SDN/suggestions?year=2024").json()
    assert sugg["indicators"]["RF1.1"][0]["year"] == 2024
    page = client.get("/countries/MMR/framework").text
    assert "Demonstration assessment" in page and "2017-02-03" in page
