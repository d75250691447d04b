"""Recording measures and vetoes with the forms on /respond/record, through the real app
(SQLite and PostgreSQL): shown only to those who may record, CSRF, the redirect to the new
row (with the veto's General Assembly debate deadline), errors next to their field with
nothing kept, and the audit log."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.respond.models import RespondMeasure, RespondVeto
from forewarn.settings import Settings
from tests.accounts import csrf

from .recording import (
    MEASURE,
    SECRET,
    VETO,
    audit_entries,
    counts,
    post_form,
)

FORMS = (("/respond/record/measures", MEASURE), ("/respond/record/vetoes", VETO))
FUTURE = (date.today() + timedelta(days=3)).isoformat()


def test_only_users_who_may_create_see_and_use_the_forms(engine, clients):
    anonymous, viewer, analyst = clients("anonymous"), clients("viewer"), clients("analyst")
    before = counts(engine)
    for path, body in FORMS:
        assert post_form(anonymous, path, body).status_code == 401
        assert post_form(viewer, path, body).status_code == 403
        assert analyst.post(path, data=body).status_code == 403  # no CSRF token
    assert counts(engine) == before and audit_entries(engine) == []
    for who in (anonymous, viewer):
        page = who.get("/respond/record").text
        assert "Measures taken and what followed" in page
        assert 'id="measure-form"' not in page and 'id="veto-form"' not in page
    page = analyst.get("/respond/record").text
    assert 'id="measure-form"' in page and 'id="veto-form"' in page
    assert f'name="csrf_token" value="{csrf(analyst)}"' in page
    # The page's JSON (by Accept) is still exactly its .json twin, without the forms' lists.
    as_json = analyst.get("/respond/record", headers={"accept": "application/json"}).json()
    assert as_json == analyst.get("/respond/record.json").json()
    assert set(as_json) == {"measures", "aggregate", "vetoes", "horizons"}


def test_forms_record_and_redirect_to_the_new_row(engine, clients):
    analyst = clients("analyst")
    r = post_form(analyst, "/respond/record/measures", {**MEASURE, "situation": "Civil war"})
    assert r.status_code == 303, r.text
    with Session(engine) as s:
        mid = s.scalar(select(RespondMeasure.id))
    assert r.headers["location"] == f"/respond/record?measure={mid}#measure-{mid}"
    page = analyst.get(r.headers["location"])
    assert page.status_code == 200
    assert f'<tr id="measure-{mid}" class="new">' in page.text and "Civil war" in page.text
    assert "Measure recorded" in page.text and "forewarn respond measure outcomes" in page.text

    r = post_form(analyst, "/respond/record/vetoes",
                  {"iso3": "SYR", "date": "2022-07-08", "members": ["RUS", "CHN"],
                   "draft": "S/2022/538"})
    assert r.status_code == 303, r.text
    with Session(engine) as s:
        vid = s.scalar(select(RespondVeto.id))
    page = analyst.get(r.headers["location"]).text
    assert f'<li id="veto-{vid}" class="new">' in page
    # The General Assembly's debate deadline for the veto just stored (A/RES/76/262).
    assert '<strong id="ga-deadline">2022-07-22</strong>' in page
    assert [(a, t) for a, _, t, _, _ in audit_entries(engine)] == [
        ("analyst", "respond_situation"), ("analyst", "respond_measure"),
        ("analyst", "respond_veto")]


def test_errors_are_shown_next_to_the_field_and_nothing_is_kept(engine, clients):
    analyst = clients("analyst")
    before = counts(engine)
    r = post_form(analyst, "/respond/record/measures", {**MEASURE, "tool_id": "magic_wand"})
    assert r.status_code == 422
    assert 'id="measure-tool_id-error">' in r.text and "not a toolbox tool" in r.text
    assert 'id="measure-tool_id" name="tool_id" required aria-invalid="true"' in r.text
    assert 'value="UN Security Council"' in r.text  # what was typed is kept
    r = post_form(analyst, "/respond/record/measures", {**MEASURE, "date": "", "actor": ""})
    assert r.status_code == 422
    assert 'id="measure-date-error">Give the date as YYYY-MM-DD.' in r.text
    assert 'id="measure-actor-error">Say who applied the measure.' in r.text
    r = post_form(analyst, "/respond/record/vetoes", {"iso3": "SYR", "date": "2022-07-08"})
    assert r.status_code == 422
    assert 'id="veto-members-error">Tick the permanent member(s)' in r.text
    r = post_form(analyst, "/respond/record/vetoes", {**VETO, "date": FUTURE})
    assert r.status_code == 422 and 'id="veto-date-error">' in r.text and "future" in r.text
    assert 'value="RUS" checked' in r.text
    r = post_form(analyst, "/respond/record/vetoes", {**VETO, "iso3": "XXX"})
    assert r.status_code == 422 and 'id="veto-iso3-error">unknown country' in r.text
    assert counts(engine) == before


def test_the_security_matrix_covers_the_forms(tmp_path):
    """tests/security/test_matrix.py checks every route app_routes() finds: the form routes
    must be among them, each needing `create`; the page itself is open to all."""
    from forewarn.security.testing import app_routes, route_permissions
    from forewarn.web.app import create_app

    app = create_app(Settings(data_dir=tmp_path, secret_key=SECRET))
    found = {(r.path, m): route_permissions(r) for r in app_routes(app) for m in r.methods}
    for path, _ in FORMS:
        assert found[(path, "POST")] == ({"create"}, False), path
    assert found[("/respond/record", "GET")] == (set(), False)
