"""Legal-element mapping: which crimes are proposed for representative incidents, element by
element, with evidence and what is missing; the rules are data and are checked; decisions are
recorded and audited."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from forewarn.data.errors import DataError
from forewarn.evidence import catalog, incidents, legal, sources
from forewarn.evidence.access import for_role
from forewarn.evidence.models import Incident, IncidentSource, LegalDecision, Source

from .conftest import ALL_FACTS, siege_incident

ANALYST = for_role("analyst", "ana")
_ids = iter(range(1, 10_000))


def make(data: dict, supports: list[str] | None = ALL_FACTS,
         sensitivity: str = "public") -> Incident:
    """An unsaved incident with one linked source supporting SUPPORTS."""
    fields = incidents.clean_incident(data)
    fields.pop("country")
    inc = Incident(id=next(_ids), **fields)
    if supports is not None:
        src = Source(id=next(_ids), title="Field report", sensitivity=sensitivity,
                     reliability="B", credibility="2")
        inc.links = [IncidentSource(incident_id=inc.id, source_id=src.id, source=src,
                                    supports=supports, locator="p. 4")]
    return inc


def by_id(result: dict) -> dict:
    return {p["crime_id"]: p for p in result["proposals"]}


def element(p: dict, fact: str) -> dict:
    return next(e for e in p["elements"] if e["fact"] == fact)


def test_siege_of_a_protected_group_proposes_genocide_cah_and_niac_war_crimes():
    result = legal.propose([make(siege_incident())], ANALYST)
    p = by_id(result)
    # Genocide Convention Art. II(c) and II(b) as candidates, intent flagged as missing.
    assert {"GC-II-c", "GC-II-b"} <= set(p)
    for cid in ("GC-II-c", "GC-II-b"):
        assert p[cid]["family"] == "genocide"
        assert [m["fact"] for m in p[cid]["missing"]] == ["intent_to_destroy"]
        intent = element(p[cid], "intent_to_destroy")
        assert intent["kind"] == "mental" and intent["status"] == "missing"
    c = p["GC-II-c"]
    assert [e["id"] for e in c["elements"]][:3] == ["RS-6-c-E1", "RS-6-c-E2", "RS-6-c-E4"]
    conduct = element(c, "conduct")
    assert conduct["status"] == "supported" and conduct["evidence"][0]["locator"] == "p. 4"
    assert {e["kind"] for e in c["elements"]} == {"material", "mental", "contextual"}
    # The crimes-against-humanity routes that fit.
    assert {"RS-7-1-b", "RS-7-1-h", "RS-7-1-k"} <= set(p)
    assert p["RS-7-1-k"]["missing"] == []
    # War crimes for a non-international armed conflict; the international ones are not.
    assert {"RS-8-2-e-xix", "RS-8-2-c-i"} <= set(p)
    assert p["RS-8-2-e-xix"]["confirmed"] is False  # 2019 amendment, from memory
    refused = {n["crime_id"]: n["reason"] for n in result["not_proposed"]}
    assert "international armed conflict" in refused["RS-8-2-b-xxv"]
    assert not any(cid.startswith(("RS-8-2-a", "RS-8-2-b")) for cid in p)
    assert result["catalogue"]["paraphrase_notice"].startswith("Descriptions are paraphrases")


def test_intent_supported_when_a_source_is_tagged_for_it():
    data = siege_incident(context={**siege_incident()["context"], "intent_to_destroy": True})
    p = by_id(legal.propose([make(data, [*ALL_FACTS, "intent_to_destroy"])], ANALYST))
    assert p["GC-II-c"]["missing"] == [] and p["GC-II-c"]["summary"] == \
        "every element has a basis"
    asserted = by_id(legal.propose([make(data, ALL_FACTS)], ANALYST))["GC-II-c"]
    assert element(asserted, "intent_to_destroy")["status"] == "asserted"
    assert asserted["needs_evidence"] == ["RS-6-c-E3"]


def test_political_group_gets_persecution_but_no_genocide():
    data = siege_incident(victim_groups=[{"name": "Opposition supporters",
                                          "characteristics": ["political"]}])
    result = legal.propose([make(data)], ANALYST)
    p = by_id(result)
    assert not any(cid.startswith("GC-") for cid in p)
    assert "RS-7-1-h" in p
    assert any(n["crime_id"] == "GC-II-c" and "protected group" in n["reason"].replace(
        "_", " ") for n in result["not_proposed"])


def test_armed_conflict_decides_the_war_crimes_routes():
    def killing(**context):
        return siege_incident(harm_types=["killing"],
                              context={"civilian_victims": True, **context})

    none = by_id(legal.propose([make(killing(armed_conflict="none"))], ANALYST))
    assert not any(c.startswith("RS-8") for c in none) and "RS-7-1-a" in none
    unknown = by_id(legal.propose([make(killing(), ["conduct"])], ANALYST))
    for cid in ("RS-8-2-a-i", "RS-8-2-c-i"):   # a killing alone is not an attack (RS-8-2-e-i)
        assert element(unknown[cid], "armed_conflict")["status"] == "missing"
    assert "RS-8-2-e-i" not in unknown
    iac = by_id(legal.propose([make(siege_incident(harm_types=["attack_on_civilians"],
                                                   context={"armed_conflict":
                                                            "international"}))], ANALYST))
    assert "RS-8-2-b-i" in iac and "RS-8-2-e-i" not in iac
    assert [e["id"] for e in iac["RS-8-2-b-i"]["elements"]] == [
        "RS-8-2-b-i-E1", "RS-8-2-b-i-E2", "RS-8-2-b-i-E3", "RS-8-2-b-i-E4", "RS-8-2-b-i-E5"]


def test_civilians_recorded_as_not_victims_blocks_crimes_against_humanity():
    data = siege_incident(harm_types=["killing"], context={"civilian_victims": False,
                                                          "armed_conflict":
                                                              "non-international"})
    p = by_id(legal.propose([make(data, ["conduct", "armed_conflict"])], ANALYST))
    assert not any(c.startswith("RS-7") for c in p)


def test_forced_displacement_shows_the_ethnic_cleansing_routes():
    data = siege_incident(harm_types=["forced_displacement"],
                          context={"crossed_border": True, "civilian_victims": True})
    result = legal.propose([make(data, ["conduct", "crossed_border"])], ANALYST)
    p = by_id(result)
    d = p["RS-7-1-d"]
    assert [e["id"] for e in d["elements"]][:2] == ["RS-7-1-d-E1", "RS-7-1-d-E2"]
    assert element(d, "lawfully_present")["status"] == "missing"
    ec = result["ethnic_cleansing"]
    assert ec["autonomous_crime"] is False and ec["working_definition_confirmed"] is False
    assert any("RS-7-1-d" in path["proposed"] for path in ec["paths"])


def test_a_set_of_incidents_can_indicate_a_pattern():
    base = siege_incident(harm_types=["killing"], context={"civilian_victims": True})
    one = by_id(legal.propose([make(base, ["conduct"])], ANALYST))["RS-7-1-a"]
    assert element(one, "widespread_or_systematic")["status"] == "missing"
    many = [make({**base, "place": f"Village {n}"}, ["conduct"]) for n in range(5)]
    ws = element(by_id(legal.propose(many, ANALYST))["RS-7-1-a"], "widespread_or_systematic")
    assert ws["status"] == "inferred" and "5 incidents in 5 places" in ws["note"]


def test_restricted_evidence_is_withheld_from_readers_without_clearance():
    inc = make(siege_incident(), sensitivity="restricted")
    viewer = by_id(legal.propose([inc], for_role("viewer")))["GC-II-c"]
    ev = element(viewer, "conduct")["evidence"][0]
    assert ev["restricted"] and ev["source_id"] is None and ev["title"] == "[restricted source]"
    analyst = by_id(legal.propose([inc], ANALYST))["GC-II-c"]
    assert element(analyst, "conduct")["evidence"][0]["title"] == "Field report"


def test_rules_are_checked_against_the_catalogue_and_vocabulary():
    rules = catalog.rules()
    cat, vocab = catalog.catalogue(), catalog.vocabulary()
    assert all(r["id"] in cat.crimes for r in rules["crimes"])
    broken = copy.deepcopy(rules)
    broken["crimes"][0]["harm"] = ["teleportation"]
    with pytest.raises(DataError, match="unknown harm type 'teleportation'"):
        catalog.check_rules(broken, cat, vocab)
    broken = copy.deepcopy(rules)
    broken["crimes"].append({"id": "RS-99", "harm": ["killing"], "reason": "x"})
    with pytest.raises(DataError, match="RS-99.*not in legal_elements.yaml"):
        catalog.check_rules(broken, cat, vocab)
    broken = copy.deepcopy(rules)
    del broken["element_facts"]["RS-6-c-E3"]
    with pytest.raises(DataError, match="no fact for catalogue element 'RS-6-c-E3'"):
        catalog.check_rules(broken, cat, vocab)


def test_decisions_are_recorded_with_the_proposal_and_audited(session_as, store):
    s = session_as("analyst", "ana")
    src = sources.register_text(s, store, "report", title="Report", actor="ana").source
    inc = incidents.create_incident(s, siege_incident(), "ana", sources=[
        {"source_id": src.id, "supports": ALL_FACTS}])
    legal.decide(s, "GC-II-c", "accepted", s.info["principal"], "candidate, intent pending",
                 incident=inc)
    legal.decide(s, "RS-7-1-k", "rejected", s.info["principal"], "covered by II(c)",
                 incident=inc)
    with pytest.raises(legal.DecisionError, match="not among the current proposals"):
        legal.decide(s, "RS-8-2-b-xxv", "accepted", "ana", "reason", incident=inc)
    s.commit()
    result = legal.proposals_for(s, s.info["principal"], incident=inc)
    p = by_id(result)
    assert p["GC-II-c"]["decision"]["decision"] == "accepted"
    assert p["GC-II-c"]["decision"]["decided_by"] == "ana"
    assert p["RS-7-1-k"]["decision"]["reason"] == "covered by II(c)"
    assert p["GC-II-b"]["decision"] is None
    stored = s.scalar(select(LegalDecision).where(LegalDecision.crime_id == "GC-II-c"))
    assert stored.proposal["missing"][0]["fact"] == "intent_to_destroy"
    from forewarn.security.models import AuditEntry

    actions = set(s.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "evidence_legal_decision")))
    assert {"legal-accept", "legal-reject"} <= actions
