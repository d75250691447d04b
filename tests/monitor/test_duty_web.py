"""Web: a burst posted to /api/documents raises an alert with no command run; the duty view
(/duty, /duty.json) shows it; alert actions, rules, feeds and corrections over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.accounts import app_settings, bearer_tokens

SECRET = "forewarn-monitor-duty-test-secret"
BURST = ["Militias torched the villages near Bangui and razed the church overnight.",
         "Armed men torched the market of Bossangoa; the mosque was razed by noon.",
         "In Bria, fighters torched houses and razed the school after the vote count.",
         "Witnesses in Kaga-Bandoro say the camp was torched and razed to the ground."]


@pytest.fixture
def client(engine, tmp_path):
    from forewarn.web.app import create_app

    settings = app_settings(engine, tmp_path, SECRET)
    with Session(engine) as s:
        auth = bearer_tokens(s, ("viewer", "analyst", "reviewer"))
        s.commit()
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        yield c, auth


def post_burst(c, headers, iso3="CAF"):
    now = datetime.now(UTC).isoformat()
    return [c.post("/api/documents", json={"text": t, "title": f"Attack {k}", "country": iso3,
                                           "published_at": now, "source": "wire"},
                   headers=headers).json()["id"] for k, t in enumerate(BURST)]


def test_a_first_burst_alerts_with_no_command_and_the_duty_view_shows_it(client):
    c, auth = client
    r = c.post("/api/monitor/rules", json={"name": "Intent", "signal": "RF10", "min_count": 3},
               headers=auth["analyst"])
    assert r.status_code == 201, r.text
    before = c.get("/duty.json", headers=auth["viewer"]).json()
    assert before["alerts"] == []
    ids = post_burst(c, auth["analyst"])
    assert all(ids)
    duty = c.get("/duty.json", headers=auth["viewer"]).json()
    (a,) = duty["alerts"]
    assert (a["country"], a["country_name"], a["signal"]) == ("CAF", "Central African Republic",
                                                              "rf:RF10")
    assert a["count"] == 4 and a["baseline"] == "floor" and a["status"] == "new"
    assert a["signal_label"].startswith("RF10 ") and len(a["signal_label"]) > 10
    assert [r["country"] for r in duty["rising"]] == ["CAF"]
    assert duty["reports"] == [] and duty["can_review"] is False
    html = c.get("/duty", headers=auth["reviewer"]).text
    assert "Central African Republic (CAF)" in html and 'src="/static/monitor/duty.js"' in html
    assert "<script>" not in html  # CSP: no inline scripts
    assert c.get("/static/monitor/duty.js").status_code == 200
    assert 'href="/duty"' in c.get("/", headers=auth["viewer"]).text  # the home page points
    assert 'href="/duty"' not in c.get("/").text  # …for those who may read it
    # The alert lists the documents behind it, and links to the filtered feed.
    detail = c.get(f"/monitor/alerts/{a['id']}.json", headers=auth["viewer"]).json()
    assert sorted(d["id"] for d in detail["documents"]) == sorted(ids)
    feed = c.get(a["documents_url"].replace("/monitor?", "/monitor.json?"),
                 headers=auth["viewer"]).json()
    assert feed["total"] == 4
    # Acting on it needs `review`.
    assert c.post(f"/api/monitor/alerts/{a['id']}/acknowledge",
                  headers=auth["analyst"]).status_code == 403
    r = c.post(f"/api/monitor/alerts/{a['id']}/assign", json={"value": "reviewer"},
               headers=auth["reviewer"])
    assert r.json()["assigned_to"] == "reviewer"
    r = c.post(f"/api/monitor/alerts/{a['id']}/annotate", json={"value": "Calling the office."},
               headers=auth["reviewer"])
    assert r.json()["notes"][0]["text"] == "Calling the office."
    assert c.post(f"/api/monitor/alerts/{a['id']}/acknowledge",
                  headers=auth["reviewer"]).json()["status"] == "acknowledged"
    assert c.get("/duty.json", headers=auth["viewer"]).json()["alerts"] == []
    inbox = c.get("/monitor/alerts.json?status=acknowledged", headers=auth["viewer"]).json()
    assert [x["id"] for x in inbox["alerts"]] == [a["id"]]
    assert c.get("/monitor/alerts.json?status=bogus", headers=auth["viewer"]).status_code == 422


def test_rules_over_http_refuse_unknown_signals_and_can_be_disabled_and_deleted(client):
    c, auth = client
    bad = c.post("/api/monitor/rules", json={"name": "x", "signal": "hatefull"},
                 headers=auth["analyst"])
    assert bad.status_code == 422 and "unknown signal" in bad.text
    rid = c.post("/api/monitor/rules", json={"name": "inc", "signal": "incitement",
                                             "countries": ["sdn"]},
                 headers=auth["analyst"]).json()["id"]
    page = c.get("/monitor/rules.json", headers=auth["viewer"]).json()
    assert [(r["name"], r["countries"], r["active"]) for r in page["rules"]] == [
        ("inc", ["SDN"], True)]
    assert any(s["id"] == "rf:RF9" and s["label"].startswith("RF9 ") for s in page["signals"])
    assert c.patch(f"/api/monitor/rules/{rid}", json={"active": False},
                   headers=auth["analyst"]).status_code == 403  # edit:any
    r = c.patch(f"/api/monitor/rules/{rid}", json={"active": False},
                headers=auth["reviewer"])
    assert r.status_code == 200 and r.json()["active"] is False
    assert c.delete(f"/api/monitor/rules/{rid}", headers=auth["reviewer"]).status_code == 204
    assert c.get("/monitor/rules.json", headers=auth["viewer"]).json()["rules"] == []


def test_corrections_are_marked_listed_and_exported(client):
    c, auth = client
    (doc_id, *_) = post_burst(c, auth["analyst"])
    r = c.post(f"/api/monitor/documents/{doc_id}/corrections",
               json={"kind": "counter_speech", "note": "a report of the attack"},
               headers=auth["analyst"])
    assert r.status_code == 201
    bad = c.post(f"/api/monitor/documents/{doc_id}/corrections", json={"kind": "meh"},
                 headers=auth["analyst"])
    assert bad.status_code == 422
    assert c.post("/api/monitor/documents/999999/corrections", json={"kind": "missed"},
                  headers=auth["analyst"]).status_code == 404
    assert c.get("/monitor/corrections.csv", headers=auth["viewer"]).status_code == 403
    csv_text = c.get("/monitor/corrections.csv", headers=auth["analyst"]).text
    assert csv_text.splitlines()[0].startswith("id,document_id,kind")
    assert "counter_speech" in csv_text and "Bangui" in csv_text


def test_feeds_page_lists_and_the_api_refuses_bad_feeds(client, engine):
    from forewarn.monitor import feeds

    c, auth = client
    feeds.add_feed(engine, "https://example.org/rss", "wire", 30, "KEN")
    (f,) = c.get("/monitor/feeds.json", headers=auth["viewer"]).json()["feeds"]
    assert f["country"] == {"iso3": "KEN", "name": "Kenya"} and f["active"] is True
    assert c.get("/monitor/feeds", headers=auth["viewer"]).status_code == 200


def test_the_rules_and_feeds_forms_edit_disable_and_delete(client, engine):
    """The HTML forms' ops on rules and feeds: only edit:any changes them, an unknown op is
    refused, and each op reaches the record."""
    from forewarn.monitor import alerts, feeds

    c, auth = client
    rid = alerts.create_rule(engine, "inc", "incitement")
    fid = feeds.add_feed(engine, "https://example.org/rss", "wire", 30, "KEN")

    def post(path, data, who="reviewer"):
        return c.post(path, data=data, headers=auth[who], follow_redirects=False)

    assert post("/monitor/rules", {"op": "disable", "rule_id": rid}, "analyst").status_code \
        == 403
    assert post("/monitor/rules", {"op": "bogus", "rule_id": rid}).status_code == 422
    assert post("/monitor/rules", {"op": "disable", "rule_id": rid}).status_code == 303
    assert [r.active for r in alerts.rules(engine)] == [False]
    assert post("/monitor/rules", {"op": "update", "rule_id": rid, "name": "Incitement",
                                   "min_count": "5"}).status_code == 303
    (rule,) = alerts.rules(engine)
    assert (rule.name, rule.min_count) == ("Incitement", 5)
    assert post("/monitor/rules", {"op": "delete", "rule_id": rid}).status_code == 303
    assert alerts.rules(engine) == []

    assert post("/monitor/feeds", {"op": "delete", "feed_id": fid}, "analyst").status_code \
        == 403
    assert post("/monitor/feeds", {"op": "update", "feed_id": fid, "name": "agency",
                                   "country_iso3": ""}).status_code == 303
    (f,) = feeds.list_feeds(engine)
    assert (f.name, f.country_iso3) == ("agency", None)
    assert post("/monitor/feeds", {"op": "disable", "feed_id": fid}).status_code == 303
    assert [f.active for f in feeds.list_feeds(engine)] == [False]
    assert post("/monitor/feeds", {"op": "delete", "feed_id": fid}).status_code == 303
    assert feeds.list_feeds(engine) == []
