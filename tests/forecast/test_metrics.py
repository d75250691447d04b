"""Metric functions against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from forewarn.forecast import metrics

Y = [0, 0, 1, 1, 0]
P = [0.1, 0.4, 0.35, 0.8, 0.2]


def test_auc_by_hand():
    # positive 0.35 beats 0.1, 0.2 (not 0.4); positive 0.8 beats all three: 5 of 6 pairs
    assert metrics.auc(Y, P) == pytest.approx(5 / 6)
    # a tie between a positive and a negative counts half
    assert metrics.auc([0, 1], [0.3, 0.3]) == pytest.approx(0.5)
    assert math.isnan(metrics.auc([0, 0], [0.1, 0.2]))


def test_average_precision_by_hand():
    # ranked: 0.8(+) 0.4(-) 0.35(+) 0.2(-) 0.1(-): precision 1 at recall 1/2, 2/3 at recall 1
    assert metrics.average_precision(Y, P) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    # a tie block is one threshold: both enter together at precision 1/2
    assert metrics.average_precision([1, 0], [0.5, 0.5]) == pytest.approx(0.5)



def test_onset_positions_by_hand():
    # pooled: 0.8(+) 0.4(-) 0.35(+) 0.2(-) 0.1(-)
    pos = metrics.onset_positions(Y, P)
    assert pos["row"].tolist() == [3, 2]
    assert pos["pooled_rank"].tolist() == [1, 3]
    assert pos["share_below"].tolist() == pytest.approx([1.0, 2 / 3])
    assert pos["share_below"].mean() == pytest.approx(metrics.auc(Y, P))
    # a tie with a non-onset: the onset takes the best place and half the tie's share
    tied = metrics.onset_positions([0, 1, 0], [0.5, 0.5, 0.1])
    assert tied["pooled_rank"].tolist() == [1]
    assert tied["share_below"].tolist() == pytest.approx([0.75])


def test_average_precision_best_first_by_hand():
    # pooled: 0.9(-) 0.6(+) 0.5(-) 0.3(+): AP = (1/2 + 2/4) / 2; with the 0.6 onset first
    # the order is (+) (-) (-) (+): AP = (1 + 2/4) / 2
    y, p = [0, 1, 0, 1], [0.9, 0.6, 0.5, 0.3]
    assert metrics.average_precision(y, p) == pytest.approx(0.5)
    assert metrics.average_precision_best_first(y, p) == pytest.approx(0.75)
    assert p == [0.9, 0.6, 0.5, 0.3]  # the caller's risks are left alone
    assert math.isnan(metrics.average_precision_best_first([0, 0], [0.1, 0.2]))

def test_against_scikit_learn_on_random_data():
    rng = np.random.default_rng(0)
    y = (rng.random(500) < 0.05).astype(int)
    p = np.round(rng.random(500), 2)  # many ties
    assert metrics.auc(y, p) == pytest.approx(roc_auc_score(y, p))
    assert metrics.average_precision(y, p) == pytest.approx(average_precision_score(y, p))


def test_brier_and_log_loss_by_hand():
    assert metrics.brier([1, 0], [0.8, 0.1]) == pytest.approx((0.04 + 0.01) / 2)
    assert metrics.log_loss([1, 0], [0.8, 0.1]) == pytest.approx(
        -(math.log(0.8) + math.log(0.9)) / 2)
    assert np.isfinite(metrics.log_loss([1], [0.0]))  # clipped, not infinite


def test_catch_counts_onsets_ranked_within_k():
    assert metrics.catch([1, 1, 0, 1], [3, 31, 1, 30], 30) == 2
    assert metrics.catch([1, 1, 0, 1], [3, 31, 1, 30], 10) == 1
    scored = pd.DataFrame({"year": [2000, 2000, 2001, 2001], "mk_onset": [1, 0, 1, 1],
                           "rank": [12, 1, 5, 25]})
    by_year = metrics.catch_by_year(scored).set_index("year")
    assert by_year.loc[2000, "onsets"] == 1 and by_year.loc[2000, "top10"] == 0
    assert by_year.loc[2001, "top10"] == 1 and by_year.loc[2001, "top30"] == 2


def test_calibration_table_bands():
    t = metrics.calibration_table([0, 1, 0, 1], [0.001, 0.004, 0.3, 0.5])
    first, last = t.iloc[0], t.iloc[-1]
    assert first["n"] == 2 and first["onsets"] == 1
    assert first["mean_risk"] == pytest.approx(0.0025) and first["observed"] == 0.5
    assert last["n"] == 2 and last["observed"] == 0.5
    assert t["n"].sum() == 4


def test_bootstrap_probability_of_being_better():
    rng = np.random.default_rng(1)
    y = (rng.random(2000) < 0.03).astype(int)
    good = y * 0.5 + rng.random(2000) * 0.6  # separates onsets well
    bad = rng.random(2000)  # chance
    rank = pd.Series(good).rank(ascending=False).to_numpy()
    rank_bad = pd.Series(bad).rank(ascending=False).to_numpy()
    out = metrics.bootstrap(y, {"good": (good, rank), "bad": (bad, rank_bad)}, n=200)
    assert out["p_better"]["bad"]["auc"] > 0.99
    lo, hi = out["interval"]["good"]["auc"]
    assert lo <= metrics.auc(y, good) <= hi
    same = metrics.bootstrap(y, {"a": (bad, rank_bad), "b": (bad, rank_bad)}, n=50,
                             mode="onsets")
    assert same["p_better"]["b"]["auc"] == pytest.approx(0.5)  # ties count half
