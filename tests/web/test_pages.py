"""The pages' data, JSON twins, CSV, map geometry and the country-section registry (no browser)."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from forewarn.settings import Settings
from forewarn.web import charts, sections, watchlist
from forewarn.web.app import create_app


@pytest.fixture(scope="module")
def client(web_settings, forecast_source):
    from forewarn.web.forecast_source import clear_cache

    clear_cache()
    with TestClient(create_app(web_settings)) as c:
        yield c


realdata = pytest.mark.realdata


@realdata
def test_watchlist_api_is_stable_and_ranked(client):
    body = client.get("/api/watchlist.json").json()
    rows = body["countries"]
    assert body["count"] == len(rows) >= 160
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert all({"iso3", "risk", "rank"} <= r.keys() for r in rows)
    risks = [r["risk"] for r in rows]
    assert risks == sorted(risks, reverse=True) and 0 < risks[-1] <= risks[0] < 1
    assert sum(r["top30"] for r in rows) == 30
    assert body["outcome_years"] == [body["year"] + 1, body["year"] + 2]


@realdata
def test_watchlist_csv_matches_json(client):
    r = client.get("/api/watchlist.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    api = client.get("/api/watchlist.json").json()["countries"]
    assert [(x["iso3"], int(x["rank"])) for x in rows] == [(a["iso3"], a["rank"]) for a in api]
    assert abs(float(rows[0]["risk"]) - api[0]["risk"]) < 1e-6


@realdata
def test_movers_are_the_largest_changes(client):
    twin = client.get("/index.json").json()
    changes = [c["change"] for c in twin["countries"] if c["change"] is not None]
    rises = [m["change"] for m in twin["movers"]["rises"]]
    falls = [m["change"] for m in twin["movers"]["falls"]]
    assert rises == sorted(rises, reverse=True) and rises[0] == max(changes) > 0
    assert falls == sorted(falls) and falls[0] == min(changes) < 0


@realdata
def test_map_geometry_carries_iso3_and_caches(client):
    r = client.get("/api/geo/countries-110m.json")
    geoms = r.json()["objects"]["countries"]["geometries"]
    iso = {g["properties"]["iso3"] for g in geoms}
    assert {"SDN", "SSD", "MMR", "XKX", "USA", "RUS"} <= iso
    assert "010" not in {g.get("id") for g in geoms}  # Antarctica is not drawn
    again = client.get("/api/geo/countries-110m.json", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


@realdata
def test_every_page_has_a_documented_json_twin(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/index.json", "/countries/{iso3}.json", "/model.json", "/api/watchlist.json",
                 "/api/watchlist.csv", "/api/countries"):
        assert path in paths, path
    for page in ("/", "/countries/SDN", "/model"):
        html = client.get(page)
        assert html.status_code == 200 and "text/html" in html.headers["content-type"]
        as_json = client.get(page, headers={"Accept": "application/json"})
        assert as_json.headers["content-type"] == "application/json"


@realdata
def test_country_twin_is_complete(client):
    body = client.get("/countries/mmr.json").json()
    assert body["country"]["iso3"] == "MMR" and body["forecast"]["rank"] >= 1
    assert 2017 in body["onsets"] or 2016 in body["onsets"]
    assert any(r["one_sided_deaths"] for r in body["violence"])
    assert any(r["refugees"] for r in body["displacement"])
    rows = {r["predictor"]: r for r in body["predictors"]["rows"]}
    assert rows["discrimpop"]["label"] != "discrimpop" and rows["discrimpop"]["files"]
    assert body["sources"]["ucdp"][0]["licence"]


@realdata
def test_country_names_and_case_resolve_and_garbage_is_404(client):
    assert client.get("/countries/sudan.json").json()["country"]["iso3"] == "SDN"
    assert client.get("/countries/sdn").status_code == 200
    for bad in ("XXX", "S%00N", "a" * 300, "%3Cscript%3E"):
        r = client.get(f"/countries/{bad}")
        assert r.status_code == 404, bad
        assert "<script>" not in r.text
        assert client.get(f"/countries/{bad}.json").json()["status"] == 404


def test_without_data_the_pages_say_what_to_run(tmp_path):
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'f.db'}")
    from forewarn.store.db import make_engine, upgrade
    from forewarn.web.forecast_source import clear_cache

    upgrade(make_engine(settings.db_url))
    clear_cache()
    with TestClient(create_app(settings)) as c:
        assert "forewarn forecast forecast" in c.get("/").text
        r = c.get("/api/watchlist.json")
        assert r.status_code == 503 and "forewarn" in r.json()["error"]
        assert c.get("/api/geo/countries-110m.json").status_code == 404
        assert c.get("/model").status_code == 200
    clear_cache()


def test_risk_colours_are_viridis_bins():
    assert watchlist.colour_for(None) == watchlist.NO_DATA
    assert watchlist.colour_for(0.001) == watchlist.COLOURS[0]
    assert watchlist.colour_for(0.01) == watchlist.COLOURS[2]
    assert watchlist.colour_for(0.5) == watchlist.COLOURS[-1]
    labels = [b["label"] for b in watchlist.bins()]
    assert labels[0] == "< 0.5%" and labels[-1] == "≥ 8%"


def test_ticks_cover_the_data():
    assert charts.nice_ticks(0, 0.32)[-1] >= 0.32
    assert charts.nice_ticks(0, 7)[0] == 0


def test_country_sections_registry(monkeypatch):
    monkeypatch.setattr(sections, "COUNTRY_SECTIONS", {})

    @sections.register_country_section("probe", "Probe", "sections/reserved.html", order=50)
    def probe(session, country):
        return {"iso3": country["iso3"]}

    @sections.register_country_section("evidence", "Evidence", "x.html", order=300)
    def broken(session, country):
        raise RuntimeError("boom")

    class FakeSession:
        info: dict = {}

        def rollback(self):
            pass

    built = sections.build_sections(FakeSession(), {"iso3": "SDN"})
    keys = [s["key"] for s in built]
    assert keys[0] == "probe" and built[0]["data"] == {"iso3": "SDN"}
    evidence = next(s for s in built if s["key"] == "evidence")
    assert evidence["status"] == "unavailable"
    assert sections.section_template(evidence) == "sections/reserved.html"
    assert keys == ["probe", "evidence"]  # only registered sections: no placeholders


@realdata
def test_stored_forewarn_forecast_drives_every_page(client, forecast_source):
    from forewarn.web.forecast_source import FOREWARN

    assert forecast_source == FOREWARN
    assert client.get("/api/watchlist.json").json()["source"] == FOREWARN
    country = client.get("/countries/SDN.json").json()
    assert {r["source"] for r in country["history"]} == {"backtest", "forecast"}
    drivers = country["drivers"]
    assert drivers["current"] and drivers["current"][0]["risk_factor"].startswith("RF")
    # base + contributions = logit (the explanation adds up), as the page says
    total = drivers["base"] + sum(d["contribution"] for d in drivers["current"])
    assert abs(total - drivers["logit"]) < 1e-6
    model = client.get("/model.json").json()
    assert model["backtest_available"] and model["metrics"][0]["model"].startswith("Forewarn")
    assert model["ewp_comparison"]["top_overlap"] >= 10
    assert "What changed since" in client.get("/countries/SDN").text


class NoteBase(DeclarativeBase):
    pass


class Note(NoteBase):
    """Any write: committing one must drop what anonymous readers were shown."""

    __tablename__ = "note"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


def test_anonymous_sections_are_shared_until_a_write_is_committed(monkeypatch):
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from forewarn.security import for_role, set_principal
    from forewarn.web.forecast_source import clear_cache

    monkeypatch.setattr(sections, "COUNTRY_SECTIONS", {})
    calls = []

    @sections.register_country_section("probe", "Probe", "sections/reserved.html")
    def probe(session, country):
        calls.append(country["iso3"])
        return {"n": len(calls)}

    engine = create_engine("sqlite://")
    NoteBase.metadata.create_all(engine)
    clear_cache()
    with Session(engine) as anonymous:
        first = sections.build_sections(anonymous, {"iso3": "SDN"})
        again = sections.build_sections(anonymous, {"iso3": "SDN"})
        assert first[0]["data"] == again[0]["data"] == {"n": 1}
        with Session(engine) as writer:
            writer.add(Note())
            writer.commit()
        assert sections.build_sections(anonymous, {"iso3": "SDN"})[0]["data"] == {"n": 2}
    with Session(engine) as analyst:
        set_principal(analyst, for_role("analyst", user_id=1))
        sections.build_sections(analyst, {"iso3": "SDN"})
        sections.build_sections(analyst, {"iso3": "SDN"})
    assert len(calls) == 4  # a signed-in reader's sections are always built for them
    clear_cache()
