"""The bootstrap scores resamples from counts per distinct risk (metrics._Resampled), not by
calling sklearn per resample: its figures must equal sklearn.metrics on the resampled rows,
ties and resamples without an onset included."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, log_loss, roc_auc_score

from forewarn.forecast import metrics


def _data(seed: int, n: int = 400, rate: float = 0.04):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < rate
    p = np.round(rng.random(n) ** 3, 2)  # skewed to low risks, many ties
    p[:5] = [0.0, 1.0, 0.0, 1.0, 0.5]  # risks of exactly 0 and 1: clipped in the log loss
    rank = np.argsort(np.argsort(-p, kind="stable")) + 1
    return rng, y, p, rank


@pytest.mark.parametrize("mode", ["country_years", "onsets"])
def test_resampled_scores_equal_sklearn_with_ties(mode):
    rng, y, p, rank = _data(11)
    scorer = metrics._Resampled(y, p, rank)
    compared = 0
    for _ in range(200):
        idx = metrics._resample(y, rng, mode)
        yb, pb = y[idx], p[idx]
        got = scorer.score(yb, idx, np.bincount(idx, minlength=len(y)))
        q = np.clip(pb, metrics.EPS, 1 - metrics.EPS)
        want = {"auc": roc_auc_score(yb, pb), "aupr": average_precision_score(yb, pb),
                "log_loss": log_loss(yb.astype(int), q, labels=[0, 1]),
                "brier": float(np.mean((pb - yb) ** 2))}
        for name, value in want.items():
            assert got[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name
        for k in (10, 20, 30):
            assert got[f"top{k}"] == metrics.catch(yb, rank[idx], k)
        compared += 1
    assert compared == 200
    # A resample without an onset (or only onsets) has no AUC; without one, no AUPR.
    weight = np.bincount(np.flatnonzero(~y)[:50], minlength=len(y))
    none = scorer.score(y[weight > 0], np.flatnonzero(weight), weight)
    assert math.isnan(none["auc"]) and math.isnan(none["aupr"])
    only = np.bincount(np.flatnonzero(y), minlength=len(y))
    assert math.isnan(scorer.score(y[only > 0], np.flatnonzero(only), only)["auc"])


def test_bootstrap_equals_scoring_every_resample_with_sklearn():
    _, y, p, rank = _data(4, n=300, rate=0.05)
    other = np.round(p + 0.05 * np.random.default_rng(2).random(len(p)), 1)
    scores = {"model": (p, rank), "other": (other, np.argsort(np.argsort(-other)) + 1)}
    got = metrics.bootstrap(y, scores, n=60, seed=9)
    rng = np.random.default_rng(9)
    draws = {s: {m: [] for m in metrics.METRICS} for s in scores}
    for _ in range(60):
        idx = metrics._resample(y, rng, "country_years")
        for s, (risk, r) in scores.items():
            for m, v in metrics.score_all(y[idx], risk[idx], r[idx]).items():
                draws[s][m].append(v)
    for s in scores:
        for m, d in draws[s].items():
            want = (np.nanpercentile(d, 2.5), np.nanpercentile(d, 97.5))
            assert got["interval"][s][m] == pytest.approx(want, rel=1e-12, abs=1e-12), (s, m)
    for m, (_, higher) in metrics.METRICS.items():
        diff = np.array(draws["model"][m]) - np.array(draws["other"][m])
        diff = diff if higher else -diff
        want = np.mean(diff > 0) + 0.5 * np.mean(diff == 0)
        assert got["p_better"]["other"][m] == pytest.approx(want), m
