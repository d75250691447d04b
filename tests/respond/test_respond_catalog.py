"""The response catalogues: completeness of the toolbox and validation of bad files."""

from __future__ import annotations

import pytest
import yaml

from forewarn.data.errors import DataError
from forewarn.respond import catalog
from forewarn.respond.planner import load_rules, parse_rules

# Every tool issue 8 asks the toolbox to cover, as catalogue ids.
REQUIRED_TOOLS = [
    "good_offices", "preventive_diplomacy", "mediation", "special_envoy", "public_advocacy",
    "counter_incitement", "fact_finding_mission", "commission_of_inquiry", "monitoring_mission",
    "special_rapporteur", "hrc_special_session", "hrc_resolution", "universal_periodic_review",
    "treaty_body_procedures", "humanitarian_access", "humanitarian_corridors",
    "asylum_non_refoulement", "un_targeted_sanctions", "autonomous_targeted_sanctions",
    "arms_embargo", "commodity_restrictions", "aid_credit_suspension", "diplomatic_isolation",
    "sporting_cultural_isolation", "icc_investigation", "icj_proceedings",
    "universal_jurisdiction", "missing_persons", "peacekeeping_poc", "safe_areas", "no_fly_zone",
    "ga_uniting_for_peace", "regional_sanctions", "regional_suspension", "trade_measures",
    "business_due_diligence", "capacity_building",
]


def test_toolbox_has_every_required_tool_and_at_least_35():
    tb = catalog.load_toolbox()
    assert len(tb.tools) >= 35
    assert not [t for t in REQUIRED_TOOLS if tb.get(t) is None]


def test_every_tool_has_basis_pillar_coercion_and_authorisation():
    tb = catalog.load_toolbox()
    for t in tb.tools:
        assert t.basis and t.pillar in (1, 2, 3) and 0 <= t.coercion <= 5, t.id
        assert t.paths and all(p.who and p.act for p in t.paths), t.id
        assert t.lead_actors and t.risks and t.safeguards and t.time_to_effect, t.id
        assert all(c in tb.references for c in t.cite), t.id


def test_force_only_through_the_security_council():
    tb = catalog.load_toolbox()
    for t in tb.tools:
        if t.coercion == 5:
            assert all(p.veto for p in t.paths if p.body != "parties"), t.id


def test_icc_paths_council_state_party_and_proprio_motu():
    paths = {p.body: p for p in catalog.load_toolbox().get("icc_investigation").paths}
    assert paths["unsc"].veto
    assert not paths["state_party"].veto and "icc_jurisdiction" in paths["state_party"].requires
    assert "icc_jurisdiction" in paths["icc_prosecutor"].requires
    assert "Pre-Trial Chamber" in paths["icc_prosecutor"].rule


def test_organisations_use_known_codes_and_tools():
    partners = catalog.load_partners()
    ids = {o.id for o in partners.organisations}
    assert {"AU", "ECOWAS", "SADC", "EAC", "IGAD", "ECCAS", "EU", "OSCE", "COE", "OAS", "ASEAN",
            "LAS", "OIC"} <= ids
    sizes = {o.id: len(o.members) for o in partners.organisations}
    assert sizes["AU"] == 55 and sizes["EU"] == 27 and sizes["OSCE"] == 57 and sizes["COE"] == 46
    assert {o.id for o in partners.memberships("NGA")} >= {"AU", "ECOWAS", "OIC"}
    assert set(partners.permanent_members) == {"CHN", "FRA", "RUS", "GBR", "USA"}
    assert all(o.source and o.as_of for o in partners.organisations)


def test_treaty_lists_cite_source_and_date():
    t = catalog.load_treaty_parties()
    assert len(t["rome_statute"]["parties"]) == 125
    assert len(t["geneva_conventions"]["parties"]) == 196
    assert 150 <= len(t["genocide"]["parties"]) <= 153
    assert "MMR" in t["genocide"]["parties"] and "JPN" not in t["genocide"]["parties"]
    assert "UKR" in t["rome_statute"]["parties"] and "USA" not in t["rome_statute"]["parties"]
    for key in ("genocide", "rome_statute", "geneva_conventions"):
        assert t[key]["source"] and t[key]["as_of"]


def test_court_orders_have_compliance_and_source():
    orders = catalog.load_court_orders()
    assert {o["court"] for o in orders} == {"ICJ", "ICC"}
    assert all(o["source"] and o["compliance"] in catalog.COMPLIANCE for o in orders)


def _toolbox_data():
    return yaml.safe_load(catalog.catalog_path("toolbox.yaml").read_text("utf-8"))


@pytest.mark.parametrize("field,value,message", [
    ("coercion", 7, "field 'coercion'"),
    ("pillar", None, "field 'pillar'"),
    ("basis", [], "field 'basis'"),
    ("authorisation", {"consent": "required", "paths": []}, "authorisation.paths"),
])
def test_bad_tool_names_file_entry_and_field(field, value, message):
    data = _toolbox_data()
    data["tools"][3][field] = value
    with pytest.raises(DataError) as err:
        catalog.parse_toolbox(data, "toolbox.yaml")
    text = str(err.value)
    assert text.startswith("toolbox.yaml") and f"tool '{data['tools'][3]['id']}'" in text
    assert message in text


def test_bad_authorisation_condition_is_named():
    data = _toolbox_data()
    data["tools"][0]["authorisation"]["paths"][0]["requires"] = ["moon_phase"]
    with pytest.raises(catalog.CatalogError, match="authorisation path #1, field 'requires.0.': "
                                                   "unknown condition 'moon_phase'"):
        catalog.parse_toolbox(data)


def test_unreadable_yaml_file(tmp_path):
    bad = tmp_path / "toolbox.yaml"
    bad.write_text("tools: [unclosed", encoding="utf-8")
    with pytest.raises(DataError, match="toolbox.yaml: not valid YAML"):
        catalog.load_toolbox.__wrapped__(bad)


def test_bad_organisation_member_code():
    data = yaml.safe_load(catalog.catalog_path("organisations.yaml").read_text("utf-8"))
    data["organisations"][0]["members"].append("ZZZ")
    with pytest.raises(catalog.CatalogError,
                       match=r"organisation 'AU', field 'members\[\d+\]': unknown country code"):
        catalog.parse_organisations(data, set(catalog.load_toolbox().by_id))


def test_bad_planner_rule_is_named():
    data = yaml.safe_load(catalog.catalog_path("planner_rules.yaml").read_text("utf-8"))
    data["rules"][0]["boost_tools"] = {"teleportation": 3}
    with pytest.raises(catalog.CatalogError, match="rule 'assist_willing_state'.*teleportation"):
        parse_rules(data, catalog.load_toolbox())
    assert load_rules()["outcomes"]["horizons_months"] == [6, 12, 24]
