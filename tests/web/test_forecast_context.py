"""The country page's "Forecast in context" section over the forecast the forecasting CLI
stored from the real data: the EWP's published risk and rank beside Forewarn's, the data
year and window in words, and the calibration plot on the native target, HTML and JSON."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from forewarn.data.readers import EWP_FINAL
from forewarn.web.app import create_app

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def client(web_settings, forecast_source):
    from forewarn.web.forecast_source import FOREWARN, clear_cache

    assert forecast_source == FOREWARN
    clear_cache()
    with TestClient(create_app(web_settings)) as c:
        yield c
    clear_cache()


def _section(twin: dict) -> dict:
    return next(s for s in twin["sections"] if s["key"] == "forecast-context")["data"]


def test_ewp_published_figures_beside_forewarns(client, web_settings):
    data = _section(client.get("/countries/SDN.json").json())
    final = pd.read_csv(web_settings.raw_dir / EWP_FINAL)
    risk = final.loc[final["ccode"] == 625, "risk.2025and2026.from2024"].item()
    assert data["ewp"]["risk"] == pytest.approx(risk)
    ranks = final["risk.2025and2026.from2024"].rank(ascending=False, method="first")
    assert data["ewp"]["rank"] == int(ranks[final["ccode"] == 625].item())
    assert data["ewp"]["window"] == [2025, 2026] == data["forewarn"]["window"]
    assert data["forewarn"]["year"] == 2024 and 1 <= data["forewarn"]["rank"] <= 200
    assert data["window"]["text"].startswith("The data end in 2024")


def test_calibration_on_the_native_target(client):
    data = _section(client.get("/countries/SDN.json").json())
    cal = data["calibration"]
    # Origins 1993-2022 have both next years observed (the EWP table ends in 2024).
    assert cal["last_scored_year"] == 2022 and cal["n"] > 4000 and cal["onsets"] > 30
    assert sum(r["n"] for r in cal["rows"]) == cal["n"]
    assert sum(r["onsets"] for r in cal["rows"]) == cal["onsets"]
    html = client.get("/countries/SDN").text
    assert 'id="forecast-vs-ewp"' in html and "Early Warning Project" in html
    assert "Calibration of the backtest on the model" in html and "<svg" in html
    assert 'id="change-compares"' in html
