"""Monitoring web routes: authenticated POST /api/documents, the feed with filters and
highlighting, signals JSON and the alerts inbox actions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.accounts import app_settings, bearer_tokens

SECRET = "forewarn-monitor-test-secret"


@pytest.fixture
def client(engine, tmp_path):
    from forewarn.web.app import create_app

    settings = app_settings(engine, tmp_path, SECRET)
    with Session(engine) as s:
        auth = bearer_tokens(s, ("viewer", "analyst", "reviewer"))
        s.commit()
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        yield c, auth


DOC = {"text": "Militias torched the villages near Goma and razed the church.",
       "title": "Attack", "published_at": "2024-05-01T09:00:00Z", "source": "field"}


def test_post_document_requires_authentication_and_permission(client):
    c, auth = client
    assert c.post("/api/documents", json=DOC).status_code in (401, 403)  # CSRF or auth
    assert c.post("/api/documents", json=DOC, headers=auth["viewer"]).status_code == 403
    r = c.post("/api/documents", json=DOC, headers=auth["analyst"])
    assert r.status_code == 201 and r.json()["duplicate"] is False
    again = c.post("/api/documents", json=DOC, headers=auth["analyst"])
    assert again.json() == {"id": None, "duplicate": True, "near_duplicate": False}
    bad = c.post("/api/documents", json={"title": "no text"}, headers=auth["analyst"])
    assert bad.status_code == 422 and "text" in bad.json()["error"]
    bad = c.post("/api/documents", json={**DOC, "text": "x y", "country": "ZZZ"},
                 headers=auth["analyst"])
    assert bad.status_code == 422


def test_feed_filters_and_highlights(client):
    c, auth = client
    c.post("/api/documents", json=DOC, headers=auth["analyst"])
    c.post("/api/documents", json={"text": "Grain prices were stable in Nairobi markets.",
                                   "published_at": "2024-05-02"}, headers=auth["analyst"])
    assert c.get("/monitor.json").status_code == 401
    feed = c.get("/monitor.json", headers=auth["viewer"]).json()
    assert feed["total"] == 2
    cod = c.get("/monitor.json?country=COD", headers=auth["viewer"]).json()["documents"]
    assert [d["title"] for d in cod] == ["Attack"]
    marked = [s["text"] for s in cod[0]["highlight"] if s["mark"]]
    assert set(marked) == {"Militia", "torched", "razed"}
    rf10 = c.get("/monitor.json?signal=RF10", headers=auth["viewer"]).json()
    assert rf10["total"] == 1
    later = c.get("/monitor.json?date_from=2024-05-02", headers=auth["viewer"]).json()
    assert later["total"] == 1 and later["documents"][0]["country"] == "KEN"
    html = c.get("/monitor?country=COD", headers=auth["viewer"])
    assert html.status_code == 200 and "<mark>torched</mark>" in html.text


def test_signals_and_alert_actions(client, engine):
    from datetime import date

    from forewarn.monitor import alerts, signals
    from forewarn.monitor.notify import SmtpSettings

    c, auth = client
    for k in range(3):
        c.post("/api/documents", json={**DOC, "text": f"{DOC['text']} Report {k} " * (k + 1)},
               headers=auth["analyst"])
    signals.compute(engine, date(2024, 5, 1), date(2024, 5, 1))
    s = c.get("/monitor/countries/COD/signals.json", headers=auth["viewer"]).json()
    assert s["series"]["rf:RF10"][0]["count"] >= 1
    r = c.post("/api/monitor/rules", json={"name": "rf10", "signal": "rf:RF10",
                                          "mode": "threshold", "threshold": 1,
                                          "min_count": 1}, headers=auth["analyst"])
    assert r.status_code == 201
    (alert_id,) = alerts.evaluate(engine, date(2024, 5, 1), SmtpSettings(host=None))
    inbox = c.get("/monitor/alerts.json", headers=auth["viewer"]).json()["alerts"]
    assert [a["id"] for a in inbox] == [alert_id] and inbox[0]["country"] == "COD"
    url = f"/api/monitor/alerts/{alert_id}/acknowledge"
    assert c.post(url, headers=auth["analyst"]).status_code == 403
    done = c.post(url, headers=auth["reviewer"]).json()
    assert done["status"] == "acknowledged" and done["acted_by"] == "reviewer"
    assert c.get("/monitor/alerts.json", headers=auth["viewer"]).json()["alerts"] == []
