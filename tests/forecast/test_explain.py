"""Explanations add up: contributions + base = the model's log-odds, and the change since the
previous year splits exactly into per-predictor parts; every predictor maps to a risk factor."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from forewarn.forecast import explain, features
from forewarn.forecast.ensemble import CalibratedEnsemble
from forewarn.forecast.linear import ElasticNetLogit
from forewarn.forecast.trees import BoostedTrees

from .synthetic import classification_frame

MODELS = {
    "enet": lambda: ElasticNetLogit(),
    "trees": lambda: BoostedTrees(max_estimators=60, num_leaves=8, min_child_samples=5),
    "ensemble": lambda: CalibratedEnsemble(
        ElasticNetLogit(), BoostedTrees(max_estimators=60, num_leaves=8, min_child_samples=5)),
}


def _panel_like():
    X, y = classification_frame(seed=4)
    frame = X.copy()
    frame["iso3"] = [f"C{i // 31:02d}" for i in range(len(X))]
    return frame, y


@pytest.mark.parametrize("name", MODELS)
def test_contributions_sum_to_the_log_odds(name):
    frame, y = _panel_like()
    cols = ["year", "x0", "x1", "x2", "x3", "x4"]
    model = MODELS[name]().fit(frame[cols], y)
    contrib, base = explain.contributions(model, frame[cols])
    np.testing.assert_allclose(contrib.sum(axis=1) + base, model.decision_function(frame[cols]),
                               rtol=1e-9, atol=1e-9)
    p = model.predict_proba(frame[cols])[:, 1]
    np.testing.assert_allclose(1 / (1 + np.exp(-(contrib.sum(axis=1) + base))), p, rtol=1e-9)


@pytest.mark.parametrize("name", MODELS)
def test_change_since_last_year_adds_up(name):
    frame, y = _panel_like()
    cols = ["year", "x0", "x1", "x2", "x3", "x4"]
    model = MODELS[name]().fit(frame[cols], y)
    out = explain.explain_years(model, frame, cols, 2000)
    assert len(out) == frame["iso3"].nunique()
    for e in out.values():
        total = e["base"] + sum(c["contribution"] for c in e["contributions"])
        assert total == pytest.approx(e["logit"], abs=1e-9)
        ch = e["change"]
        parts = sum(c["contribution"] for c in ch["contributions"]) + ch["base_change"]
        assert parts == pytest.approx(ch["delta_logit"], abs=1e-9)
        assert ch["delta_logit"] == pytest.approx(e["logit"] - ch["previous_logit"])
        if name == "enet":  # linear: only predictors that moved can move the risk
            assert all(c["moved"] for c in ch["contributions"])


def test_linear_contribution_is_coefficient_times_standardised_value():
    frame, y = _panel_like()
    cols = ["x0", "x1"]
    model = ElasticNetLogit(alpha=0.001).fit(frame[cols], y)
    contrib, base = explain.contributions(model, frame[cols])
    z = (frame["x0"].iloc[0] - frame["x0"].mean()) / frame["x0"].std(ddof=0)
    assert contrib[0, 0] == pytest.approx(model.coef_[0] * z)
    assert base[0] == pytest.approx(model.intercept_)


def test_risk_factor_file_uses_framework_ids():
    mapping = explain.risk_factors()
    shared = Path(__file__).resolve().parents[3] / "shared" / "catalog" / \
        "framework_of_analysis.yaml"
    valid = set(explain.RISK_FACTOR_IDS)
    indicators: set[str] = set()
    if shared.exists():
        foa = yaml.safe_load(shared.read_text("utf-8"))
        valid = {rf["id"] for rf in foa["risk_factors"]}
        indicators = {i["id"] for rf in foa["risk_factors"] for i in rf["indicators"]}
    for name, info in mapping.items():
        assert info["risk_factor"] in valid, name
        assert set(info.get("also", [])) <= valid, name
        assert info.get("label"), name
        if indicators and info.get("indicator"):
            assert info["indicator"] in indicators, name
            assert info["indicator"].split(".")[0] == info["risk_factor"], name


@pytest.mark.realdata
def test_every_model_feature_is_mapped(panel):
    cols = features.feature_columns(panel, neighbours=True, conflicts=True)
    missing = [c for c in cols if c not in explain.risk_factors()]
    assert not missing
