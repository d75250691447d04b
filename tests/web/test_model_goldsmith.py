"""The model page's Goldsmith et al. (2013) metric (the share of onsets in their outcome year's
top 5% of risk) beside the other metrics, for Forewarn and the EWP, with its bootstrap interval
and a one-line explanation; /model.json only gains keys."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from forewarn.data.readers import EWP_FOOS
from forewarn.forecast import read_foos
from forewarn.web import forecast_source as fs
from forewarn.web.app import create_app
from tests.web.test_forecast_views import StandIn

pytestmark = pytest.mark.realdata

# /model.json's keys before the metric was added: they stay, with their meaning.
TOP_KEYS = {"forecast", "protocol", "backtest_available", "backtest", "decade_auc",
            "ewp_comparison", "metric_labels", "metrics", "catch_curves", "catch_by_year",
            "calibration", "sources"}
ROW_KEYS = {"model", "evaluated", "onsets", "auc", "aupr", "brier", "log_loss", "top10",
            "top20", "top30", "intervals", "intervals_onsets", "p_better", "p_better_onsets"}
GOLDSMITH = {"model": 0.4359, "ewp": 0.3077, "cutoffs": [8, 9], "interval": [0.279, 0.592],
             "interval_ewp": [0.167, 0.438], "p_better": 0.98}


def ewp_top5_share(raw_dir) -> float:
    """By hand from the EWP's FOOS file: onsets ranked within ceil(5% of that year's rows)."""
    foos = read_foos(raw_dir / EWP_FOOS)
    rows = foos.groupby("year")["year"].transform("size")
    inside = foos["rank"] <= (0.05 * rows).apply(math.ceil)
    onsets = foos["mk_onset"] == 1
    return inside[onsets].sum() / onsets.sum()


class WithGoldsmith(StandIn):
    """A stored summary as `forewarn forecast backtest` writes it since issue 25."""

    def backtest_summary(self, session) -> dict:
        summary = super().backtest_summary(session)
        ewp = {"model": "EWP published (FOOS)", "metrics": {**summary["metrics"], "auc": 0.82},
               "intervals": {"auc": [0.77, 0.87]}}
        return {**summary, "goldsmith_top5": GOLDSMITH, "ewp": ewp}


def _client(web_settings, monkeypatch, reader):
    monkeypatch.setattr(fs, "reader", lambda: reader)
    fs.clear_cache()
    return TestClient(create_app(web_settings))


def test_goldsmith_beside_the_other_metrics_with_intervals(web_settings, monkeypatch):
    with _client(web_settings, monkeypatch, WithGoldsmith(web_settings.raw_dir)) as client:
        twin = client.get("/model.json").json()
        html = client.get("/model").text
    fs.clear_cache()
    assert TOP_KEYS <= twin.keys()
    ours, ewp = twin["metrics"]
    assert ours["model"] == "Forewarn test model" and ewp["model"] == "EWP published (FOOS)"
    assert ROW_KEYS <= ours.keys() and ROW_KEYS <= ewp.keys()
    assert ours["auc"] == 0.87 and ours["intervals"] == {"auc": [0.82, 0.91]}  # as before
    assert (ours["goldsmith_top5"], ours["goldsmith_top5_interval"],
            ours["goldsmith_top5_p_better"]) == (0.4359, [0.279, 0.592], 0.98)
    assert (ewp["goldsmith_top5"], ewp["goldsmith_top5_interval"],
            ewp["goldsmith_top5_p_better"]) == (0.3077, [0.167, 0.438], None)
    about = twin["goldsmith_top5"]
    assert about["cutoffs"] == [8, 9] and about["top_share"] == 0.05
    assert "top 8 to 9 countries" in about["explanation"]
    assert "Goldsmith et al. (2013)" in about["explanation"]
    assert "Journal of Peace Research" in about["citation"]
    # The page: a column beside the others, the count of onsets, interval, P(better), the note.
    assert 'id="goldsmith-head"' in html and 'id="goldsmith-note"' in html
    assert "0.436 (17/39)" in html and "0.279–0.592" in html and "P(better) 0.98" in html
    assert "0.308 (12/39)" in html and "0.167–0.438" in html


def test_summary_without_the_metric_scores_the_ewp_from_its_file(web_settings, monkeypatch):
    """A summary stored before issue 25: Forewarn's cell is empty, the EWP's is scored from
    its published file."""
    with _client(web_settings, monkeypatch, StandIn(web_settings.raw_dir)) as client:
        twin = client.get("/model.json").json()
        html = client.get("/model").text
    fs.clear_cache()
    ours, ewp = twin["metrics"]
    assert ours["goldsmith_top5"] is None and ours["goldsmith_top5_interval"] is None
    assert ewp["goldsmith_top5"] == pytest.approx(ewp_top5_share(web_settings.raw_dir))
    assert ewp["goldsmith_top5_interval"] is None
    assert 'id="goldsmith-note"' in html and twin["goldsmith_top5"]["cutoffs"][0] >= 8


def test_stored_backtest_carries_the_metric(web_settings, forecast_source):
    """Over the backtest the forecasting CLI stored (no bootstrap there, so no interval)."""
    fs.clear_cache()
    with TestClient(create_app(web_settings)) as client:
        twin = client.get("/model.json").json()
    fs.clear_cache()
    ours, ewp = twin["metrics"]
    assert ours["model"].startswith("Forewarn") and 0 < ours["goldsmith_top5"] < 1
    assert ours["goldsmith_top5_interval"] is None and ours["goldsmith_top5_p_better"] is None
    assert ewp["goldsmith_top5"] == pytest.approx(ewp_top5_share(web_settings.raw_dir))
    assert round(ewp["goldsmith_top5"] * ewp["onsets"]) == 12  # docs/forecast.md: 12 of 39
