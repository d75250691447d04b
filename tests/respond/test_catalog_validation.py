"""The response catalogues are validated through forewarn.catalog.validation: every shipped
file loads, and a broken one (missing field, wrong type, unknown key, duplicate id, dangling
reference) is refused with a CatalogError naming the file, the entry and the field."""

import copy

import pytest
import yaml

from forewarn.data.errors import CatalogError
from forewarn.respond import catalog, catalog_shapes, planner
from forewarn.respond.facts_shipped import parse_reference_facts, reference_data

FILES = ("toolbox.yaml", "organisations.yaml", "treaty_parties.yaml", "court_orders.yaml",
         "planner_rules.yaml", "reference_facts.yaml")


def _data(name):
    return yaml.safe_load(catalog.catalog_path(name).read_text("utf-8"))


@pytest.fixture(scope="module")
def shipped():
    return {name: _data(name) for name in FILES}


def test_every_shipped_response_catalogue_validates(shipped):
    toolbox = catalog.parse_toolbox(shipped["toolbox.yaml"])
    assert len(toolbox.tools) >= 35
    assert catalog.parse_organisations(shipped["organisations.yaml"], set(toolbox.by_id))
    assert "genocide" in catalog.parse_treaty_parties(shipped["treaty_parties.yaml"])
    assert catalog.parse_court_orders(shipped["court_orders.yaml"])
    assert planner.parse_rules(shipped["planner_rules.yaml"], toolbox)["rules"]
    assert parse_reference_facts(reference_data())


def test_no_scalar_was_cut_short_by_an_unquoted_comma():
    """Flow mappings with an unquoted comma used to give a key with no value; the closed
    models refuse such a key, and the texts that were cut are whole again."""
    tool = catalog.load_toolbox().get("icc_investigation")
    assert "referral (Arts 13(a), 14)" in {p.act for p in tool.paths}
    assert tool.time_to_effect == "months to open, years to trial"


def test_the_planner_tests_every_condition_a_rule_may_name():
    conds = set(catalog_shapes.WhenIn.model_fields)
    assert conds == {"phase", "state_role", "trend", "armed_conflict", "veto_likely",
                     "icc_jurisdiction", "genocide_party", "risk_min", "has_regional",
                     "foa_min", "non_state", "foreign_state"}


def _tool_ids(shipped):
    return {t["id"] for t in shipped["toolbox.yaml"]["tools"]}


def _refuse(shipped, name, change, where, message):
    data = copy.deepcopy(shipped[name])
    change(data)
    with pytest.raises(CatalogError) as err:
        if name == "toolbox.yaml":
            catalog.parse_toolbox(data, name)
        elif name == "organisations.yaml":
            catalog.parse_organisations(data, _tool_ids(shipped), name)
        elif name == "treaty_parties.yaml":
            catalog.parse_treaty_parties(data, name)
        elif name == "court_orders.yaml":
            catalog.parse_court_orders(data, name)
        elif name == "planner_rules.yaml":
            planner.parse_rules(data, catalog.load_toolbox(), name)
        else:
            parse_reference_facts(data, name)
    text = str(err.value)
    assert text.startswith(f"{name}: ") and where in text and message in text, text


def _tool(data, n=0):
    return data["tools"][n]


CASES = [
    # missing field, wrong type, unknown key, bad value
    ("toolbox.yaml", lambda d: _tool(d).pop("name"), "field 'name'", "required, missing"),
    ("toolbox.yaml", lambda d: _tool(d).update(pillar="2"), "field 'pillar'", "valid integer"),
    ("toolbox.yaml", lambda d: _tool(d).update(coercion=6), "field 'coercion'",
     "less than or equal to 5"),
    ("toolbox.yaml", lambda d: _tool(d).update(colour="red"), "field 'colour'", "unknown key"),
    ("toolbox.yaml", lambda d: _tool(d)["authorisation"]["paths"][0].update(veto="yes"),
     "authorisation path #1, field 'veto'", "valid boolean"),
    ("toolbox.yaml", lambda d: _tool(d)["time_to_effect"].update(days=[9, 1]),
     "field 'time_to_effect.days'", "[min, max]"),
    ("toolbox.yaml", lambda d: _tool(d).update(phases=["someday"]), "field 'phases[0]'",
     "'latent_risk'"),
    ("toolbox.yaml", lambda d: d["charter_chapters"].pop("VII"), "field 'charter_chapters'",
     "Chapter VII is missing"),
    # duplicate id, dangling reference
    ("toolbox.yaml", lambda d: _tool(d, 1).update(id=_tool(d)["id"]), "field 'id'",
     "duplicate id"),
    ("toolbox.yaml", lambda d: _tool(d)["cite"].append("NOWHERE"), "field 'cite'",
     "'NOWHERE' is not in references"),
    ("organisations.yaml", lambda d: d["organisations"][0].pop("source"),
     "organisation 'AU', field 'source'", "required, missing"),
    ("organisations.yaml", lambda d: d["organisations"][1].update(id="AU"),
     "organisation 'AU', field 'id'", "duplicate id"),
    ("organisations.yaml", lambda d: d["organisations"][0]["tools"].append("teleport"),
     "organisation 'AU', field 'tools'", "'teleport' is not a toolbox tool"),
    ("organisations.yaml", lambda d: d["security_council"]["topic_countries"].update(X=["ZZZ"]),
     "field 'security_council.topic_countries.X[0]'", "unknown country code 'ZZZ'"),
    ("treaty_parties.yaml", lambda d: d["treaties"][0].update(parties="all"),
     "field 'parties'", "valid list"),
    ("treaty_parties.yaml", lambda d: d["treaties"].pop(0), "top level, field 'treaties'",
     "list is missing"),
    ("court_orders.yaml", lambda d: d["orders"][0].update(date="13 March 2020"),
     "field 'date'", "YYYY-MM-DD"),
    ("court_orders.yaml", lambda d: d["orders"][0].update(compliance="ignored"),
     "field 'compliance'", "'complied'"),
    ("court_orders.yaml", lambda d: d["orders"].append(dict(d["orders"][0])), "field 'id'",
     "duplicate id"),
    ("planner_rules.yaml", lambda d: d["rules"][0]["when"].update(moon="full"),
     "rule 'assist_willing_state', field 'when.moon'", "unknown key"),
    ("planner_rules.yaml", lambda d: d["state_roles"]["unwilling"].pop("consent_likely"),
     "field 'state_roles.unwilling.consent_likely'", "required, missing"),
    ("planner_rules.yaml", lambda d: d["rules"][0]["boost_tags"].update(flying=2),
     "rule 'assist_willing_state', field 'boost_tags'", "no tool has the tag 'flying'"),
    ("reference_facts.yaml", lambda d: d["facts"][0].pop("citation"), "fact #1, field "
     "'citation'", "required, missing"),
    ("reference_facts.yaml", lambda d: d["council_terms"][0].update(end_year=2030),
     "council term #1", "two calendar years"),
]


@pytest.mark.parametrize("name,change,where,message", CASES,
                         ids=[f"{c[0]}:{c[2]}" for c in CASES])
def test_a_broken_catalogue_is_refused_naming_file_entry_and_field(shipped, name, change,
                                                                   where, message):
    _refuse(shipped, name, change, where, message)
