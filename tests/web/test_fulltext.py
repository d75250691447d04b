"""One full-text search over every capability's records, on both backends (SQLite FTS5 and
PostgreSQL full-text search): a word from each record type is found, accents are folded,
misspellings are forgiven, results are ranked, and no reader finds a record they may not read.
`/search.json?q=` keeps its shape."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.accounts import app_settings, bearer_tokens

SECRET = "forewarn-fulltext-test-secret"


def _content(summary: str, rationale: str, citation: str) -> dict:
    return {"summary": summary, "ratings": [
        {"indicator": "RF1.1", "rating": "serious", "trend": "worsening", "confidence": "high",
         "rationale": rationale,
         "evidence": [{"title": "", "url": None, "ref": None, "citation": citation}]}]}


@pytest.fixture
def client(engine, tmp_path):
    from forewarn.assess.models import Assessment, AssessmentVersion
    from forewarn.data.importer import sync_countries
    from forewarn.evidence.models import Incident, Situation, Source
    from forewarn.monitor.ingest import from_record
    from forewarn.monitor.store import store_document
    from forewarn.reports.models import Report
    from forewarn.respond.models import RespondMeasure, RespondSituation, RespondVeto
    from forewarn.security import SYSTEM, set_principal
    from forewarn.web.app import create_app

    settings = app_settings(engine, tmp_path, SECRET)
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        ids = sync_countries(s)
        # A published, public assessment, and a draft (analysts and reviewers only).
        pub = Assessment(country_id=ids["ETH"], as_of=date(2024, 9, 15), status="published",
                         author_name="ana", current_version=1, published_version=1,
                         published_by_name="rev", sensitivity="public")
        draft = Assessment(country_id=ids["HTI"], as_of=date(2025, 1, 10), status="draft",
                           author_name="ana", current_version=1, sensitivity="public")
        s.add_all([pub, draft])
        s.flush()
        s.add(AssessmentVersion(assessment_id=pub.id, number=1, kind="publish",
                                status="published", editor_name="rev", sensitivity="public",
                                content=_content("Fighting in Amhara and Oromia",
                                                 "Drone strikes on Amhara towns",
                                                 "S/2024/826, para. 12")))
        s.add(AssessmentVersion(assessment_id=draft.id, number=1, kind="create",
                                status="draft", editor_name="ana", sensitivity="public",
                                content=_content("Gangs control Artibonite", "Kidnappings",
                                                 "S/2025/28")))
        for level, place in (("public", "El Fasher"), ("restricted", "Tawila")):
            s.add(Incident(title=f"Shelling of a market near {place}", sensitivity=level,
                           summary=f"Witnesses describe shelling in North Darfur ({level}).",
                           date_start=date(2024, 3, 1), date_end=date(2024, 3, 1),
                           place=place, country_id=ids["SDN"], harm_types=["killing"],
                           perpetrators=[], victim_groups=[], casualties={}, context={},
                           created_by="test"))
        s.add(Situation(title="Kordofan dossier", country_id=ids["SDN"],
                        period_start=date(2024, 1, 1), period_end=date(2024, 12, 31),
                        summary="Attacks on civilians", created_by="test",
                        sensitivity="public"))
        s.add(Source(title="Satellite imagery of Zamzam camp", kind="text", sha256="c" * 64,
                     evidentiary_sha="c" * 64, size=1, media_type="text/plain",
                     captured_at=datetime(2024, 5, 1, tzinfo=UTC), collector="t",
                     custodian="t", created_by="t", sensitivity="public"))
        s.add(Report(reference="R-TEST-0001", what="Soldiers burned granaries in Mellit",
                     place="Mellit", country_id=ids["SDN"], sensitivity="restricted"))
        sit = RespondSituation(country_id=ids["LBY"], name="Libya 2011")
        s.add(sit)
        s.flush()
        s.add(RespondMeasure(situation_id=sit.id, date=date(2011, 2, 26),
                             actor="UN Security Council", tool_id="un_targeted_sanctions",
                             decision_ref="S/RES/1970 (2011)"))
        s.add(RespondVeto(country_id=ids["SYR"], date=date(2014, 5, 22), members="RUS,CHN",
                          draft="S/2014/348", ga_deadline=date(2014, 6, 3)))
        auth = bearer_tokens(s, ("viewer", "analyst"))
        s.commit()
    store_document(engine, from_record({"text": "Speech calling the neighbours vermin.",
                                        "title": "Rally speech", "country": "SDN"},
                                       "api", "test", "t1"))
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        yield c, auth


def _find(c, q, headers=None, limit=10) -> dict[str, list[dict]]:
    r = c.get("/search.json", params={"q": q, "limit": limit}, headers=headers or {})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"q", "limit", "groups", "total"}  # the stable shape
    return {g["key"]: g["results"] for g in body["groups"]}


WORDS = {  # one word (or symbol) from each record type → the group that must find it
    "Amhara": "assessments", "S/2024/826": "assessments", "Darfur": "incidents",
    "Kordofan": "situations", "Zamzam": "sources", "Mellit": "reports",
    "vermin": "documents", "S/2014/348": "vetoes", "S/RES/1970": "measures",
    "Ethiopia": "countries", "Chapter VII": "tools", "hate speech": "framework",
}


def test_a_word_from_each_record_type_is_found(client):
    c, auth = client
    for word, group in WORDS.items():
        found = _find(c, word, auth["analyst"])
        assert found.get(group), (word, group, {k: len(v) for k, v in found.items()})


def test_accents_fuzzy_and_ranking(client):
    c, auth = client
    assert _find(c, "Cote d'Ivoire")["countries"][0]["meta"]["iso3"] == "CIV"
    assert _find(c, "côte d’ivoire")["countries"][0]["meta"]["iso3"] == "CIV"
    assert _find(c, "Sudann")["countries"][0]["meta"]["iso3"] == "SDN"
    fuzzy = _find(c, "Amharra")["assessments"]  # misspelt: the index's closest word is used
    assert fuzzy and fuzzy[0]["meta"].get("fuzzy") is True
    assert _find(c, "DARFÜR", auth["analyst"])["incidents"]  # case and accents folded
    tools = _find(c, "Chapter VII", limit=50)["tools"]
    from forewarn.respond.catalog import load_toolbox

    vii = {t.id for t in load_toolbox().tools if t.chapter == "VII"}
    assert len(vii) == 11
    assert {t["meta"]["id"] for t in tools[:len(vii)]} == vii  # all 11, ranked first


def test_no_hidden_record_in_results(client):
    c, auth = client
    anonymous = _find(c, "Darfur")
    assert [r["title"] for r in anonymous["incidents"]] == ["Shelling of a market near El Fasher"]
    assert "documents" not in anonymous and "reports" not in anonymous
    assert not _find(c, "Tawila", auth["viewer"])["incidents"]  # restricted
    assert _find(c, "Tawila", auth["analyst"])["incidents"]
    assert not _find(c, "Mellit", auth["viewer"])["reports"]  # a restricted report
    assert not _find(c, "Artibonite", auth["viewer"])["assessments"]  # a draft
    assert _find(c, "Artibonite", auth["analyst"])["assessments"]
    assert not _find(c, "Amhara")["assessments"][0]["snippet"].count("Artibonite")


def test_the_index_follows_edits_and_rebuilds(client, engine):
    from forewarn.evidence.models import Incident
    from forewarn.security import SYSTEM, set_principal
    from forewarn.web import fulltext

    c, auth = client
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        inc = s.query(Incident).filter(Incident.place == "El Fasher").one()
        inc.summary = "Witnesses describe shelling near Abu Shouk camp."
        s.commit()
    assert _find(c, "Shouk")["incidents"]
    assert not _find(c, "Darfur")["incidents"]  # the old words left the index
    with engine.begin() as conn:
        assert fulltext.reindex_all(conn) > 0
    assert _find(c, "Shouk")["incidents"]


def test_the_first_flush_of_a_fresh_process_indexes_without_error(tmp_path):
    """Discovering the indexers imports modules that add Session listeners; on a process's
    first flush that used to fail inside SQLAlchemy ("deque mutated during iteration")."""
    import subprocess
    import sys

    script = f"""
import forewarn.web.fulltext
from sqlalchemy import select
from sqlalchemy.orm import Session
from forewarn.security import SYSTEM
from forewarn.store.db import make_engine, upgrade
from forewarn.store.models import Country
from forewarn.web.models import SearchEntry
engine = make_engine("sqlite:///{tmp_path / 'fresh.db'}")
upgrade(engine)
with Session(engine) as s:
    s.info["principal"] = SYSTEM
    s.add(Country(iso3="QQA", name="Qqaland", cow_code=9991, region="Test"))
    s.flush()
    s.commit()
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")
