"""The register through the real app: the JSON API (documented in /openapi.json), who may do
what, redaction, the proposals JSON, the dossier and its twins, and the pages."""

from __future__ import annotations

import base64
import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.settings import Settings

from .conftest import ALL_FACTS, siege_incident

PASSWORD = "correct horse battery staple"


def _token(engine, role: str) -> str:
    from forewarn.security.accounts import create_token, create_user
    from forewarn.security.models import User

    with Session(engine) as s:
        user = s.scalar(select(User).where(User.username == f"ev-{role}")) or \
            create_user(s, f"ev-{role}", PASSWORD, role)
        _, token = create_token(s, user, "tests")
        s.commit()
    return token


@pytest.fixture
def api(db, tmp_path):
    """(client, headers by role) on a fresh app over DB."""
    from forewarn.web.app import create_app

    settings = Settings(data_dir=tmp_path / "app",
                        database_url=db.url.render_as_string(hide_password=False))
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        headers = {r: {"Authorization": f"Bearer {_token(db, r)}"}
                   for r in ("viewer", "analyst", "reviewer")}
        yield client, headers


def test_creating_needs_an_account_with_create(api):
    client, h = api
    body = {"kind": "text", "title": "note", "text": "x"}
    # Anonymous: refused (the CSRF check answers first for cookie-less unsafe requests).
    assert client.post("/api/evidence/sources", json=body).status_code in (401, 403)
    assert client.post("/api/evidence/sources", json=body,
                       headers=h["viewer"]).status_code == 403


def test_sources_incidents_proposals_decisions_and_dossier_via_the_api(api):
    client, h = api
    a = h["analyst"]
    text = "Witness: the road to the old town has been closed since March; no food enters."
    r = client.post("/api/evidence/sources", headers=a, json={
        "kind": "text", "title": "Witness statement", "text": text, "sensitivity": "public",
        "reliability": "B", "credibility": "2", "citation": "Interview 14, 2021-05-02"})
    assert r.status_code == 201, r.text
    src = r.json()
    assert src["sha256"] == hashlib.sha256(text.encode()).hexdigest() and not src["duplicate"]
    again = client.post("/api/evidence/sources", headers=a, json={
        "kind": "url", "title": "same bytes", "url": "https://example.org/s",
        "content_base64": base64.b64encode(text.encode()).decode()}).json()
    assert again["duplicate"] and again["id"] == src["id"]
    up = client.post("/api/evidence/sources/upload", headers=a,
                     files={"file": ("photo.png", b"\x89PNG\r\n\x1a\n1234", "image/png")},
                     data={"title": "Photo of checkpoint", "sensitivity": "public"})
    assert up.status_code == 201 and up.json()["media_type"] == "image/png"
    content = client.get(f"/api/evidence/sources/{up.json()['id']}/content", headers=a)
    assert content.content == b"\x89PNG\r\n\x1a\n1234"
    log = client.get(f"/api/evidence/sources/{src['id']}", headers=a).json()["custody"]
    assert [e["action"] for e in log] == ["intake", "duplicate-intake"]

    incident = siege_incident(sensitivity="public")
    incident["sources"] = [{"source_id": src["id"], "supports": ALL_FACTS,
                            "locator": "answer 3"}]
    r = client.post("/api/evidence/incidents", headers=a, json=incident)
    assert r.status_code == 201, r.text
    iid = r.json()["id"]
    bad = client.post("/api/evidence/incidents", headers=a,
                      json={**incident, "harm_types": ["looting"]})
    assert bad.status_code == 422 and "looting" in bad.json()["error"]

    proposals = client.get(f"/api/evidence/incidents/{iid}/proposals").json()
    crimes = {p["crime_id"]: p for p in proposals["proposals"]}
    assert {"GC-II-c", "GC-II-b", "RS-7-1-h", "RS-8-2-e-xix"} <= set(crimes)
    assert [m["fact"] for m in crimes["GC-II-c"]["missing"]] == ["intent_to_destroy"]
    r = client.post(f"/api/evidence/incidents/{iid}/proposals/GC-II-c/decision", headers=a,
                    json={"decision": "accepted", "reason": "candidate; intent to be shown"})
    assert r.status_code == 200 and r.json()["decision"] == "accepted"
    assert client.post(f"/api/evidence/incidents/{iid}/proposals/GC-II-c/decision",
                       json={"decision": "accepted"}).status_code in (401, 403)

    r = client.post("/api/situations", headers=a, json={
        "title": "Siege of the old town", "country": "SYR", "period_start": "2021-03-01",
        "period_end": "2021-09-30", "incident_ids": [iid], "sensitivity": "public"})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    r = client.post(f"/api/situations/{sid}/findings", headers=a, json={
        "text": "The state is party to the Genocide Convention.", "section": "obligation",
        "citations": [{"source_id": src["id"], "locator": "n/a"}]})
    assert r.status_code == 201, r.text
    assert client.post(f"/api/situations/{sid}/findings", headers=a, json={
        "text": "Uncited.", "citations": []}).status_code == 422
    d = client.get(f"/situations/{sid}.json").json()
    assert d["obligations"]["findings"][0]["citations"][0]["locator"] == "n/a"
    # The JSON twin carries the registry's facts, each with citation and as-of date.
    ob = d["obligations"]
    assert ob["available"] and ob["contradictions"] == [] and ob["treaties"]
    assert all(t["citation"] and t["as_of"] for t in ob["treaties"])
    assert d["findings"] and all(f["citations"] for f in d["findings"])
    assert d["determinations"][0]["crime_id"] == "GC-II-c"
    md = client.get(f"/situations/{sid}.md", headers=a)
    assert md.status_code == 200 and md.text.startswith("# Siege of the old town")
    assert client.get(f"/situations/{sid}.md").status_code == 401  # exports need `export`
    page = client.get(f"/situations/{sid}")
    assert page.status_code == 200 and "Findings of fact" in page.text
    assert "Download PDF" not in page.text  # anonymous: no export link
    for path in (f"/evidence/incidents/{iid}/proposals", f"/evidence/incidents/{iid}",
                 f"/evidence/sources/{src['id']}", "/evidence", "/situations"):
        r = client.get(path, headers=a)
        assert r.status_code == 200 and "text/html" in r.headers["content-type"], path


def test_restricted_material_is_hidden_from_viewers(api):
    client, h = api
    r = client.post("/api/evidence/sources", headers=h["analyst"], json={
        "kind": "text", "title": "Informant report", "text": "names and places",
        "sensitivity": "restricted", "confidential_notes": "informant phone 555-0101"})
    sid = r.json()["id"]
    assert r.json()["confidential_notes"] == "[redacted]"  # analysts lack read:confidential
    assert client.get(f"/api/evidence/sources/{sid}", headers=h["viewer"]).status_code == 404
    assert client.get(f"/api/evidence/sources/{sid}").status_code == 404
    full = client.get(f"/api/evidence/sources/{sid}", headers=h["reviewer"]).json()
    assert full["confidential_notes"] == "informant phone 555-0101"
    listed = client.get("/api/evidence/sources", headers=h["viewer"]).json()["sources"]
    assert sid not in [s["id"] for s in listed]


def test_bulk_import_reports_the_bad_row_and_writes_nothing(api):
    client, h = api
    csv = ("title,date_start,country,harm_types\n"
           "ok,2022-01-01,SDN,killing\n"
           "bad,2022-01-02,SDN,killing;teleportation\n")
    r = client.post("/api/evidence/incidents/import", headers=h["analyst"],
                    files={"file": ("batch.csv", csv.encode(), "text/csv")},
                    data={"format": "csv"})
    assert r.status_code == 422
    assert "batch.csv, row 3, column 'harm_types'" in r.json()["error"]
    assert client.get("/api/evidence/incidents", headers=h["analyst"]).json()["incidents"] == []
    good = csv.splitlines()[:2]
    r = client.post("/api/evidence/incidents/import", headers=h["analyst"],
                    files={"file": ("batch.csv", "\n".join(good).encode(), "text/csv")})
    assert r.status_code == 200 and r.json()["created"] == 1


def test_openapi_documents_the_stable_interfaces(api):
    client, _ = api
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/api/evidence/sources"]
    assert "post" in paths["/api/evidence/sources/upload"]
    assert "post" in paths["/api/evidence/incidents"]
    assert "get" in paths["/api/evidence/incidents/{incident_id}/proposals"]
    for suffix in (".json", ".pdf", ".md"):
        assert f"/situations/{{situation_id}}{suffix}" in paths
