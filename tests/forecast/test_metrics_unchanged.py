"""The metric functions are scikit-learn's now (forewarn.forecast.metrics); these checks keep
the figures what Forewarn's own formulas gave before the switch, on the EWP's published
out-of-sample record (the row every backtest is compared with) and its bootstrap."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata

from forewarn.data import readers
from forewarn.forecast import metrics, protocol


def _auc_by_ranks(y, p):
    y, p = np.asarray(y, dtype=bool), np.asarray(p, dtype=float)
    n1, n0 = int(y.sum()), int((~y).sum())
    r = rankdata(p)
    return (r[y].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0)


def _ap_steps(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="mergesort")
    ps, ys = p[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(ps)), len(ps) - 1]
    tp = np.cumsum(ys)[last]
    return float(np.sum(np.diff(np.r_[0.0, tp / ys.sum()]) * tp / (last + 1)))


def _formulas(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    q = np.clip(p, metrics.EPS, 1 - metrics.EPS)
    return {"auc": _auc_by_ranks(y, p), "aupr": _ap_steps(y, p),
            "brier": float(np.mean((p - y) ** 2)),
            "log_loss": float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))}


@pytest.mark.realdata
def test_ewp_record_figures_unchanged(raw_dir):
    foos = protocol.read_foos(raw_dir / readers.EWP_FOOS)
    y, p, r = foos["mk_onset"].to_numpy(), foos["risk"].to_numpy(), foos["rank"].to_numpy()
    got = metrics.score_all(y, p, r)
    for name, value in _formulas(y, p).items():
        assert got[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name
    # As docs/forecast.md reports the EWP's row.
    assert (round(got["auc"], 3), round(got["aupr"], 3), round(got["brier"], 5)) == \
        (0.825, 0.031, 0.00861)


def test_bootstrap_draws_unchanged_with_ties_and_empty_resamples():
    rng = np.random.default_rng(3)
    y = rng.random(300) < 0.03
    p = np.round(rng.random(300), 2)  # many ties
    for idx in (rng.integers(0, 300, 300) for _ in range(50)):
        yb, pb = y[idx], p[idx]
        if not yb.any():
            assert np.isnan(metrics.auc(yb, pb)) and np.isnan(metrics.average_precision(yb, pb))
            continue
        for name, value in _formulas(yb, pb).items():
            assert metrics.METRICS[name][0](yb, pb, None) == pytest.approx(value, rel=1e-12), name
    assert np.isnan(metrics.auc([0, 0], [0.1, 0.2]))


def test_monitor_macro_f1_unchanged():
    """The monitor's macro-F1 (now sklearn's f1_score) against the formula it replaced."""
    from forewarn.monitor.heads import _macro_f1

    rng = np.random.default_rng(5)
    for k in (2, 3, 4):
        for _ in range(20):
            y = rng.integers(0, k, 200)
            pred = rng.integers(0, k - 1, 200)  # one class never predicted
            by_hand = []
            for c in range(k):
                tp = np.sum((pred == c) & (y == c))
                denom = np.sum(pred == c) + np.sum(y == c)
                by_hand.append(2 * tp / denom if denom else 0.0)
            assert _macro_f1(y, pred, k) == pytest.approx(float(np.mean(by_hand)), rel=1e-12)
    assert _macro_f1(np.array([0, 0]), np.array([0, 0]), 3) == pytest.approx(1 / 3)
