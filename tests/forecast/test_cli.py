"""The CLI on the real data: the exported CSV's format, scoring it on the EWP's rows, what is
stored for the web, plots, the forecast and its comparison with the EWP."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.orm import Session

import forewarn.forecast as api
from forewarn.data import readers
from forewarn.forecast import metrics, protocol
from forewarn.store.db import make_engine

pytestmark = pytest.mark.realdata


def test_backtest_command_succeeds_and_prints_both_rows(cli_run):
    result = cli_run["backtest"]
    assert result.exit_code == 0, result.output
    for text in ("AUC", "AUPR", "Brier", "Log loss", "Top-30", "EWP FOOS", "by decade",
                 "Calibration", "P(better)"):
        assert text in result.output


def test_exported_csv_has_the_stable_format(cli_run, panel):
    frame = pd.read_csv(cli_run["csv"])
    assert list(frame.columns) == ["ccode", "ewp_name", "year", "risk", "rank"]
    assert sorted(frame["year"].unique()) == list(range(1993, 2024))
    per_year = panel[panel["year"].between(1993, 2023)].groupby("year").size()
    assert frame.groupby("year").size().to_dict() == per_year.to_dict()
    assert frame["risk"].between(0, 1, inclusive="neither").all()
    for _, g in frame.groupby("year"):
        assert sorted(g["rank"]) == list(range(1, len(g) + 1))
        assert g.sort_values("rank")["risk"].is_monotonic_decreasing


def test_the_csv_scores_on_exactly_the_ewp_rows(cli_run, raw_dir):
    foos = protocol.read_foos(raw_dir / readers.EWP_FOOS)
    assert (len(foos), int(foos["mk_onset"].sum())) == (5032, 39)
    scored = protocol.score_like_ewp(pd.read_csv(cli_run["csv"]), foos)
    assert (len(scored), int(scored["mk_onset"].sum())) == (5032, 39)
    ours = metrics.score_all(scored["mk_onset"], scored["risk"], scored["rank"])
    ewp = metrics.score_all(foos["mk_onset"], foos["risk"], foos["rank"])
    assert ewp["auc"] == pytest.approx(0.825, abs=5e-4)
    assert ewp["top30"] == 27
    assert 0.5 < ours["auc"] < 1 and 0 <= ours["top30"] <= 39
    # what the CLI stored is what the CSV scores to
    with Session(make_engine(cli_run["db_url"])) as session:
        summary = api.backtest_summary(session)
    assert summary["metrics"]["auc"] == pytest.approx(ours["auc"], abs=1e-6)
    assert summary["metrics"]["top30"] == ours["top30"]
    assert summary["ewp"]["metrics"]["auc"] == pytest.approx(ewp["auc"])
    assert (summary["evaluated"], summary["onsets"]) == (5032, 39)
    assert set(summary["p_better"]) == set(metrics.METRICS)
    assert [d["decade"] for d in summary["decade_auc"]] == ["1994-2003", "2004-2013",
                                                            "2014-2024"]


def test_plots_written_as_png_and_svg(cli_run):
    out = cli_run["artifacts"] / "forecast"
    for name in ("catch", "calibration"):
        for ext in ("png", "svg"):
            path = out / f"{name}.{ext}"
            assert path.exists() and path.stat().st_size > 1000, path
    with Session(make_engine(cli_run["db_url"])) as session:
        paths = api.plot_paths(session)
    assert paths["catch.svg"] == out / "catch.svg"


def test_forecast_is_stored_with_explanations_and_compared_with_ewp(cli_run):
    assert cli_run["forecast"].exit_code == 0, cli_run["forecast"].output
    assert "Spearman" in cli_run["forecast"].output
    with Session(make_engine(cli_run["db_url"])) as session:
        rows = api.latest_forecast(session)
        history = api.risk_history(session, "SDN")
        why = api.explanation(session, "SDN")
        cmp = api.ewp_comparison(session)
    assert len(rows) == 168 and {r["year"] for r in rows} == {2024}
    assert [r["rank"] for r in rows] == list(range(1, 169))
    top = rows[0]
    assert set(top) >= {"iso3", "name", "risk", "rank", "year", "model_version",
                        "previous_risk", "change"}
    assert top["change"] == pytest.approx(top["risk"] - top["previous_risk"])
    assert [h["source"] for h in history].count("forecast") == 1
    assert {h["year"] for h in history if h["source"] == "backtest"} == set(range(1993, 2024))
    assert why["iso3"] == "SDN" and why["year"] == 2024
    total = why["base"] + sum(c["contribution"] for c in why["contributions"])
    assert total == pytest.approx(why["logit"], abs=1e-9)
    assert all(c["risk_factor"].startswith("RF") for c in why["contributions"])
    assert why["change"]["previous_year"] == 2023
    assert 0 < cmp["spearman"] <= 1 and 0 <= cmp["top_overlap"] <= 30
    assert cli_run["explain"].exit_code == 0 and "Change since 2023" in cli_run["explain"].output
    top_iso = rows[0]["iso3"]  # risk-over-time plot of a top-30 country, backtest + forecast
    for ext in ("png", "svg"):
        assert (cli_run["artifacts"] / "forecast" / "countries" / f"{top_iso}.{ext}").exists()
