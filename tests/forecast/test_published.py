"""The EWP's published forecast, read by the forecasting capability and typed like Forewarn's
own output (`ForecastRow`, `RiskPoint`); the pages fall back to it while no forecast is stored."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from forewarn.data.readers import EWP_FINAL, EWP_FOOS
from forewarn.forecast import ForecastRow, RiskPoint, published_forecast, published_history

pytestmark = pytest.mark.realdata


def test_published_forecast_ranks_the_files_risks(raw_dir):
    fc = published_forecast(raw_dir)
    final = pd.read_csv(raw_dir / EWP_FINAL)
    risk = final.loc[final["ccode"] == 625, "risk.2025and2026.from2024"].item()
    assert fc.year == 2024 and fc.outcome_years == [2025, 2026]
    sudan = fc.by_iso3["SDN"]
    assert isinstance(sudan, ForecastRow) and sudan.risk == pytest.approx(risk)
    assert [r.rank for r in fc.rows] == list(range(1, len(fc.rows) + 1))
    assert all(a.risk >= b.risk for a, b in zip(fc.rows, fc.rows[1:], strict=False))
    assert len(fc.rows) > 150 and sudan.change == pytest.approx(risk - sudan.previous_risk)


def test_published_history_is_the_foos_record_then_the_latest(raw_dir):
    points = published_history(raw_dir, "SDN")
    assert all(isinstance(p, RiskPoint) for p in points)
    years = [p.year for p in points]
    assert years == sorted(set(years)) and years[-1] == 2024
    assert points[-1].source == "EWP forecast"
    foos = pd.read_csv(raw_dir / EWP_FOOS)
    first = int(foos.loc[(foos["ccode"] == 625) & foos["risk_prev"].notna(), "year"].min()) - 1
    assert years[0] == first and points[0].source == "EWP out-of-sample (FOOS)"
    assert published_history(raw_dir, "XXX") == []


def test_pages_fall_back_to_the_published_forecast(engine, raw_dir):
    from forewarn.web import forecast_source as fs

    fs.clear_cache()
    try:
        with Session(engine) as s:
            shown = fs.latest(s, raw_dir)
            assert shown.source == fs.EWP_PUBLISHED and shown.year == 2024
            assert shown.by_iso3["SDN"]["risk"] == published_forecast(raw_dir).by_iso3[
                "SDN"].risk
            assert fs.history(s, raw_dir, shown, "SDN")[-1]["source"] == "EWP forecast"
    finally:
        fs.clear_cache()
