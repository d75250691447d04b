"""One trend everywhere: the country page's headline change, its risk chart, the home page's
movers and forecast.risk_change give the same figure for a country (issue 21's Sudan case:
a headline of -12.6 pp beside a chart going from 16.5% to 15.6%), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import forewarn.forecast as api
from forewarn.forecast import change, service
from forewarn.forecast import country as section
from forewarn.store.db import transaction
from forewarn.web import country_page, watchlist
from forewarn.web import forecast_source as fs


def _rows(year, risks):
    ranked = sorted(risks.items(), key=lambda kv: -kv[1])
    codes = {"SDN": 625, "MLI": 432, "MMR": 775}
    return [{"iso3": iso, "ccode": codes[iso], "ewp_name": iso, "year": year, "risk": r,
             "rank": i} for i, (iso, r) in enumerate(ranked, start=1)]


def _store(engine, backtest_years):
    # The backtest's forecast from 2023 data said 16.5% for Sudan; today's model, refitted,
    # gives 28.2% on the same 2023 data and 15.6% on 2024's.
    backtest = pd.DataFrame([r for y in backtest_years for r in _rows(
        y, {"SDN": 0.165, "MLI": 0.05, "MMR": 0.10})])
    forecast = pd.DataFrame(_rows(2023, {"SDN": 0.282, "MLI": 0.04, "MMR": 0.12})
                            + _rows(2024, {"SDN": 0.156, "MLI": 0.09, "MMR": 0.13}))
    with transaction(engine) as session:
        if backtest_years:
            service.store_run(session, "backtest", "ensemble", "bt", backtest)
        service.store_run(session, "forecast", "ensemble", "fc", forecast)


def _everywhere(engine, iso3):
    fs.clear_cache()
    with transaction(engine) as session:
        figure = api.risk_change(session, iso3)
        page, _, _ = country_page.core(session, iso3, None)
        ranked = watchlist.rows(fs.latest(session, None))
        moved = watchlist.movers(ranked)
        context = section.forecast_context(session, page["country"] | {
            "id": _country_id(session, iso3)})
    fs.clear_cache()
    mover = next(r for r in moved["rises"] + moved["falls"] if r["iso3"] == iso3)
    return figure, page, mover, context


def _country_id(session, iso3):
    from sqlalchemy import select

    from forewarn.store.models import Country

    return session.scalar(select(Country.id).where(Country.iso3 == iso3))


def test_headline_chart_movers_and_planner_agree(engine):
    _store(engine, [2022, 2023])
    figure, page, mover, context = _everywhere(engine, "SDN")
    assert figure["previous_risk"] == pytest.approx(0.165)
    assert figure["change"] == pytest.approx(0.156 - 0.165)  # -0.9 pp, not -12.6 pp
    assert figure["previous_source"] == change.BACKTEST_SOURCE
    assert page["forecast"]["change"] == pytest.approx(figure["change"])
    assert mover["change"] == pytest.approx(figure["change"])
    assert context["change"]["change"] == pytest.approx(figure["change"])
    chart = {h["year"]: h["risk"] for h in page["history"]}
    assert chart[2024] - chart[2023] == pytest.approx(figure["change"])
    assert "2023 data" in page["forecast"]["change_compares"]
    assert context["forewarn"]["rank"] == 1 and context["forewarn"]["countries_ranked"] == 3


def test_without_a_backtest_the_refitted_previous_year_is_shown_and_said(engine):
    _store(engine, [])
    figure, page, mover, _ = _everywhere(engine, "SDN")
    assert figure["change"] == pytest.approx(0.156 - 0.282)
    assert figure["previous_source"] == change.REFIT_SOURCE
    assert "today's model" in figure["compares"]
    chart = {h["year"]: h for h in page["history"]}
    assert chart[2023]["source"] == change.REFIT_SOURCE
    assert chart[2024]["risk"] - chart[2023]["risk"] == pytest.approx(figure["change"])
    assert mover["change"] == pytest.approx(figure["change"])


def test_window_statement_says_when_the_window_is_nearly_over():
    text = section.window_statement(2024, date(2026, 12, 3))
    assert text["window"] == [2025, 2026] and text["months_passed"] == 23
    assert "The data end in 2024" in text["text"] and "nearly over" in text["text"]
    assert section.window_statement(2024, date(2027, 2, 1))["months_passed"] == 24
    assert "has not begun" in section.window_statement(2024, date(2024, 12, 31))["text"]
