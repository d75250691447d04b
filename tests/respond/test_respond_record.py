"""Measures taken, outcomes over the real panel, recorded vetoes, views and CLI."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from forewarn.data.importer import sync_countries
from forewarn.respond import store
from forewarn.respond.cli import app as cli
from forewarn.respond.outcomes import classify, combinations, outcomes_for, panel_from_raw
from forewarn.settings import Settings
from forewarn.store.db import session_factory, transaction


@pytest.fixture(scope="module")
def panel(raw_dir):
    return panel_from_raw(raw_dir)


def test_classify_thresholds():
    assert classify(1000, 700, 25, 0.25) == "de-escalated"
    assert classify(1000, 900, 25, 0.25) == "stable"
    assert classify(10, 2000, 25, 0.25) == "escalated"
    assert classify(3, 10, 25, 0.25) == "stable-low"
    assert classify(None, 10, 25, 0.25) == "unknown"


@pytest.mark.realdata
def test_outcomes_over_real_panel(panel):
    sle = {o.horizon_months: o for o in outcomes_for(panel, "SLE", date(1999, 10, 22))}
    assert sle[24].baseline_year == 1998 and sle[24].window_year == 2001
    assert sle[24].deaths_before > 1000 and sle[24].status == "de-escalated"
    assert sle[6].window_year == 2000
    syr = {o.horizon_months: o for o in outcomes_for(panel, "SYR", date(2011, 8, 22))}
    assert syr[12].status == "escalated" and syr[12].deaths_after > 10000
    assert syr[12].displaced_after > syr[12].displaced_before
    assert syr[12].risk_before is not None
    late = outcomes_for(panel, "SYR", date(2024, 6, 1))
    assert late[-1].status == "unknown"       # 2026 is beyond the panel


@pytest.mark.realdata
def test_combinations_that_preceded_de_escalation(panel):
    records = [
        {"iso3": "SLE", "date": date(1999, 10, 22), "tool_id": "peacekeeping_poc"},
        {"iso3": "SLE", "date": date(2000, 7, 5), "tool_id": "commodity_restrictions"},
        {"iso3": "CIV", "date": date(2011, 3, 30), "tool_id": "un_targeted_sanctions"},
        {"iso3": "SYR", "date": date(2011, 8, 22), "tool_id": "commission_of_inquiry"},
    ]
    agg = combinations(records, panel)
    by_tools = {tuple(c["tools"]): c for c in agg["combinations"]}
    sle = by_tools[("commodity_restrictions", "peacekeeping_poc")]
    assert sle["by_horizon"][24]["de_escalated"] == 1 and sle["by_horizon"][24]["share"] == 1.0
    assert by_tools[("commission_of_inquiry",)]["by_horizon"][12]["de_escalated"] == 0
    assert "Association only" in agg["method"]


def test_measures_and_vetoes_in_the_database(engine):
    with transaction(engine) as s:
        sync_countries(s)
        m = store.add_measure(s, "sle", "peacekeeping_poc", date(1999, 10, 22),
                              "UN Security Council", "S/RES/1270 (1999)",
                              "https://undocs.org/S/RES/1270(1999)")
        v = store.add_veto(s, "SYR", date(2022, 7, 8), ["RUS"], "S/2022/538")
        assert v.ga_deadline == date(2022, 7, 22)
        with pytest.raises(store.RecordError, match="tool_id"):
            store.add_measure(s, "SLE", "magic_wand", date(2000, 1, 1), "someone")
        with pytest.raises(store.RecordError, match="members"):
            store.add_veto(s, "SYR", date(2022, 7, 8), ["DEU"])
        mid = m.id
    with session_factory(engine)() as s:
        rows = store.measures(s, "SLE")
        assert [r.id for r in rows] == [mid] and rows[0].situation.country.iso3 == "SLE"
        recorded = store.vetoes_for_country(s, "SYR")
        assert recorded[0].members == ("RUS",)


@pytest.mark.realdata
def test_stored_outcomes_from_real_panel(engine, panel):
    from forewarn.respond.outcomes import refresh_outcomes

    with transaction(engine) as s:
        sync_countries(s)
        store.add_measure(s, "SLE", "peacekeeping_poc", date(1999, 10, 22), "UN Security Council")
        assert refresh_outcomes(s, panel) == 3
    with session_factory(engine)() as s:
        outs = store.measures(s)[0].outcomes
        assert [o.horizon_months for o in outs] == [6, 12, 24]
        assert outs[-1].status == "de-escalated" and outs[-1].window_year == 2001


@pytest.fixture(scope="module")
def client(raw_dir, tmp_path_factory):
    """The respond router on a small app (the full app is tested by the web package)."""
    import forewarn.web.menu  # noqa: F401  (the site frame's template globals, as in the app)
    from forewarn.respond.web import router
    from forewarn.store.db import make_engine, upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('respond') / 'f.db'}"
    eng = make_engine(url)
    upgrade(eng)
    with transaction(eng) as s:
        sync_countries(s)
        store.add_veto(s, "MMR", date(2007, 1, 12), ["CHN", "RUS"], "S/2007/14")
    app = FastAPI()
    app.state.settings = Settings(data_dir=raw_dir.parent, database_url=url)
    app.state.engine, app.state.sessions = eng, session_factory(eng)
    app.include_router(router)
    with TestClient(app) as c:
        yield c


@pytest.mark.realdata
def test_toolbox_json_stable_interface(client):
    body = client.get("/toolbox.json").json()
    assert body["count"] == len(body["tools"]) >= 35
    for t in body["tools"]:
        assert {"id", "name", "basis", "pillar", "coercion", "lead_actors",
                "authorisation"} <= set(t)
    page = client.get("/toolbox")
    assert page.status_code == 200 and "No-fly zone" in page.text and "/toolbox.json" in page.text


@pytest.mark.realdata
def test_country_options_json_html_and_brief(client):
    body = client.get("/countries/MMR/options.json").json()
    assert body["country"]["iso3"] == "MMR" and body["council_route"]["status"] == "blocked"
    assert body["options"] and all(o["reasons"] for o in body["options"])
    assert body["recorded_vetoes"][0]["ga_deadline"] == "2007-01-26"
    assert body["obligations"]["genocide_party"] is True
    html = client.get("/countries/MMR/options?phase=escalation&state_role=unwilling")
    assert html.status_code == 200 and "Options, all pillars at once" in html.text
    assert "Escalation ladder" not in html.text
    brief = client.get("/countries/GHA/options/brief?phase=latent_risk&state_role=willing_unable")
    assert brief.status_code == 200 and "/static/brief.css" in brief.text
    assert "Obligations" in brief.text
    assert client.get("/countries/XXX/options.json").status_code == 404
    assert client.get("/countries/MMR/options.json?phase=war").status_code == 422
    assert client.get("/partners.json").json()["treaties"]["rome_statute"]["count"] == 125
    assert client.get("/respond/record.json").json()["vetoes"][0]["iso3"] == "MMR"


def test_cli_validate_plan_and_deadline(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli, ["toolbox", "validate"])
    assert ok.exit_code == 0 and "tools" in ok.output
    assert runner.invoke(cli, ["veto", "deadline", "2022-09-30"]).output.strip() == "2022-10-14"
    plan = runner.invoke(cli, ["plan", "GHA", "--phase", "latent_risk", "--state-role",
                               "willing_unable", "--raw-dir", str(tmp_path)])
    assert plan.exit_code == 0 and "Capacity-building" in plan.output
    bad = runner.invoke(cli, ["plan", "GHA", "--phase", "war"])
    assert bad.exit_code != 0


@pytest.mark.realdata
def test_options_summary_for_country_page(raw_dir, tmp_path):
    from forewarn.respond.options import options_summary
    from forewarn.store.db import make_engine, upgrade

    eng = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    upgrade(eng)
    with transaction(eng) as s:
        sync_countries(s)
    with session_factory(eng)() as s:
        out = options_summary(s, Settings(data_dir=raw_dir.parent), "MMR")
    assert out["links"]["brief"] == "/countries/MMR/options/brief"
    assert out["pillars"]["3"] and all(o["reasons"] for o in out["pillars"]["3"])


@pytest.mark.realdata
def test_country_page_shows_the_planners_options_with_reasons(raw_dir, imported_engine,
                                                              tmp_path):
    from forewarn.web.app import create_app

    data = tmp_path / "app"
    data.mkdir()
    (data / "raw").symlink_to(raw_dir, target_is_directory=True)
    settings = Settings(data_dir=data, database_url=str(imported_engine.url))
    with TestClient(create_app(settings)) as c:
        body = c.get("/countries/MMR.json").json()
        html = c.get("/countries/MMR").text
    section = next(s for s in body["sections"] if s["key"] == "response")
    assert section["status"] == "ready", section
    top = [o for opts in section["data"]["pillars"].values() for o in opts]
    assert len(top) >= 3 and all(o["reasons"] for o in top)
    assert section["data"]["links"]["options"] == "/countries/MMR/options"
    # The HTML shows the same options, each linked to the toolbox, with its reasons.
    for o in top:
        assert f'href="/toolbox/{o["tool_id"]}"' in html
    assert top[0]["reasons"][0].split(" ")[0] in html
    assert all(b["why"] for b in section["data"]["blocked"])
    assert "printable brief" in html and "will be filled" not in html


@pytest.mark.realdata
def test_outcome_baseline_is_the_last_full_year_before_the_measure(panel, raw_dir):
    """Deaths, displacement and the forecast risk all read the baseline year (the last full
    year before the measure): the risk is the EWP forecast made from that year's data, the
    one in hand when the measure was taken, not the one made a year before it."""
    from forewarn.data import readers

    foos = readers.read_ewp_foos(raw_dir / readers.EWP_FOOS)
    syr = foos[(foos["ccode"] == 652) & foos["risk_prev"].notna()]
    made_from_2010 = float(syr.loc[syr["prev_year"] == 2010, "risk_prev"].iloc[0])
    made_from_2009 = float(syr.loc[syr["prev_year"] == 2009, "risk_prev"].iloc[0])
    assert made_from_2010 != made_from_2009
    [o] = [o for o in outcomes_for(panel, "SYR", date(2011, 8, 22)) if o.horizon_months == 12]
    assert o.baseline_year == 2010
    assert o.risk_before == pytest.approx(made_from_2010)
