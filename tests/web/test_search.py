"""Search (`/search`, `/search.json`): every group, on both backends, limited to what the reader
may read — by sensitivity for evidence, by permission for monitored documents."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from forewarn.web.search import like, snippet
from tests.accounts import app_settings, bearer_tokens

SECRET = "forewarn-search-test-secret"
MARK = "Zqxwvmarker"


@pytest.fixture
def client(engine, tmp_path):
    from forewarn.data.importer import sync_countries
    from forewarn.evidence.models import Incident
    from forewarn.monitor.ingest import from_record
    from forewarn.monitor.store import store_document
    from forewarn.security import SYSTEM, set_principal
    from forewarn.web.app import create_app

    settings = app_settings(engine, tmp_path, SECRET)
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        ids = sync_countries(s)
        for level in ("public", "internal", "restricted"):
            s.add(Incident(title=f"Shelling of the {level} market", sensitivity=level,
                           summary=f"Witnesses describe {MARK} {level} shelling at dawn.",
                           date_start=date(2024, 3, 1), date_end=date(2024, 3, 1),
                           place="El Fasher", country_id=ids["SDN"], harm_types=["killing"],
                           perpetrators=[], victim_groups=[], casualties={}, context={},
                           created_by="test"))
        auth = bearer_tokens(s, ("viewer", "analyst"))
        s.commit()
    store_document(engine, from_record({"text": f"Speech calling {MARK} neighbours vermin.",
                                        "title": "Rally speech", "country": "SDN"},
                                       "api", "test", "t1"))
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        yield c, auth


def _groups(response) -> dict[str, list[dict]]:
    assert response.status_code == 200, response.text
    return {g["key"]: g["results"] for g in response.json()["groups"]}


def test_countries_by_name_and_code_exact_match_first(client):
    c, _ = client
    found = _groups(c.get("/search.json", params={"q": "sudan"}))["countries"]
    assert [r["meta"]["iso3"] for r in found] == ["SDN", "SSD"]
    assert found[0]["url"] == "/countries/SDN"
    by_code = _groups(c.get("/search.json", params={"q": "cod"}))["countries"]
    assert by_code[0]["meta"]["iso3"] == "COD"


def test_evidence_results_follow_the_readers_clearance(client):
    c, auth = client
    seen = {}
    for who, headers in (("anonymous", {}), ("viewer", auth["viewer"]),
                         ("analyst", auth["analyst"])):
        found = _groups(c.get("/search.json", params={"q": MARK}, headers=headers))
        seen[who] = sorted(r["title"].split()[3] for r in found["incidents"])
    assert seen == {"anonymous": ["public"], "viewer": ["internal", "public"],
                    "analyst": ["internal", "public", "restricted"]}


def test_documents_only_for_readers_with_internal_access(client):
    c, auth = client
    assert "documents" not in _groups(c.get("/search.json", params={"q": MARK}))
    docs = _groups(c.get("/search.json", params={"q": MARK}, headers=auth["viewer"]))[
        "documents"]
    assert len(docs) == 1 and docs[0]["meta"]["iso3"] == "SDN"
    # The link opens the feed filtered on the same text, which finds the document.
    feed = c.get(docs[0]["url"].replace("/monitor?", "/monitor.json?"), headers=auth["viewer"])
    assert [d["title"] for d in feed.json()["documents"]] == ["Rally speech"]
    none = c.get("/monitor.json", params={"q": "nothing like this"}, headers=auth["viewer"])
    assert none.json()["total"] == 0


def test_draft_assessments_only_for_editors(client, engine):
    from forewarn.assess.access import Actor
    from forewarn.assess.catalog import load_framework
    from forewarn.assess.service import create
    from forewarn.security import SYSTEM, set_principal

    with Session(engine) as s:
        set_principal(s, SYSTEM)
        create(s, Actor.with_role("analyst", "analyst"), load_framework(), "SDN",
               date(2024, 6, 1), sensitivity="public")
        s.commit()
    c, auth = client
    assert _groups(c.get("/search.json", params={"q": "sudan"}))["assessments"] == []
    found = _groups(c.get("/search.json", params={"q": "sudan"}, headers=auth["analyst"]))[
        "assessments"]
    assert [(r["meta"]["iso3"], r["meta"]["status"]) for r in found] == [("SDN", "draft")]
    assert found[0]["url"].startswith("/assessments/")


def test_catalogues_and_html_page(client):
    c, _ = client
    groups = _groups(c.get("/search.json", params={"q": "hate speech"}))
    assert any(r["meta"]["id"].startswith("RF") for r in groups["framework"])
    assert groups["tools"] and all(r["url"].startswith("/toolbox/") for r in groups["tools"])
    page = c.get("/search", params={"q": "hate speech"})
    assert page.status_code == 200 and "Framework of Analysis" in page.text
    assert groups["tools"][0]["url"] in page.text


def test_query_validation_and_literal_wildcards(client):
    c, _ = client
    assert c.get("/search.json", params={"q": "x"}).status_code == 422
    assert c.get("/search.json", params={"q": "y" * 201}).status_code == 422
    assert c.get("/search.json").json()["groups"] == []
    # "%" and "_" are searched for as characters, not as LIKE wildcards.
    assert _groups(c.get("/search.json", params={"q": "%%"}))["incidents"] == []
    assert _groups(c.get("/search.json", params={"q": "__"}))["incidents"] == []


def test_like_and_snippet():
    assert like("50%_a\\b") == "%50\\%\\_a\\\\b%"
    text = "word " * 60 + "the needle is here " + "tail " * 60
    cut = snippet(text, "NEEDLE", 60)
    assert "needle" in cut and cut.startswith("…") and cut.endswith("…") and len(cut) <= 62
    assert snippet("short text", "absent") == "short text"
