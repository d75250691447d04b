"""The reference-facts registry: every fact cited and dated, the shipped facts the planner's
routes read (Sudan's and Mali's vetoes, Armenia's Rome Statute status and Art. 12(3)
declaration, Myanmar's ICJ case), one source for memberships, and the toolbox's chapter tags
checked against the Charter's articles."""

from __future__ import annotations

import pytest

from forewarn.data import countries
from forewarn.respond import facts
from forewarn.respond.catalog import (
    CatalogError,
    catalog_path,
    load_toolbox,
    parse_toolbox,
    read_yaml,
)
from forewarn.respond.fact import AS_OF, KINDS, SOURCES
from forewarn.respond.facts_shipped import parse_reference_facts, reference_data
from forewarn.respond.planner import plan
from forewarn.respond.profile import profile_for_country


def _check(fact):
    where = f"{fact.kind} {fact.iso3 or fact.organisation} {fact.subject}"
    assert fact.kind in KINDS and fact.source in SOURCES, where
    assert fact.citation.strip(), f"no citation: {where}"
    assert AS_OF.fullmatch(fact.as_of), f"no as-of date: {where} ({fact.as_of!r})"
    assert fact.iso3 or fact.organisation, where


@pytest.mark.realdata
def test_every_shipped_fact_has_a_citation_and_an_as_of_date(raw_dir):
    everything = facts.facts_for(None, raw_dir=raw_dir)
    assert {"veto", "icc_referral", "icc_declaration", "court_order", "icj_case", "membership",
            "sanctions_regime", "veto_restraint", "fact_finding", "peace_operation"} <= {
                f.kind for f in everything}
    per_country = [f for c in countries.all_countries() if c.last_year is None
                   for f in facts.facts_for(None, c.iso3, raw_dir=raw_dir)]
    assert len(per_country) > 3000
    for f in everything + per_country:
        _check(f)


def test_a_curated_row_without_citation_or_as_of_is_refused():
    row = {"kind": "veto", "iso3": "SDN", "subject": "S/2024/826", "date": "2024-11-18",
           "status": "vetoed by RUS", "members": ["RUS"], "as_of": "2025-10-31"}
    with pytest.raises(CatalogError, match="citation"):
        parse_reference_facts({"facts": [row]})
    with pytest.raises(CatalogError, match="as_of"):
        parse_reference_facts({"facts": [{**row, "citation": "S/2024/826", "as_of": "soon"}]})
    with pytest.raises(CatalogError, match="members"):
        parse_reference_facts({"facts": [{**row, "citation": "x", "members": ["DEU"]}]})
    assert parse_reference_facts({"facts": [{**row, "citation": "S/2024/826"}]})[0].subject \
        == "S/2024/826"
    assert "PSE" in {f.iso3 for f in parse_reference_facts(reference_data())}


@pytest.mark.realdata
def test_peace_operations_from_the_data_hub_with_later_facts(raw_dir):
    mali = facts.current(facts.facts_for(None, "MLI", "peace_operation", raw_dir=raw_dir))
    assert [f.subject for f in mali] == ["MINUSMA"]
    assert "terminated" in mali[0].status and "2690" in mali[0].citation
    drc = {f.subject: f for f in facts.facts_for(None, "COD", "peace_operation",
                                                  raw_dir=raw_dir)}
    assert drc["MONUSCO"].status == "active" and "protection-of-civilians" in \
        drc["MONUSCO"].summary and drc["MONUSCO"].as_of == "2024-02-19"


@pytest.mark.realdata
def test_council_routes_show_the_vetoes_after_the_veto_file(raw_dir):
    sudan = plan(profile_for_country(raw_dir, "SDN"))["council_route"]
    assert sudan["status"] == "blocked"
    assert any("2024-11-18" in r and "S/2024/826" in r and r.startswith("RUS")
               for r in sudan["reasons"])
    mali = plan(profile_for_country(raw_dir, "MLI"))["council_route"]
    assert mali["status"] == "blocked"
    assert any("2023-08-30" in r and "S/2023/638" in r for r in mali["reasons"])


@pytest.mark.realdata
def test_armenia_is_a_rome_statute_party_with_its_article_12_3_declaration(raw_dir):
    arm = facts.current(facts.facts_for(None, "ARM", raw_dir=raw_dir))
    rome = [f for f in arm if f.kind == "treaty_party" and f.subject == "rome_statute"]
    assert len(rome) == 1 and rome[0].status == "party" and rome[0].date == "2024-02-01"
    declaration = [f for f in arm if f.kind == "icc_declaration"]
    assert len(declaration) == 1 and "2021-05-10" in declaration[0].status
    assert "Coalition for the ICC" in declaration[0].citation
    p = profile_for_country(raw_dir, "ARM")
    assert p.icc_jurisdiction and "party" in p.icc_basis


@pytest.mark.realdata
def test_myanmars_icj_case_shows_as_existing(raw_dir):
    result = plan(profile_for_country(raw_dir, "MMR", phase="ongoing_atrocities",
                                      state_role="perpetrator"))
    icj = next(o for o in result["options"] + result["blocked"] if o["tool_id"] ==
               "icj_proceedings")
    notes = " ".join(a["note"] for a in icj["authorisation"])
    assert "already brought" in notes and "The Gambia v. Myanmar" in notes
    # A border dispute is no precedent for the Genocide Convention route.
    mali = profile_for_country(raw_dir, "MLI")
    assert not any("Frontier" in c for c in mali.icj_cases)


@pytest.mark.realdata
def test_regional_partners_agree_on_one_page(raw_dir):
    result = plan(profile_for_country(raw_dir, "SDN", phase="ongoing_atrocities",
                                      state_role="perpetrator"))
    rows = result["options"] + result["blocked"]
    notes = [a["note"] for o in rows for a in o["authorisation"]]
    notes += [o["reason"] for o in result["left_out"]]
    au_4h = next(o for o in rows if o["tool_id"] == "au_article_4h_intervention")
    assert "Art. 4(h)" in au_4h["authorisation"][0]["note"]
    assert not any("no organisation with this mandate" in n for n in notes)
    assert any("AU (" in n and "suspended since 2021-10-27" in n for n in notes)
    suspension = next(o for o in rows if o["tool_id"] == "regional_suspension")
    text = " ".join(f"{a['rule']} {a['note']}" for a in suspension["authorisation"])
    assert "League of Arab States Art. 18" in text
    assert "OAS" not in text and "Inter-American" not in text


def test_toolbox_chapter_tags_cite_an_article_of_their_chapter():
    tb = load_toolbox()
    for t in tb.tools:
        assert t.chapter_basis, t.id
    by_id = tb.by_id
    for tid in ("diplomatic_isolation", "sporting_cultural_isolation",
                "autonomous_targeted_sanctions"):
        assert by_id[tid].chapter == "none"
    assert by_id["icc_investigation"].chapter == "VII"
    assert "13(b)" in by_id["icc_investigation"].chapter_basis
    assert by_id["un_targeted_sanctions"].chapter == "VII"
    data = read_yaml(catalog_path("toolbox.yaml"))
    bad = dict(data["tools"][0], id="bad_tool", chapter="VII",
               chapter_basis="UN Charter Art. 33 (peaceful settlement)")
    with pytest.raises(CatalogError, match="Chapter VII"):
        parse_toolbox({**data, "tools": [bad]})
    bad = dict(bad, chapter="none", chapter_basis="bilateral")
    with pytest.raises(CatalogError, match="chapter_basis"):
        parse_toolbox({**data, "tools": [bad]})


def test_cli_checks_and_lists_the_facts(monkeypatch):
    import json

    from typer.testing import CliRunner

    from forewarn.respond import cli as respond_cli
    from forewarn.respond.cli import app as cli

    # No database: the shipped facts only.
    monkeypatch.setattr(respond_cli, "_operator_session", lambda: None)
    runner = CliRunner()
    checked = runner.invoke(cli, ["facts", "check"])
    assert checked.exit_code == 0 and "0 without citation or as-of date" in checked.output
    listed = runner.invoke(cli, ["facts", "list", "--iso3", "SDN", "--kind", "veto", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [r["subject"] for r in rows] == ["S/2024/826"] and rows[0]["members"] == ["RUS"]
    assert runner.invoke(cli, ["facts", "list", "--kind", "rumour"]).exit_code != 0
