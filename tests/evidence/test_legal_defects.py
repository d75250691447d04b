"""Legal mapping to investigation standard: the armed-conflict nexus and the evidence are read
per incident, incitement needs no manifest pattern, a killing alone is not an attack on
civilians, figures and dates print with their precision, and `killed` counts the low figure
when there is no best estimate."""

from __future__ import annotations

from datetime import date

from forewarn.evidence import legal
from forewarn.evidence.wording import date_label, date_phrase, figure

from .conftest import siege_incident
from .test_legal import ANALYST, by_id, element, make


def test_nexus_is_not_imported_from_another_incident():
    detainees = make(siege_incident(
        title="Killing of detainees", harm_types=["killing"],
        context={"civilian_victims": True}), supports=["conduct"])
    shelling = make(siege_incident(
        title="Shelling of the market", harm_types=["destruction_of_property"],
        context={"armed_conflict": "international"}), supports=["conduct", "armed_conflict"])
    p = by_id(legal.propose([detainees, shelling], ANALYST))
    killing = p["RS-8-2-a-i"]          # wilful killing: only the detainees' incident
    assert killing["incidents"] == [detainees.id]
    nexus = element(killing, "armed_conflict")
    assert nexus["status"] == "missing" and not nexus["evidence"]
    # The shelling's own war crime keeps its nexus, with its own evidence only.
    destruction = p["RS-8-2-a-iv"]
    assert element(destruction, "armed_conflict")["status"] == "supported"
    assert {i for e in element(destruction, "armed_conflict")["evidence"]
            for i in e["incidents"]} == {shelling.id}


def test_incitement_to_genocide_needs_no_manifest_pattern():
    speech = make(siege_incident(title="Broadcast calling to exterminate group X",
                                 harm_types=["incitement"], context={}), supports=["conduct"])
    p = by_id(legal.propose([speech], ANALYST))
    assert "GC-III-c" in p
    assert "manifest_pattern" not in {e["fact"] for e in p["GC-III-c"]["elements"]}
    assert "manifest_pattern" not in {m["fact"] for m in p["GC-III-c"]["missing"]}


def test_a_killing_alone_is_not_an_attack_on_civilians():
    killing = make(siege_incident(harm_types=["killing"]), supports=["conduct"])
    p = by_id(legal.propose([killing], ANALYST))
    assert not {"RS-8-2-b-i", "RS-8-2-e-i"} & set(p)
    assert "RS-8-2-c-i" in p   # violence to life: the killing's own war crime
    attack = make(siege_incident(harm_types=["attack_on_civilians"]), supports=["conduct"])
    assert "RS-8-2-e-i" in by_id(legal.propose([attack], ANALYST))


def test_figures_and_dates_print_with_their_precision():
    assert figure({"low": 200, "best": None, "high": None, "at_least": True}) == "at least 200"
    assert figure({"low": 120, "best": 150, "high": 200}) == "120-200 (best estimate 150)"
    assert figure({"low": 200, "best": 200, "high": 200}) == "200"
    assert date_label(date(2017, 8, 1), date(2017, 8, 31), "month") == "August 2017"
    assert date_label(date(2017, 1, 1), date(2017, 12, 31), "year") == "2017"
    assert date_phrase(date(2017, 8, 1), date(2017, 8, 31), "month") == "In August 2017"
    assert date_phrase(date(2017, 8, 25), date(2017, 8, 25), "exact") == \
        "On 25 August 2017"
    assert date_phrase(date(2017, 8, 1), date(2017, 9, 30), "range").startswith(
        "At a date between")


def test_clean_incident_reads_partial_dates_and_lower_bounds():
    from forewarn.evidence.incidents import IncidentError, clean_incident

    month = clean_incident(siege_incident(date_start="2017-08", date_end=None,
                                          casualties={"killed": "at least 200"}))
    assert (month["date_start"], month["date_end"], month["date_precision"]) == \
        (date(2017, 8, 1), date(2017, 8, 31), "month")
    assert month["casualties"]["killed"] == {"low": 200, "best": None, "high": None,
                                             "at_least": True}
    year = clean_incident(siege_incident(date_start="2016", date_end="2017"))
    assert (year["date_start"], year["date_end"], year["date_precision"]) == \
        (date(2016, 1, 1), date(2017, 12, 31), "year")
    import pytest

    with pytest.raises(IncidentError, match="date_precision"):
        clean_incident(siege_incident(date_precision="circa"))


def test_killed_before_a_measure_counts_the_low_figure():
    from types import SimpleNamespace

    from forewarn.respond.documented import _killed

    assert _killed(SimpleNamespace(casualties={"killed": {"low": 200, "best": None,
                                                          "high": None}})) == 200
    assert _killed(SimpleNamespace(casualties={"killed": {"low": 100, "best": 150,
                                                          "high": 300}})) == 150
