"""The scikit-learn contract for the three estimators, plus time-ordered tuning."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import check_estimator

from forewarn.forecast import validation
from forewarn.forecast.ensemble import CalibratedEnsemble, fit_platt
from forewarn.forecast.linear import ElasticNetLogit
from forewarn.forecast.trees import BoostedTrees

from .synthetic import classification_frame


def small_trees(**kw):
    return BoostedTrees(max_estimators=40, leaves_grid=(4, 8), min_child_samples=5, **kw)


ESTIMATORS = {
    "enet": lambda: ElasticNetLogit(),
    "trees": lambda: small_trees(),
    "ensemble": lambda: CalibratedEnsemble(ElasticNetLogit(), small_trees()),
}


@pytest.mark.parametrize("name", ESTIMATORS)
def test_sklearn_check_estimator(name):
    """scikit-learn's own estimator checks (binary classifier, NaN allowed)."""
    check_estimator(ESTIMATORS[name]())


@pytest.mark.parametrize("name", ESTIMATORS)
def test_contract_on_panel_data(name):
    X, y = classification_frame()
    est = ESTIMATORS[name]()
    params = est.get_params()
    copy = clone(est)
    assert copy.get_params().keys() == params.keys()
    with pytest.raises(NotFittedError):
        est.predict_proba(X)
    assert not [k for k in vars(est) if k.endswith("_") and not k.startswith("_")]
    assert est.fit(X, y) is est
    p = est.predict_proba(X)
    assert p.shape == (len(X), 2)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert est.get_params() == params  # fit never changes constructor parameters
    again = clone(copy).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(p, again)  # deterministic
    # It learnt the signal: onsets rank above non-onsets far better than chance.
    from forewarn.forecast.metrics import auc
    assert auc(y, p[:, 1]) > 0.75


def test_tuning_sees_only_the_window_and_is_time_ordered():
    years = np.repeat(np.arange(1970, 2001), 10).astype(float)
    folds = validation.time_folds(len(years), years, n_folds=3, block_years=4, gap=2)
    assert [sorted(set(years[v])) for _, v in folds] == [
        [1989, 1990, 1991, 1992], [1993, 1994, 1995, 1996], [1997, 1998, 1999, 2000]]
    for tr, val in folds:
        assert years[tr].max() == years[val].min() - 2  # the protocol's gap, inside
    # without years: rows in order, later blocks validated by earlier rows only
    folds = validation.time_folds(100, None, n_folds=2)
    for tr, val in folds:
        assert tr.max() < val.min()


def test_folds_take_the_year_from_year_sq_when_there_is_no_year_column():
    """The real feature matrix carries the year only as the EWP's year_sq: the folds must
    still be cut by year with the two-year gap, not by row counts."""
    X, _ = classification_frame()
    X = X.assign(year_sq=X["year"] ** 2).drop(columns="year")
    years = validation.years_of(X)
    np.testing.assert_array_equal(years, np.tile(np.arange(1970, 2001), 40))
    for tr, val in validation.time_folds(len(years), years, n_folds=3, block_years=4):
        assert years[tr].max() == years[val].min() - 2
    assert validation.years_of(X.drop(columns="year_sq")) is None


def test_default_trees_do_not_depend_on_the_random_seed():
    from forewarn.forecast import registry

    X, y = classification_frame(seed=2)
    risks = [registry.get("gbm").build().set_params(random_state=seed, min_child_samples=5)
             .fit(X, y).predict_proba(X)[:, 1] for seed in (0, 7)]
    np.testing.assert_array_equal(risks[0], risks[1])
    # ...whereas with subsampling they do: the check above can fail.
    sub = [registry.get("gbm").build().set_params(random_state=seed, min_child_samples=5,
                                                  subsample=0.7, colsample_bytree=0.5)
           .fit(X, y).predict_proba(X)[:, 1] for seed in (0, 7)]
    assert np.abs(sub[0] - sub[1]).max() > 1e-6


def test_tuned_penalty_depends_on_the_data_not_a_constant():
    X, y = classification_frame(seed=1)
    signal = ElasticNetLogit().fit(X, y)
    shuffled = y.sample(frac=1.0, random_state=0).reset_index(drop=True)  # no signal left
    noise = ElasticNetLogit().fit(X, shuffled)
    assert noise.alpha_ > signal.alpha_  # pure noise is penalised harder...
    assert np.abs(noise.coef_).sum() < 1e-6  # ...down to an empty model
    assert np.abs(signal.coef_[1:3]).min() > 0.1  # while x0, x1 keep their weight


def test_frozen_params_refit_without_tuning():
    X, y = classification_frame(seed=2)
    est = CalibratedEnsemble(ElasticNetLogit(), small_trees()).fit(X, y)
    frozen = clone(est).set_params(**est.frozen_params()).fit(X, y)
    np.testing.assert_allclose(frozen.predict_proba(X), est.predict_proba(X), rtol=1e-6,
                               atol=1e-9)


def test_trees_do_not_use_the_calendar_year():
    X, y = classification_frame(seed=3)
    est = small_trees().fit(X, y)
    shifted = X.assign(year=X["year"] + 50)
    np.testing.assert_array_equal(est.predict_proba(X), est.predict_proba(shifted))


def test_platt_recovers_a_known_calibration():
    rng = np.random.default_rng(0)
    s = rng.normal(size=20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-(-1.0 + 0.5 * s)))).astype(float)
    a, b = fit_platt(s, y)
    assert a == pytest.approx(-1.0, abs=0.08)
    assert b == pytest.approx(0.5, abs=0.08)
    a_level, b_level = fit_platt(s, y, slope=False)
    assert b_level == 1.0
