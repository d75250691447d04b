"""Data-suggested indicators from the real imported panel (never ratings)."""

import pytest

from forewarn.assess import service, suggest
from forewarn.assess.catalog import base_framework

from .conftest import open_session

pytestmark = pytest.mark.realdata
FW = base_framework()


def signals(engine, iso3, year=None):
    with open_session(engine) as s:
        c = service.country_by_iso3(s, iso3)
        return suggest.for_country(s, FW, c.id, year)


def by_rule(evs, rule):
    return next(e for e in evs if e["rule"] == rule)


def test_sudan_2024_from_the_real_panel(imported_engine):
    sdn = signals(imported_engine, "SDN", 2024)
    war = by_rule(sdn["RF1.1"], "ucdp-state-based-deaths")
    assert war["signal"] == "serious" and war["value"] >= 1000 and war["year"] == 2024
    assert war["source"] == "ucdp" and war["table"] == "violence_country_year"
    assert "UCDP" in war["dataset"] and "≥ 25" in war["threshold"]
    assert by_rule(sdn["RF1.4"], "ewp-coup-attempt")["signal"] == "present"  # coup.try.5yr = 1
    discrim = by_rule(sdn["RF9.1"], "ewp-discriminated-population")
    assert discrim["value"] == pytest.approx(0.12) and discrim["signal"] == "serious"
    surge = by_rule(sdn["RF11.8"], "unhcr-displacement-surge")
    assert surge["measure"] == "increase" and surge["value"] > 500_000
    assert surge["signal"] == "serious" and set(surge["indicators"]) == {"RF11.8", "RF13.20"}
    # Monitoring's source exists but has no signals in this database: no data, never a signal.
    assert by_rule(sdn["RF7.14"], "monitor-hate-speech-spike")["signal"] == "no_data"


def test_myanmar_killings_and_a_quiet_country(imported_engine):
    mmr = signals(imported_engine, "MMR", 2024)
    assert by_rule(mmr["RF2.1"], "ewp-political-killings-approved")["signal"] == "serious"
    assert by_rule(mmr["RF1.6"], "ewp-freedom-of-discussion")["value"] == pytest.approx(0.053)
    nor = signals(imported_engine, "NOR", 2024)
    assert suggest.indicator_signal(nor["RF1.1"]) == "none"
    assert suggest.indicator_signal(nor["RF9.1"]) == "none"


def test_year_limits_the_data_and_registering_a_source(imported_engine):
    old = signals(imported_engine, "SDN", 2010)
    assert {e["year"] for e in old["RF1.1"] if e["year"]} <= {2010}
    suggest.register_source("monitor.hate_speech", lambda s, ids, y, lo: {
        cid: {"year": 2024, "values": {"spike_score": 3.1}, "previous": None}
        for cid in (ids or [])})
    try:
        spike = by_rule(signals(imported_engine, "SDN", 2024)["RF10.1"],
                        "monitor-hate-speech-spike")
        assert (spike["signal"], spike["value"]) == ("present", 3.1)
    finally:
        suggest._SOURCES.pop("monitor.hate_speech")


def test_suggestions_are_not_ratings(imported_engine, framework):
    """Evaluating every country writes nothing: no assessment appears."""
    with open_session(imported_engine) as s:
        evaluated = suggest.evaluate(s, framework, 2024)
        assert len(evaluated) >= 160
        assert service.published(s) == []
