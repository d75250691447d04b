"""Evidence register: a link is as sensitive as its source (item 2) and adding to someone
else's record is an edit that needs `edit:any` (item 4), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from forewarn.evidence import incidents, sources
from forewarn.evidence.storage import BlobStore
from forewarn.security import SYSTEM, for_role, set_principal
from tests.accounts import bearer_tokens
from tests.evidence.conftest import siege_incident

MARK = "FWLINKSECRET"


@pytest.fixture(scope="module")
def tokens(module_engine):
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        out = bearer_tokens(s, ["analyst", "reviewer"])
        s.commit()
    return out


def _records(engine, app, owner: str, incident_level: str = "public") -> dict:
    blobs = BlobStore.for_settings(app.state.settings)
    who = for_role("analyst", owner)
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        hidden = sources.register_text(s, blobs, f"hidden {owner} {incident_level}",
                                       title=f"{MARK} title", actor=who,
                                       sensitivity="confidential").source
        shown = sources.register_text(s, blobs, f"shown {owner} {incident_level}",
                                      title="A public source", actor=who,
                                      sensitivity="public").source
        inc = incidents.create_incident(s, siege_incident(
            title=f"Incident of {owner}", sensitivity=incident_level), who)
        incidents.link_source(s, inc, hidden, who, ["conduct"], f"{MARK} locator",
                              note=f"{MARK} note")
        incidents.link_source(s, inc, shown, who, ["conduct"], "page 2")
        sit = incidents.create_situation(s, {
            "title": f"Situation of {owner}", "country": "SYR", "period_start": "2021-01-01",
            "period_end": "2021-12-31", "sensitivity": incident_level,
            "incident_ids": [inc.id]}, who)
        s.commit()
        return {"hidden": hidden.id, "shown": shown.id, "incident": inc.id,
                "situation": sit.id}


def test_hidden_links_say_only_that_they_exist(module_engine, app_for):
    app = app_for(module_engine)
    ids = _records(module_engine, app, "linker")
    routes = [f"/api/evidence/incidents/{ids['incident']}", "/evidence.json",
              f"/evidence/incidents/{ids['incident']}",
              f"/evidence/incidents/{ids['incident']}.json", "/api/evidence/incidents"]
    with TestClient(app, base_url="https://testserver") as c:
        for url in routes:
            r = c.get(url)
            assert r.status_code == 200, url
            assert MARK not in r.text, url
            assert f"/evidence/sources/{ids['hidden']}\"" not in r.text, url
        one = c.get(f"/api/evidence/incidents/{ids['incident']}").json()
    hidden = [x for x in one["sources"] if x["withheld"]]
    assert hidden == [{"source_id": None, "title": "[withheld]", "supports": [],
                       "locator": "", "note": "", "withheld": False} | {"withheld": True}]
    assert [x["source_id"] for x in one["sources"] if not x["withheld"]] == [ids["shown"]]


def test_adding_to_someone_elses_records_is_refused(module_engine, app_for, tokens):
    app = app_for(module_engine)
    ids = _records(module_engine, app, "someone-else", "internal")
    own = _records(module_engine, app, "analyst", "internal")
    finding = {"text": "Shelling hit the market.",
               "citations": [{"source_id": ids["shown"], "locator": "p. 1"}]}
    decision = {"decision": "accepted", "reason": "meets the elements"}

    def writes(r):
        i, s, src = r["incident"], r["situation"], r["shown"]
        return [("post", f"/api/evidence/incidents/{i}/findings", {"json": finding}),
                ("post", f"/api/evidence/incidents/{i}/sources",
                 {"json": {"source_id": src, "supports": ["conduct"]}}),
                ("post", f"/api/situations/{s}/incidents", {"json": [i]}),
                ("post", f"/api/situations/{s}/findings", {"json": finding}),
                ("post", f"/api/evidence/incidents/{i}/proposals/genocide/decision",
                 {"json": decision}),
                ("post", f"/api/situations/{s}/proposals/genocide/decision",
                 {"json": decision}),
                ("post", f"/api/evidence/sources/{src}/working-copy", {}),
                ("post", f"/api/evidence/sources/{src}/grade",
                 {"json": {"reliability": "B", "credibility": "2"}}),
                ("post", f"/api/evidence/sources/{src}/transfer", {"json": {"to": "x"}})]

    with TestClient(app, base_url="https://testserver") as c:
        analyst, reviewer = tokens["analyst"], tokens["reviewer"]
        refused = {url: getattr(c, m)(url, headers=analyst, **kw).status_code
                   for m, url, kw in writes(ids)}
        assert set(refused.values()) == {403}, refused
        # The owner may (the check is about ownership, not the route) ...
        mine = {url: getattr(c, m)(url, headers=analyst, **kw).status_code
                for m, url, kw in writes(own)}
        assert all(code < 400 or code == 422 for code in mine.values()), mine
        assert mine[f"/api/evidence/incidents/{own['incident']}/findings"] == 201
        # ... and so may a role with edit:any.
        r = c.post(f"/api/evidence/incidents/{ids['incident']}/findings", headers=reviewer,
                   json=finding)
        assert r.status_code == 201, r.text
