"""Time-ordered validation inside one training window (hyperparameters never see later years).

The last few blocks of years of the window are held out in turn; for each block the inner model
learns from years <= the block's first year - gap, the same gap the outer protocol keeps between
the newest training year and the forecast year. The EWP predictors carry the year only as
`year_sq` (the model's feature matrix has no `year`), so the year is recovered from it; without
either column the rows are taken to be in time order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import validate_data

YEAR_COLUMN = "year"
YEAR_SQUARED_COLUMN = "year_sq"


def years_of(X) -> np.ndarray | None:
    """The calendar year of each row, from `year` or else from the EWP's `year_sq`.

    Without it the folds would be cut by row counts, and a gap of two rows lets the inner
    model learn from targets that overlap the validation years' targets."""
    if not isinstance(X, pd.DataFrame):
        return None
    if YEAR_COLUMN in X.columns:
        return X[YEAR_COLUMN].to_numpy(dtype=float)
    if YEAR_SQUARED_COLUMN in X.columns:
        return np.round(np.sqrt(X[YEAR_SQUARED_COLUMN].to_numpy(dtype=float)))
    return None


Fold = tuple[np.ndarray, np.ndarray]


def time_folds(n: int, years: np.ndarray | None, n_folds: int = 3, block_years: int = 4,
               gap: int = 2) -> list[Fold]:
    """Rolling-origin folds at the end of the window: the last n_folds blocks of block_years
    years are validated in turn, each by a model of the years <= block start - gap.

    Returns [(inner-train row indices, validation row indices), ...], oldest block first."""
    folds = []
    if years is None:  # rows in time order: the last 40% in n_folds equal blocks
        edges = np.linspace(0.6 * n, n, n_folds + 1).round().astype(int)
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            folds.append((np.arange(0, max(lo - gap, 1)), np.arange(lo, hi)))
        return folds
    last = np.nanmax(years)
    for k in range(n_folds, 0, -1):
        first = last - k * block_years + 1
        val = np.flatnonzero((years >= first) & (years < first + block_years))
        folds.append((np.flatnonzero(years <= first - gap), val))
    return folds


def usable_folds(folds: list[Fold], y: np.ndarray) -> list[Fold]:
    return [(tr, val) for tr, val in folds if usable(y[tr], y[val])]


def usable(y_train: np.ndarray, y_val: np.ndarray, min_pos: int = 2) -> bool:
    """Enough of both classes on both sides for the validation to mean anything."""
    return bool(len(y_val) and y_train.sum() >= min_pos and (1 - y_train).sum() >= min_pos
                and (1 - y_val).sum() >= 1)


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def subset(X, idx: np.ndarray):
    return X.iloc[idx] if isinstance(X, pd.DataFrame) else np.asarray(X)[idx]


def kept_columns(X, exclude: tuple[str, ...]) -> np.ndarray:
    """Positions of the columns of X whose names are not in `exclude` (all, for arrays)."""
    if isinstance(X, pd.DataFrame):
        return np.array([i for i, c in enumerate(X.columns) if c not in exclude], dtype=int)
    return np.arange(np.asarray(X).shape[1])


class BinaryNaNTags:
    """scikit-learn tags shared by Forewarn's estimators: binary targets, missing values allowed
    (the EWP panel has gaps the models handle themselves). Put it first in the bases."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.allow_nan = True
        return tags


def binary_fit_inputs(estimator, X, y) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(years of X's rows, X as a float array, y as 0/1) for ESTIMATOR's `fit`, checked the
    scikit-learn way (NaN allowed: the trees handle it, the linear model imputes); sets
    `classes_` and refuses anything but two classes."""
    years = years_of(X)
    Xa, y = validate_data(estimator, X, y, ensure_all_finite="allow-nan", dtype=float)
    check_classification_targets(y)
    estimator.classes_ = unique_labels(y)
    if len(estimator.classes_) != 2:
        raise ValueError(f"Only binary classification is supported by {type(estimator).__name__}; "
                         f"y has {len(estimator.classes_)} class(es) (1 class is not enough)")
    return years, Xa, (y == estimator.classes_[1]).astype(float)
