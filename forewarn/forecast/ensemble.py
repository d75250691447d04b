"""The default model: elastic-net logit and boosted trees, blended on the log-odds scale and
recalibrated (Platt) on held-out later years of the training window.

The same time-ordered folds of the training window do all the choosing: each member picks its
hyperparameters on them (the logit its penalty, the trees their size and count), the blend of
the members' held-out predictions is what the calibrator learns from, and then both members
are refitted on the whole window with the chosen hyperparameters. Because blending and
calibration are affine in the members' log-odds, the model's log-odds still split exactly into
per-predictor contributions (see `contributions`).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

from forewarn.forecast import validation
from forewarn.forecast.linear import DEFAULT_ALPHA, ElasticNetLogit
from forewarn.forecast.trees import DEFAULT_LEAVES, DEFAULT_TREES, BoostedTrees

WEIGHT_GRID = (0.25, 0.5, 0.75)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def fit_platt(score: np.ndarray, y: np.ndarray, shrink: float = 0.0,
              slope: bool = True) -> tuple[float, float]:
    """(a, b) minimising mean log loss of sigmoid(a + b*score) + shrink*(b-1)^2 (Newton).

    `slope=False` only shifts the level (b = 1): recalibration-in-the-large."""
    a, b = 0.0, 1.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(a + b * score)))
        r, h = p - y, np.maximum(p * (1 - p), 1e-12)
        if slope:
            g = np.array([r.mean(), (r * score).mean() + 2 * shrink * (b - 1)])
            H = np.array([[h.mean(), (h * score).mean()],
                          [(h * score).mean(), (h * score * score).mean() + 2 * shrink]])
            step = np.linalg.solve(H + 1e-9 * np.eye(2), g)
        else:
            step = np.array([r.mean() / h.mean(), 0.0])
        a, b = a - step[0], b - step[1]
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(a), float(b)


class CalibratedEnsemble(validation.BinaryNaNTags, ClassifierMixin, BaseEstimator):
    """risk = sigmoid(a + b * (w * logit_linear + (1 - w) * logit_trees)).

    `linear` and `trees` are unfitted estimators with `select` and `_fit_with` (ElasticNetLogit,
    BoostedTrees); `weight` is w (None: chosen from WEIGHT_GRID by held-out log loss).
    `calibration` is "platt" (a and b, b shrunk towards 1 by `shrink`), "level" (a only),
    "slope" (b from the held-out folds, a then set so that the mean risk over the whole window
    equals its onset rate) or "none"; a and b are learnt from the members' held-out
    predictions on the time-ordered folds. With every member hyperparameter fixed and
    `fixed_calibration` given, fit does no validation at all (see frozen_params)."""

    def __init__(self, linear=None, trees=None, weight: float | None = 0.5,
                 calibration: str = "platt", shrink: float = 0.01,
                 fixed_calibration: tuple[float, float] | None = None, n_folds: int = 3,
                 block_years: int = 4):
        self.linear = linear
        self.trees = trees
        self.weight = weight
        self.calibration = calibration
        self.shrink = shrink
        self.fixed_calibration = fixed_calibration
        self.n_folds = n_folds
        self.block_years = block_years

    def fit(self, X, y):
        years, _, y01 = validation.binary_fit_inputs(self, X, y)
        lin = clone(self.linear if self.linear is not None else ElasticNetLogit())
        trees = clone(self.trees if self.trees is not None else BoostedTrees())
        folds = validation.usable_folds(
            validation.time_folds(len(y01), years, self.n_folds, self.block_years), y01)
        self.calibration_ = (0.0, 1.0)
        self.weight_ = self.weight if self.weight is not None else 0.5
        frozen = (self.fixed_calibration is not None and lin.alpha is not None
                  and trees.num_leaves is not None and trees.n_estimators is not None)
        if frozen:  # every choice was made before (at an earlier origin): nothing to validate
            lin_params = {"alpha": lin.alpha}
            tree_params = {"num_leaves": trees.num_leaves, "n_estimators": trees.n_estimators}
            self.calibration_ = tuple(float(v) for v in self.fixed_calibration)
        elif folds:
            lin_params, p_lin, rows = lin.select(X, y01, folds)
            tree_params, p_tree, _ = trees.select(X, y01, folds)
            if self.weight is None:  # the blend weight with the lowest held-out log loss
                losses = [validation.log_loss(y01[rows], _sigmoid(
                    w * _logit(p_lin) + (1 - w) * _logit(p_tree))) for w in WEIGHT_GRID]
                self.weight_ = WEIGHT_GRID[int(np.argmin(losses))]
            if self.calibration != "none" and y01[rows].sum() > 0:
                blend = self.weight_ * _logit(p_lin) + (1 - self.weight_) * _logit(p_tree)
                self.calibration_ = fit_platt(blend, y01[rows], self.shrink,
                                              slope=self.calibration != "level")
        else:  # too few onsets to validate: the members' defaults, no recalibration
            lin_params = {"alpha": lin.alpha if lin.alpha is not None else DEFAULT_ALPHA}
            tree_params = {"num_leaves": trees.num_leaves or DEFAULT_LEAVES,
                           "n_estimators": trees.n_estimators or DEFAULT_TREES}
        self.linear_ = lin._fit_with(X, y01, lin_params)
        self.trees_ = trees._fit_with(X, y01, tree_params)
        if self.calibration == "slope" and not frozen:
            # Keep the held-out slope, re-anchor the level on the whole window's onset rate.
            b = self.calibration_[1]
            blend = (self.weight_ * self.linear_.decision_function(X)
                     + (1 - self.weight_) * self.trees_.decision_function(X))
            a, _ = fit_platt(b * blend, y01, slope=False)
            self.calibration_ = (a, b)
        self.selected_ = {"linear": lin_params, "trees": tree_params, "weight": self.weight_,
                          "calibration": self.calibration_}
        return self

    def frozen_params(self) -> dict:
        """set_params arguments that refit this model with the same choices and no tuning."""
        check_is_fitted(self, "trees_")
        return {"linear__alpha": self.linear_.alpha_,
                "trees__num_leaves": self.trees_.num_leaves_,
                "trees__n_estimators": self.trees_.n_estimators_,
                "fixed_calibration": self.calibration_, "weight": self.weight_}

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "trees_")
        validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=float)
        a, b = self.calibration_
        blend = (self.weight_ * self.linear_.decision_function(X)
                 + (1 - self.weight_) * self.trees_.decision_function(X))
        return a + b * blend

    def predict_proba(self, X) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(int)]

    def contributions(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Per-row, per-predictor contributions to the model's log-odds, and the per-row base;
        contributions summed plus base equal decision_function exactly."""
        check_is_fitted(self, "trees_")
        a, b = self.calibration_
        c_lin, b_lin = self.linear_.contributions(X)
        c_tree, b_tree = self.trees_.contributions(X)
        contrib = b * (self.weight_ * c_lin + (1 - self.weight_) * c_tree)
        base = a + b * (self.weight_ * b_lin + (1 - self.weight_) * b_tree)
        return contrib, np.broadcast_to(base, (contrib.shape[0],)).astype(float)
