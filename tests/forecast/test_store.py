"""Storing runs and reading them back through the web API, on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest

import forewarn.forecast as api
from forewarn.forecast import change, service
from forewarn.store.db import transaction


def _predictions(years, risks):
    rows = []
    for year, by_country in zip(years, risks, strict=True):
        for rank, (iso3, ccode, risk) in enumerate(by_country, start=1):
            rows.append({"iso3": iso3, "ccode": ccode, "ewp_name": iso3, "year": year,
                         "risk": risk, "rank": rank})
    return pd.DataFrame(rows)


def test_runs_round_trip_through_the_read_api(engine):
    backtest = _predictions([2021, 2022], [[("SDN", 625, 0.2), ("MLI", 432, 0.1)],
                                           [("MLI", 432, 0.3), ("SDN", 625, 0.25)]])
    forecast = _predictions([2023, 2024], [[("SDN", 625, 0.2), ("MLI", 432, 0.1)],
                                           [("MLI", 432, 0.15), ("SDN", 625, 0.12)]])
    detail = {"iso3": "SDN", "year": 2024, "risk": 0.12, "logit": -2.0, "base": -3.0,
              "contributions": [{"predictor": "discrimpop", "contribution": 1.0,
                                 "risk_factor": "RF9", "value": 0.2}],
              "by_risk_factor": {"RF9": 1.0}, "change": None}
    with transaction(engine) as session:
        service.store_run(session, "backtest", "ensemble", "v1", backtest, seconds=1.5,
                          summary={"metrics": {"auc": 0.9}}, artifacts={"catch": {"png": "x"}})
        service.store_run(session, "forecast", "ensemble", "v2", forecast,
                          explanations={"SDN": detail}, explained_year=2024,
                          summary={"ewp_comparison": {"spearman": 0.9}})
    with transaction(engine) as session:
        rows = api.latest_forecast(session)
        assert [(r["iso3"], r["rank"], r["year"]) for r in rows] == [("MLI", 1, 2024),
                                                                    ("SDN", 2, 2024)]
        assert rows[1]["previous_risk"] == pytest.approx(0.2)
        assert rows[1]["change"] == pytest.approx(-0.08)
        assert rows[0]["model_version"] == "v2" and rows[1]["name"]
        hist = api.risk_history(session, "sdn")
        # No backtest covers 2023, so the chart shows the forecast run's own 2023 point: the
        # one the change above is measured from (forecast.change).
        assert [(h["year"], h["source"]) for h in hist] == [(2021, "backtest"),
                                                           (2022, "backtest"),
                                                           (2023, change.REFIT_SOURCE),
                                                           (2024, "forecast")]
        assert hist[-1]["risk"] - hist[-2]["risk"] == pytest.approx(rows[1]["change"])
        why = api.explanation(session, "SDN")
        assert why["contributions"][0]["risk_factor"] == "RF9"
        assert why["model_version"] == "v2"
        summary = api.backtest_summary(session)
        assert summary["metrics"]["auc"] == 0.9 and summary["plots"]["catch"]["png"] == "x"
        assert api.ewp_comparison(session)["spearman"] == 0.9
        assert api.explanation(session, "XXX") is None
        assert api.risk_history(session, "XXX") == []


def test_empty_database_reads_as_nothing(engine):
    with transaction(engine) as session:
        assert api.latest_forecast(session) == []
        assert api.backtest_summary(session) is None
        assert api.explanation(session, "SDN") is None
        assert api.plot_paths(session) == {}


def test_csv_round_trip(tmp_path):
    preds = _predictions([2000], [[("SDN", 625, 0.123456789012), ("MLI", 432, 0.1)]])
    path = service.export_csv(preds, tmp_path / "p.csv")
    back = service.read_predictions_csv(path)
    assert list(back.columns) == ["ccode", "ewp_name", "year", "risk", "rank"]
    assert back["risk"].iloc[0] == pytest.approx(0.123456789012, rel=1e-9)
    (tmp_path / "bad.csv").write_text("ccode,year,risk\n1,2000,0.1\n")
    with pytest.raises(ValueError, match="columns"):
        service.read_predictions_csv(tmp_path / "bad.csv")
