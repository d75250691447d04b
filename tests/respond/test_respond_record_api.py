"""Recording measures and vetoes through the JSON API of the real app (SQLite and
PostgreSQL): who may, CSRF, the answer (GA deadline, outcomes), field errors that name the
field and leave the tables unchanged, and the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.settings import Settings
from tests.accounts import login

from .recording import (
    MEASURE,
    RECORD_MEASURE_KEYS,
    SECRET,
    VETO,
    audit_entries,
    counts,
    post_json,
)

API = (("/api/respond/measures", MEASURE), ("/api/respond/vetoes", VETO))


def test_anonymous_and_read_only_users_cannot_record(engine, clients):
    anonymous, viewer, analyst = clients("anonymous"), clients("viewer"), clients("analyst")
    before = counts(engine)  # after signing in, which is audited too
    for path, body in API:
        r = post_json(anonymous, path, body)
        assert r.status_code == 401, r.text
        r = post_json(viewer, path, body)
        assert r.status_code == 403 and "lacks: create" in r.json()["error"], r.text
        # Signed in with `create` but without the CSRF header: the cookie alone is not enough.
        assert analyst.post(path, json=body).status_code == 403
    assert counts(engine) == before and before["respond_measure"] == before["respond_veto"] == 0
    assert audit_entries(engine) == []


def test_analyst_records_a_measure_and_a_veto(engine, clients):
    analyst = clients("analyst")
    r = post_json(analyst, "/api/respond/measures", MEASURE)
    assert r.status_code == 201, r.text
    m = r.json()
    assert (m["iso3"], m["tool_id"], m["date"], m["situation"]) == \
        ("SLE", "peacekeeping_poc", "1999-10-22", "Sierra Leone")
    assert m["created_by"] == "analyst" and m["decision_ref"] == "S/RES/1270 (1999)"
    # No raw data on this server: no outcomes yet, and the answer says how to get them.
    assert m["outcomes"] == [] and "forewarn respond measure outcomes" in m["outcomes_note"]
    r = post_json(analyst, "/api/respond/vetoes", {**VETO, "members": ["rus", "CHN"]})
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["members"] == ["CHN", "RUS"] and v["ga_deadline"] == "2022-07-22"
    assert v["imported"] is False

    record = analyst.get("/respond/record.json").json()
    assert [x["id"] for x in record["measures"]] == [m["id"]]
    # Scripts rely on the keys it has always had; "documented" was added beside them.
    assert set(record["measures"][0]) == RECORD_MEASURE_KEYS | {"documented"}
    assert (record["vetoes"][0]["id"], record["vetoes"][0]["ga_deadline"]) == \
        (v["id"], "2022-07-22")
    log = audit_entries(engine)
    assert [(a, act, t) for a, act, t, _, _ in log] == [
        ("analyst", "create", "respond_situation"), ("analyst", "create", "respond_measure"),
        ("analyst", "create", "respond_veto")]
    assert log[1][3] == str(m["id"]) and log[1][4]["tool_id"] == "peacekeeping_poc"
    assert log[2][3] == str(v["id"]) and log[2][4]["ga_deadline"] == "2022-07-22"


def test_api_token_callers_need_no_csrf_token(engine, app_on):
    from forewarn.security.accounts import create_token
    from forewarn.security.models import User

    with Session(engine) as s:
        _, token = create_token(s, s.scalar(select(User).where(User.username == "reviewer")),
                                "tests")
        s.commit()
    with TestClient(app_on(), base_url="https://testserver") as c:
        r = c.post("/api/respond/vetoes", json=VETO, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    assert audit_entries(engine)[0][:3] == ("reviewer", "create", "respond_veto")


FUTURE = (date.today() + timedelta(days=3)).isoformat()
BAD = [  # (path, body, field the answer must name, words in its message)
    ("/api/respond/measures", {**MEASURE, "iso3": "XXX"}, "iso3", "unknown country"),
    ("/api/respond/measures", {**MEASURE, "iso3": "S1"}, "iso3", "3 characters"),
    ("/api/respond/measures", {**MEASURE, "tool_id": "magic_wand"}, "tool_id", "toolbox"),
    ("/api/respond/measures", {**MEASURE, "date": FUTURE}, "date", "future"),
    ("/api/respond/measures", {**MEASURE, "date": "22/10/1999"}, "date", "date"),
    ("/api/respond/measures", {**MEASURE, "actor": "  "}, "actor", "at least 1"),
    ("/api/respond/measures", {**MEASURE, "decision_url": "javascript:alert(1)"},
     "decision_url", "web address"),
    ("/api/respond/measures", {**MEASURE, "note": "a\x00b"}, "note", "NUL"),
    ("/api/respond/vetoes", {**VETO, "iso3": "XXX"}, "iso3", "unknown country"),
    ("/api/respond/vetoes", {**VETO, "members": ["DEU"]}, "members", "permanent members"),
    ("/api/respond/vetoes", {**VETO, "members": []}, "members", "at least 1"),
    ("/api/respond/vetoes", {**VETO, "date": FUTURE}, "date", "future"),
    ("/api/respond/vetoes", {**VETO, "date": "1930-05-01"}, "date", "first met"),
    ("/api/respond/vetoes", {**VETO, "holidays": ["soon"]}, "holidays", "date"),
]


def test_bad_input_names_the_field_and_stores_nothing(engine, clients):
    analyst = clients("analyst")
    before = counts(engine)
    for path, body, field, words in BAD:
        r = post_json(analyst, path, body)
        assert r.status_code == 422, (body, r.text)
        details = r.json()["details"]
        assert details[0]["loc"][:2] == ["body", field], (body, details)
        assert words in details[0]["msg"], (body, details)
    assert counts(engine) == before


@pytest.mark.realdata
def test_outcomes_are_computed_when_the_raw_data_is_here(engine, app_on, raw_dir):
    with TestClient(app_on(raw_dir), base_url="https://testserver") as c:
        assert login(c, "analyst").status_code == 303
        r = post_json(c, "/api/respond/measures", MEASURE)
        assert r.status_code == 201, r.text
        body = r.json()
        record = c.get("/respond/record.json").json()
    outs = {o["horizon_months"]: o for o in body["outcomes"]}
    assert sorted(outs) == [6, 12, 24] and "Computed when recorded" in body["outcomes_note"]
    # As `forewarn respond measure outcomes` finds (tests/respond/test_respond_record.py).
    assert outs[24]["status"] == "de-escalated" and outs[24]["window_year"] == 2001
    assert outs[24]["deaths_before"] > 1000 and outs[12]["risk_before"] is not None
    assert [o["status"] for o in record["measures"][0]["outcomes"]] == \
        [outs[h]["status"] for h in (6, 12, 24)]


def test_the_security_matrix_covers_the_api(tmp_path):
    """tests/security/test_matrix.py checks every route app_routes() finds against what
    route_permissions() reads: the API's routes must be among them, each needing `create`,
    and documented in /openapi.json."""
    from forewarn.security.testing import app_routes, route_permissions
    from forewarn.web.app import create_app

    app = create_app(Settings(data_dir=tmp_path, secret_key=SECRET))
    found = {(r.path, m): route_permissions(r) for r in app_routes(app) for m in r.methods}
    paths = app.openapi()["paths"]
    for path, _ in API:
        assert found[(path, "POST")] == ({"create"}, False), path
        assert paths[path]["post"]["summary"].startswith("Record a")
