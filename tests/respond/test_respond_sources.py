"""What the planner's profile is built from: the latest published Framework-of-Analysis
assessment (read through the caller's session, so access rules apply) and the forecast
(Forewarn's stored one, else the EWP file)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from forewarn.assess import service
from forewarn.assess.access import Actor
from forewarn.assess.catalog import base_framework
from forewarn.assess.ratings import Content
from forewarn.data.importer import sync_countries
from forewarn.security import SYSTEM, set_principal
from forewarn.settings import Settings
from forewarn.store.db import session_factory, transaction

ANALYST = Actor.with_role("analyst", "ana", 1)
REVIEWER = Actor.with_role("reviewer", "rev", 2)


def _rated(**ratings) -> Content:
    return Content(summary="test", ratings=[
        {"indicator": k.replace("_", "."), "rating": v, "trend": "stable",
         "confidence": "medium", "rationale": f"why {k}",
         "evidence": [{"title": "Report", "url": "https://example.org/r"}]}
        for k, v in ratings.items()])


def publish(engine, iso3: str, as_of: date, sensitivity: str, **ratings) -> None:
    framework = base_framework()
    with set_principal(session_factory(engine)(), ANALYST.principal) as s, s.begin():
        a = service.create(s, ANALYST, framework, iso3, as_of, _rated(**ratings),
                           sensitivity=sensitivity)
        service.submit(s, ANALYST, a)
        aid = a.id
    with set_principal(session_factory(engine)(), REVIEWER.principal) as s, s.begin():
        service.publish(s, REVIEWER, service.get(s, aid))


@pytest.fixture
def app_client(engine, tmp_path):
    """The respond router on a small app over `engine` (no raw files: no EWP forecast)."""
    from forewarn.respond.web import router

    with transaction(engine) as s:
        set_principal(s, SYSTEM)
        sync_countries(s)
    app = FastAPI()
    app.state.settings = Settings(data_dir=tmp_path)
    app.state.engine, app.state.sessions = engine, session_factory(engine)
    app.include_router(router)
    with TestClient(app) as c:
        yield c


def test_options_use_the_latest_published_assessment(engine, app_client):
    before = app_client.get("/countries/SDN/options.json").json()
    assert before["profile"]["foa"] is None
    assert "foa_preparation" not in {r["id"] for r in before["rules_applied"]}
    # An older assessment with RF7 absent, then a newer one with RF7 serious: the newer wins.
    publish(engine, "SDN", date(2023, 1, 1), "public", RF7_1="absent")
    publish(engine, "SDN", date(2024, 6, 1), "public", RF7_1="serious", RF8_1="present")
    body = app_client.get("/countries/SDN/options.json").json()
    assert body["profile"]["foa"]["RF7"] == 2 and body["profile"]["foa"]["RF8"] == 1
    assert "RF1" not in body["profile"]["foa"]          # not assessed is left out
    assert "foa_preparation" in {r["id"] for r in body["rules_applied"]}
    assert "foa_triggers" not in {r["id"] for r in body["rules_applied"]}
    assert any("as of 2024-06-01" in s for s in body["profile"]["sources"])


def test_assessment_the_reader_may_not_see_is_not_used(engine, app_client):
    publish(engine, "MMR", date(2024, 6, 1), "internal", RF10_1="serious")
    body = app_client.get("/countries/MMR/options.json").json()  # anonymous: public only
    assert body["profile"]["foa"] is None
    assert "foa_genocidal_intent" not in {r["id"] for r in body["rules_applied"]}
    from forewarn.respond.profile import profile_for_country

    with set_principal(session_factory(engine)(), ANALYST.principal) as s:
        assert profile_for_country(s, "MMR", raw_dir=None).foa["RF10"] == 2


def test_no_published_assessment_keeps_foa_empty(engine, app_client):
    with set_principal(session_factory(engine)(), ANALYST.principal) as s, s.begin():
        service.create(s, ANALYST, base_framework(), "COL", date(2024, 1, 1),
                       _rated(RF7_1="serious"), sensitivity="public")  # a draft only
    assert app_client.get("/countries/COL/options.json").json()["profile"]["foa"] is None


@pytest.mark.realdata
def test_forecast_falls_back_to_the_ewp_file_then_prefers_the_stored_one(engine, raw_dir):
    from sqlalchemy import select

    from forewarn.forecast.models import ForecastPrediction, ForecastRun
    from forewarn.respond.profile import EWP_CITATION, _ewp_final, profile_for_country
    from forewarn.store.models import Country

    with transaction(engine) as s:
        set_principal(s, SYSTEM)
        sync_countries(s)
    ewp_now, _ = _ewp_final(raw_dir)["MMR"]
    with set_principal(session_factory(engine)(), SYSTEM) as s:
        fallback = profile_for_country(s, "MMR", raw_dir=raw_dir)
    assert fallback.risk == ewp_now and EWP_CITATION in fallback.sources
    assert not any(src.startswith("Forewarn stored forecast") for src in fallback.sources)

    with transaction(engine) as s:
        set_principal(s, SYSTEM)
        mmr = s.scalar(select(Country).where(Country.iso3 == "MMR"))
        run = ForecastRun(kind="forecast", model_name="m", model_version="m-1", data_through=2024)
        s.add(run)
        s.flush()
        for year, risk in ((2023, 0.1), (2024, 0.3)):
            s.add(ForecastPrediction(run_id=run.id, country_id=mmr.id, ccode=775,
                                     ewp_name="Myanmar", year=year, risk=risk, rank=1))
    with set_principal(session_factory(engine)(), SYSTEM) as s:
        stored = profile_for_country(s, "MMR", raw_dir=raw_dir)
    assert stored.risk == 0.3 and stored.risk_trend == "rising"
    assert EWP_CITATION not in stored.sources
    assert "Forewarn stored forecast, model m-1, origin year 2024" in stored.sources
