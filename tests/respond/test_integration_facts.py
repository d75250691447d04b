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


def test_icc_situations_come_from_the_registry_and_a_correction_reaches_the_planner(
        engine):
    """One source for ICC situations: the registry (catalog/reference_facts.yaml), each row
    with its citation and as-of date; the planner's 'what has been tried' reads it through
    facts_for, so an administrator's correction changes it."""
    from pathlib import Path

    import forewarn.respond as respond_pkg
    from forewarn.respond import facts
    from forewarn.respond.situation import existing_measures, icc_situation

    assert not (Path(respond_pkg.__file__).parent / "icc_situations.yaml").exists()
    shipped = facts.facts_for(None, kind="icc_situation")
    assert {"SDN", "LBY", "MMR", "UKR", "PSE"} <= {f.iso3 for f in shipped}
    assert all(f.citation and f.as_of and f.date for f in shipped)
    darfur = icc_situation("SDN")
    assert darfur["case"] == "ICC-02/05" and "Art. 13(b)" in darfur["trigger"]
    from sqlalchemy.orm import Session

    from forewarn.security.principal import for_role
    from forewarn.security.sensitivity import set_principal

    with Session(engine) as s:
        set_principal(s, for_role("admin", "admin"))
        s.info["principal"] = for_role("admin", "admin")
        tried = existing_measures(s, "SDN")["icc_investigation"]
        assert tried[0]["citation"] and "ICC-02/05" in tried[0]["what"]
        facts.add_fact(s, s.info["principal"], kind="icc_situation", iso3="SDN",
                       subject="ICC-02/05", status="investigation open (Security Council "
                       "referral, Rome Statute Art. 13(b)); arrest warrants outstanding",
                       citation="Test: ICC press release ICC-CPI-20260101", source="corrected")
        s.flush()
        tried = existing_measures(s, "SDN")["icc_investigation"]
        assert "warrants outstanding" in tried[0]["outcome"]
        assert tried[0]["citation"] == "Test: ICC press release ICC-CPI-20260101"
        # The country-level profile reads the same facts: the ICC has jurisdiction over
        # Myanmar through the Bangladesh/Myanmar situation, without a Council referral.
        mmr = profile_for_country(s, "MMR")
        assert mmr.icc_jurisdiction is True and "ICC-01/19" in mmr.icc_basis


def test_country_planner_reads_monitor_alerts_for_internal_readers_only(engine):
    """The country-level planner uses the monitor's alerts (rising signals) as the situation
    profile does: recent alerts raise latent risk to escalation, with the basis shown; a
    reader without internal clearance gets neither the alerts nor their effect."""
    from datetime import date, timedelta

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from forewarn.monitor.models import MonitorAlert, MonitorAlertRule
    from forewarn.security import ANONYMOUS, SYSTEM
    from forewarn.security.principal import for_role
    from forewarn.security.sensitivity import set_principal
    from forewarn.store.models import Country

    with Session(engine) as s:
        set_principal(s, SYSTEM)
        country = s.scalar(select(Country).where(Country.iso3 == "ISL"))
        if country is None:
            country = Country(iso3="ISL", name="Iceland", cow_code=395, region="Europe")
            s.add(country)
            s.flush()
        rule = MonitorAlertRule(name="incitement spike", signal="incitement")
        s.add(rule)
        s.flush()
        s.add(MonitorAlert(rule_id=rule.id, country_id=country.id, signal="incitement",
                           day=date.today() - timedelta(days=3), count=12, expected=2.0,
                           p_value=0.001))
        s.commit()
    with Session(engine) as s:
        set_principal(s, ANONYMOUS)
        public = profile_for_country(s, "ISL")
    with Session(engine) as s:
        set_principal(s, for_role("analyst", "analyst"))
        internal = profile_for_country(s, "ISL")
    assert public.phase == "latent_risk" and "monitor" not in public.basis
    assert internal.phase == "escalation"
    assert "1 monitor alerts" in internal.basis["monitor"][0] and \
        "incitement" in internal.basis["monitor"][0]
    assert "monitor alerts" in internal.inferred["phase"]
