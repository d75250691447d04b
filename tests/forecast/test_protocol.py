"""The protocol on a tiny constructed panel: target, training windows, EWP-style scoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from forewarn.forecast import features, protocol

from .synthetic import ewp_like_panel


def tiny_panel() -> pd.DataFrame:
    return features.build_panel(features.Sources(ewp=ewp_like_panel()))


def test_target_is_onset_in_the_next_two_years():
    panel = tiny_panel().set_index(["iso3", "year"])
    t = panel[features.TARGET]
    # AAA onset 1990 → target 1 in 1988 and 1989 only
    assert t.loc["AAA"].loc[1986:1991].tolist() == [0, 0, 1, 1, 0, 0]
    # CCC onset in 2000, the last year: 1998 and 1999 know it; 1999 and 2000 do not know
    # year+2 (2001, 2002 are beyond the panel), so they are missing, not zero
    assert t.loc["CCC"].loc[1998] == 1
    assert np.isnan(t.loc["CCC"].loc[1999]) and np.isnan(t.loc["CCC"].loc[2000])


class Recorder(ClassifierMixin, BaseEstimator):
    """Remembers what it was trained on; predicts the training onset rate."""

    seen: list = []

    def fit(self, X, y):
        Recorder.seen.append((int(X["year"].min()), int(X["year"].max()), len(X)))
        self.rate_ = float(np.mean(y))
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        return np.column_stack([np.full(len(X), 1 - self.rate_), np.full(len(X), self.rate_)])


def test_each_origin_learns_from_years_up_to_t_minus_2_only():
    panel = tiny_panel()
    Recorder.seen = []
    out = protocol.rolling_backtest(Recorder(), panel, ["year", "popsize.log2"],
                                    years=[1990, 1995, 1998])
    preds = out.predictions
    assert [s[1] for s in Recorder.seen] == [1988, 1993, 1996]
    assert all(s[0] == 1985 for s in Recorder.seen)
    assert Recorder.seen[0][2] == 3 * 4  # 1985-1988, three countries
    assert sorted(preds["year"].unique()) == [1990, 1995, 1998]
    assert len(preds) == 9
    assert set(preds.groupby("year")["rank"].apply(sorted).map(tuple)) == {(1, 2, 3)}
    assert out.seconds >= 0 and out.cpu_seconds >= 0


def test_training_rows_drop_unknown_targets():
    panel = tiny_panel()
    rows = protocol.training_rows(panel, 2002)  # would reach 2000, whose target is unknown
    assert rows["year"].max() == 1998
    assert rows[features.TARGET].notna().all()


def test_score_like_ewp_takes_max_risk_and_min_rank_of_the_two_origins():
    preds = pd.DataFrame({
        "ccode": [1, 2, 1, 2, 1, 2],
        "year": [1999, 1999, 2000, 2000, 2001, 2001],
        "risk": [0.30, 0.10, 0.05, 0.20, 0.40, 0.01],
        "rank": [1, 2, 2, 1, 1, 2],
    })
    evaluated = pd.DataFrame({"year": [2001, 2001, 2002, 2002], "ccode": [1, 2, 1, 2],
                              "mk_onset": [1, 0, 0, 1]})
    s = protocol.score_like_ewp(preds, evaluated).set_index(["year", "ccode"])
    assert s.loc[(2001, 1), "risk"] == 0.30 and s.loc[(2001, 1), "rank"] == 1  # T=1999
    assert s.loc[(2001, 2), "risk"] == 0.20 and s.loc[(2001, 2), "rank"] == 1  # T=2000
    assert s.loc[(2002, 1), "risk"] == 0.40 and s.loc[(2002, 1), "rank"] == 1
    assert s.loc[(2002, 2), "risk"] == 0.20 and s.loc[(2002, 2), "rank"] == 1
    # only Y-1 available (first year): the score is that risk alone
    first = protocol.score_like_ewp(preds[preds["year"] >= 2000],
                                    evaluated[evaluated["year"] == 2001])
    assert first["risk"].tolist() == [0.05, 0.20]
    # no prediction from Y-1 for an evaluated row: refuse rather than score other rows
    with pytest.raises(ValueError, match="no prediction"):
        protocol.score_like_ewp(preds[preds["year"] != 2001], evaluated)


def test_backtest_origins_match_the_ewp_window():
    assert protocol.origins() == list(range(1993, 2024))
    assert protocol.GAP == 2
