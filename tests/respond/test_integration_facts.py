"""Integration of respond with the other capabilities' facts: one trend everywhere (the
planner's trend rests on forewarn.forecast.risk_change, as the country page's headline does)."""

from __future__ import annotations

import pytest

import forewarn.forecast as forecast
from forewarn.respond.planner import load_rules
from forewarn.respond.profile import profile_for_country
from forewarn.store.db import transaction
from forewarn.web import country_page
from forewarn.web import forecast_source as fs
from tests.forecast.test_trend import _store


def _expected(figure) -> str:
    inf = load_rules()["inference"]
    ratio = figure["risk"] / figure["previous_risk"]
    return "rising" if ratio >= inf["rising_ratio"] else (
        "falling" if ratio <= inf["falling_ratio"] else "stable")


@pytest.mark.parametrize("backtest_years", [[2022, 2023], []])
def test_planner_trend_headline_and_risk_change_agree_for_sudan(engine, backtest_years):
    _store(engine, backtest_years)
    fs.clear_cache()
    with transaction(engine) as session:
        figure = forecast.risk_change(session, "SDN")
        page, _, _ = country_page.core(session, "SDN", None)
        profile = profile_for_country(session, "SDN")
    fs.clear_cache()
    assert page["forecast"]["change"] == pytest.approx(figure["change"])
    assert profile.risk == pytest.approx(figure["risk"])
    assert profile.risk_trend == _expected(figure)
    # The planner says what its trend compares, in the forecast's own words and figure.
    [basis] = profile.basis["risk_trend"]
    assert figure["compares"] in basis
    assert f"{figure['change'] * 100:+.1f} percentage points" in basis


@pytest.mark.realdata
def test_council_route_knows_the_state_sits_on_the_council(raw_dir):
    """A party to a dispute abstains on Chapter VI decisions (Charter Art. 27(3)): the route
    itself says so when the country holds a seat this year (registry: council_member)."""
    from forewarn.respond import facts
    from forewarn.respond.planner import plan

    elected = facts.council(raw_dir=raw_dir)["elected"]
    assert elected, "the shipped data name this year's elected members"
    member = elected[0]
    route = plan(profile_for_country(raw_dir, member["iso3"]))["council_route"]
    assert route["council_seat"]["seat"] == "elected"
    assert "Art. 27(3)" in route["reasons"][0] and member["term"] in route["reasons"][0]
    assert route["chapter_vi"].startswith("open")
    permanent = plan(profile_for_country(raw_dir, "CHN"))["council_route"]
    assert permanent["status"] == "blocked" and "Art. 27(3)" in permanent["reasons"][0]
    assert "own veto" in permanent["reasons"][0]
    sudan = plan(profile_for_country(raw_dir, "SDN"))["council_route"]
    assert sudan["council_seat"] is None and not any("27(3)" in r for r in sudan["reasons"])
