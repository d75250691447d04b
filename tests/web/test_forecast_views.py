"""The pages over a stored Forewarn forecast, through the read API of forewarn.forecast
(`latest_forecast`, `risk_history`, `explanation`, `backtest_summary`), stood in for here so the
views are checked whatever the state of the stored forecasts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from forewarn.web import ewp_published
from forewarn.web import forecast_source as fs
from forewarn.web.app import create_app

pytestmark = pytest.mark.realdata


def fake_api(raw_dir):
    published = ewp_published.forecast(raw_dir)
    rows = [{**r, "model_version": "test-1"} for r in published.rows]

    def risk_history(session, iso3):
        return [{"year": y, "risk": 0.01 * (1 + (y % 5)), "rank": 10, "source": "backtest"}
                for y in range(1993, 2024)] + [
            {"year": 2024, "risk": published.by_iso3[iso3]["risk"],
             "rank": published.by_iso3[iso3]["rank"], "source": "forecast"}]

    def explanation(session, iso3):
        return {"iso3": iso3, "year": 2024, "intercept": -4.1,
                "contributions": [
                    {"feature": "discrimpop", "value": 0.4, "contribution": 0.81,
                     "risk_factor": "RF9"},
                    {"feature": "even_civilrights", "value": 0, "contribution": -0.35,
                     "risk_factor": ["RF1", "RF2"]},
                    {"feature": "ucdp_os_govt_log2", "value": 9.5, "contribution": 0.42}],
                "change": [{"feature": "coup.try.5yr", "previous": 0, "value": 1,
                            "contribution": 0.3}]}

    def backtest_summary(session):
        return {"model": "Forewarn test model", "evaluated": 5032, "onsets": 39,
                "metrics": {"auc": 0.87, "aupr": 0.07, "brier": 0.0084, "log_loss": 0.047,
                            "top10": 15, "top20": 25, "top30": 31},
                "intervals": {"auc": [0.82, 0.91]},
                "p_better": {"auc": 0.9},
                "catch_curve": [{"k": k, "caught": min(39, k)} for k in range(1, 61)],
                "catch_by_year": [{"year": 2013, "onsets": 2, "top30": 2}],
                "calibration": [{"low": 0.0, "high": 0.01, "n": 3000, "mean_risk": 0.003,
                                 "observed": 0.002, "onsets": 6}]}

    return SimpleNamespace(latest_forecast=lambda session: rows, risk_history=risk_history,
                           explanation=explanation, backtest_summary=backtest_summary)


@pytest.fixture
def client(web_settings, monkeypatch):
    api = fake_api(web_settings.raw_dir)
    monkeypatch.setattr(fs, "forecast_api", lambda: api)
    fs.clear_cache()
    with TestClient(create_app(web_settings)) as c:
        yield c
    fs.clear_cache()


def test_watchlist_reads_the_stored_forecast(client):
    body = client.get("/api/watchlist.json").json()
    assert body["source"] == fs.FOREWARN and body["model_version"] == "test-1"
    assert "Forewarn forecast" in client.get("/").text


def test_country_page_shows_drivers_and_backtest_history(client):
    twin = client.get("/countries/SDN.json").json()
    assert [d["feature"] for d in twin["drivers"]["current"]] == [
        "discrimpop", "ucdp_os_govt_log2", "even_civilrights"]  # by size of contribution
    assert twin["drivers"]["change"][0]["previous"] == 0
    assert twin["history"][0] == {"year": 1993, "risk": 0.04, "rank": 10, "source": "backtest"}
    # Derived features the model used are listed among the predictor values with their source.
    derived = next(r for r in twin["predictors"]["rows"] if r["predictor"] == "ucdp_os_govt_log2")
    assert derived["source"] == "ucdp" and derived["value"] == 9.5
    html = client.get("/countries/SDN").text
    assert "Share of population facing state discrimination" in html
    assert "Drivers of the 2024 forecast" in html and "RF1, RF2" in html


def test_model_page_puts_forewarn_beside_the_ewp(client):
    twin = client.get("/model.json").json()
    assert twin["backtest_available"]
    assert [m["model"] for m in twin["metrics"]] == ["Forewarn test model",
                                                     "EWP published (FOOS)"]
    assert set(twin["catch_curves"]) == {"Forewarn test model", "EWP published (FOOS)"}
    html = client.get("/model").text
    assert "P(better) 0.90" in html and "0.82–0.91" in html
