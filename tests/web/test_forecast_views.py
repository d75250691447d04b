"""The pages over a stored Forewarn forecast, through the typed read interface of
forewarn.forecast (`ForecastReader`: `ForecastRow`, `RiskPoint`, `Explanation`), stood in for
here with the same types so the views are checked whatever the state of the stored forecasts."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from forewarn.forecast import (
    Change,
    Contribution,
    Explanation,
    ForecastReader,
    ForecastRow,
    RiskPoint,
    StoredForecasts,
    published_forecast,
)
from forewarn.web import country_page
from forewarn.web import forecast_source as fs
from forewarn.web.app import create_app

pytestmark = pytest.mark.realdata


class StandIn:
    """A ForecastReader built from the forecast's own output types (forewarn.forecast.types),
    so a renamed field fails here as it would in the pages."""

    def __init__(self, raw_dir):
        self.published = published_forecast(raw_dir)

    def latest_forecast(self, session) -> list[ForecastRow]:
        return [dataclasses.replace(r, model_version="test-1") for r in self.published.rows]

    def risk_history(self, session, iso3) -> list[RiskPoint]:
        now = self.published.by_iso3[iso3]
        return [RiskPoint(y, 0.01 * (1 + (y % 5)), 10, "backtest") for y in range(1993, 2024)] \
            + [RiskPoint(2024, now.risk, now.rank, "forecast")]

    def explanation(self, session, iso3) -> Explanation:
        current = (Contribution("discrimpop", 0.81, value=0.4, risk_factor="RF9"),
                   Contribution("even_civilrights", -0.35, value=0, risk_factor=("RF1", "RF2")),
                   Contribution("ucdp_os_govt_log2", 0.42, value=9.5))
        change = Change(previous_year=2023, previous_risk=0.05, delta_logit=0.3,
                        delta_risk=0.01, contributions=(
                            Contribution("coup.try.5yr", 0.3, value=1, previous=0, moved=True),))
        return Explanation(iso3=iso3, year=2024, risk=0.06, logit=-2.75, base=-4.1,
                           contributions=current, change=change)

    def backtest_summary(self, session) -> dict:
        return {"model": "Forewarn test model", "evaluated": 5032, "onsets": 39,
                "metrics": {"auc": 0.87, "aupr": 0.07, "brier": 0.0084, "log_loss": 0.047,
                            "top10": 15, "top20": 25, "top30": 31},
                "intervals": {"auc": [0.82, 0.91]},
                "p_better": {"auc": 0.9},
                "catch_curve": [{"k": k, "caught": min(39, k)} for k in range(1, 61)],
                "catch_by_year": [{"year": 2013, "onsets": 2, "top30": 2}],
                "calibration": [{"low": 0.0, "high": 0.01, "n": 3000, "mean_risk": 0.003,
                                 "observed": 0.002, "onsets": 6}]}

    def plot_paths(self, session) -> dict:
        return {}

    def ewp_comparison(self, session) -> None:
        return None


@pytest.fixture
def client(web_settings, monkeypatch):
    stand_in: ForecastReader = StandIn(web_settings.raw_dir)
    monkeypatch.setattr(fs, "reader", lambda: stand_in)
    fs.clear_cache()
    with TestClient(create_app(web_settings)) as c:
        yield c
    fs.clear_cache()


def test_stand_in_matches_the_stored_reader_interface():
    """The stand-in implements every method of the interface the stored reader implements."""
    wanted = {n for n in vars(ForecastReader) if not n.startswith("_")}
    assert wanted <= set(vars(StandIn)) and wanted <= set(vars(StoredForecasts))


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
    label = country_page.predictor_info()["discrimpop"]["label"]  # the one catalogue's
    assert label in html
    assert "Drivers of the 2024 forecast" in html and "RF1, RF2" in html


def test_model_page_puts_forewarn_beside_the_ewp(client):
    twin = client.get("/model.json").json()
    assert twin["backtest_available"]
    assert [m["model"] for m in twin["metrics"]] == ["Forewarn test model",
                                                     "EWP published (FOOS)"]
    assert set(twin["catch_curves"]) == {"Forewarn test model", "EWP published (FOOS)"}
    html = client.get("/model").text
    assert "P(better) 0.90" in html and "0.82–0.91" in html
