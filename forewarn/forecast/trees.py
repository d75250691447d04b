"""Gradient-boosted trees (LightGBM) with time-ordered tuning inside the training window.

`n_estimators=None` picks the number of trees by held-out log loss on time-ordered folds of the
training window (validation.time_folds); `num_leaves=None` also picks the tree size from
`leaves_grid` the same way. Columns
named in `exclude` (by default the calendar year) are not offered to the trees: a tree cannot
extrapolate a trend to a year it has never seen, it can only lump the future with the last era.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from forewarn.forecast import validation

DEFAULT_TREES = 150
DEFAULT_LEAVES = 8


class BoostedTrees(validation.BinaryNaNTags, ClassifierMixin, BaseEstimator):
    """LightGBM binary classifier; predictions on the log-odds scale decompose exactly into
    per-predictor contributions (TreeSHAP, `contributions`)."""

    def __init__(self, n_estimators: int | None = None, num_leaves: int | None = None,
                 leaves_grid: tuple[int, ...] = (4, 8, 16), max_estimators: int = 400,
                 learning_rate: float = 0.05, min_child_samples: int = 20,
                 subsample: float = 0.8, colsample_bytree: float = 0.5, reg_lambda: float = 1.0,
                 max_bin: int = 63, exclude: tuple[str, ...] = ("year", "year_sq"),
                 criterion: str = "log_loss", n_folds: int = 3, block_years: int = 4,
                 n_jobs: int = 1,
                 n_bags: int = 1, random_state: int = 0):
        self.n_estimators = n_estimators
        self.num_leaves = num_leaves
        self.leaves_grid = leaves_grid
        self.max_estimators = max_estimators
        self.learning_rate = learning_rate
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.max_bin = max_bin
        self.exclude = exclude
        self.criterion = criterion
        self.n_folds = n_folds
        self.block_years = block_years
        self.n_jobs = n_jobs
        self.n_bags = n_bags
        self.random_state = random_state

    def _params(self, num_leaves: int, bag: int = 0) -> dict:
        return {
            "objective": "binary", "learning_rate": self.learning_rate,
            "num_leaves": int(num_leaves), "min_data_in_leaf": self.min_child_samples,
            "bagging_fraction": self.subsample, "bagging_freq": 1 if self.subsample < 1 else 0,
            "feature_fraction": self.colsample_bytree, "lambda_l2": self.reg_lambda,
            "max_bin": self.max_bin, "num_threads": self.n_jobs,
            "seed": self.random_state + 1000 * bag,
            "deterministic": True, "force_row_wise": True, "verbose": -1,
            "min_data_in_bin": 1, "feature_pre_filter": False,
        }

    def _matrix(self, X) -> np.ndarray:
        return np.asarray(X, dtype=float)[:, validation.kept_columns(X, self.exclude)]

    def select(self, X, y01: np.ndarray, folds) -> tuple[dict, np.ndarray, np.ndarray]:
        """Choose tree size and count by held-out log loss pooled over the time-ordered folds
        (each fold grows up to max_estimators trees once and is scored after every tree).

        Returns the choice, the held-out risks at that choice and the rows they belong to."""
        A = self._matrix(X)
        y01 = np.asarray(y01, dtype=float)
        grid = [self.num_leaves] if self.num_leaves is not None else list(self.leaves_grid)
        max_trees = self.n_estimators or self.max_estimators
        best = (np.inf, None, None)
        for leaves in grid:
            total = np.zeros(max_trees)
            boosters = []
            for tr, val in folds:
                train = lgb.Dataset(A[tr], y01[tr], params={"max_bin": self.max_bin,
                                                             "verbose": -1})
                valid = train.create_valid(A[val], y01[val])
                curve: dict = {}
                metric = "auc" if self.criterion == "auc" else "binary_logloss"
                booster = lgb.train({**self._params(leaves), "metric": metric},
                                    train, max_trees, valid_sets=[valid], valid_names=["v"],
                                    callbacks=[lgb.record_evaluation(curve)])
                if metric == "auc":  # lower is better below: negate, weigh by onsets
                    total -= np.asarray(curve["v"]["auc"]) * y01[val].sum()
                else:
                    total += np.asarray(curve["v"]["binary_logloss"]) * len(val)
                boosters.append(booster)
            # With a fixed n_estimators only the size is chosen, at that many trees.
            n_trees = max_trees if self.n_estimators else int(np.argmin(total)) + 1
            loss = total[n_trees - 1]
            if loss < best[0]:
                preds = [bst.predict(A[val], num_iteration=n_trees)
                         for bst, (_, val) in zip(boosters, folds, strict=True)]
                best = (loss, {"num_leaves": leaves, "n_estimators": n_trees},
                        np.concatenate(preds))
        rows = np.concatenate([val for _, val in folds])
        return best[1], best[2], rows

    def fit(self, X, y):
        years, _, y01 = validation.binary_fit_inputs(self, X, y)
        params = {"num_leaves": self.num_leaves or DEFAULT_LEAVES,
                  "n_estimators": self.n_estimators or DEFAULT_TREES}
        if self.n_estimators is None or self.num_leaves is None:
            folds = validation.usable_folds(
                validation.time_folds(len(y01), years, self.n_folds, self.block_years), y01)
            if folds:
                params, _, _ = self.select(X, y01, folds)
        return self._fit_with(X, y01, params)

    def _fit_with(self, X, y01: np.ndarray, params: dict):
        """Fit on all rows with chosen hyperparameters (used by fit and by ensembles)."""
        validate_data(self, X, ensure_all_finite="allow-nan", dtype=float)
        if not hasattr(self, "classes_"):
            self.classes_ = np.array([0, 1])
        self.kept_ = validation.kept_columns(X, self.exclude)
        self.num_leaves_ = int(params["num_leaves"])
        self.n_estimators_ = int(params["n_estimators"])
        data = lgb.Dataset(self._matrix(X), np.asarray(y01, dtype=float),
                           params={"max_bin": self.max_bin, "verbose": -1})
        # n_bags boosters from different seeds, averaged on the log-odds scale: the same model
        # with less of the run-to-run noise row and column subsampling brings.
        self.boosters_ = [lgb.train(self._params(self.num_leaves_, bag), data, self.n_estimators_)
                          for bag in range(max(1, self.n_bags))]
        return self

    def frozen_params(self) -> dict:
        """set_params arguments that refit this model with the same choices and no tuning."""
        check_is_fitted(self, "boosters_")
        return {"num_leaves": self.num_leaves_, "n_estimators": self.n_estimators_}

    def _checked(self, X) -> np.ndarray:
        check_is_fitted(self, "boosters_")
        A = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=float)
        return A[:, self.kept_]

    def decision_function(self, X) -> np.ndarray:
        A = self._checked(X)
        return np.mean([b.predict(A, raw_score=True) for b in self.boosters_], axis=0)

    def predict_proba(self, X) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(int)]

    def contributions(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Per-row, per-predictor contributions to the log-odds (zeros for excluded columns)
        and the per-row base value; contributions plus base equal decision_function."""
        A = self._checked(X)
        raw = np.mean([b.predict(A, pred_contrib=True) for b in self.boosters_], axis=0)
        out = np.zeros((A.shape[0], self.n_features_in_))
        out[:, self.kept_] = raw[:, :-1]
        return out, raw[:, -1]
