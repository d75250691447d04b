"""EWP-style elastic-net logistic regression, fitted by proximal Newton (as glmnet does).

The EWP fits glmnet's elastic-net logit on standardised predictors. This is the same model in
numpy: missing values take the training median, columns are standardised with training means and
deviations, and the penalty is alpha * (l1_ratio * |w|_1 + (1 - l1_ratio) / 2 * |w|^2) on top of
the mean log loss (intercept unpenalised). A whole regularisation path with warm starts costs a
fraction of a second on the 9,000-row panel, which is what makes per-window tuning affordable.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from forewarn.forecast import validation


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _objective(Z, y, sw, w, b, alpha, l1_ratio) -> float:
    eta = Z @ w + b
    loss = np.average(np.logaddexp(0.0, eta) - y * eta, weights=sw)
    return float(loss + alpha * (l1_ratio * np.abs(w).sum() + 0.5 * (1 - l1_ratio) * w @ w))


def _lasso_quadratic(G, c, w, alpha, l1_ratio, tol, max_iter=3000):
    """FISTA for min 1/2 w'Gw - c'w + elastic-net penalty (the inner Newton step)."""
    lip = float(np.linalg.eigvalsh(G)[-1]) + alpha * (1 - l1_ratio) + 1e-12
    step = 1.0 / lip
    thresh = step * alpha * l1_ratio
    v, t = w.copy(), 1.0
    for _ in range(max_iter):
        u = v - step * (G @ v - c + alpha * (1 - l1_ratio) * v)
        w_new = np.sign(u) * np.maximum(np.abs(u) - thresh, 0.0)
        t_new = 0.5 * (1 + np.sqrt(1 + 4 * t * t))
        v = w_new + ((t - 1) / t_new) * (w_new - w)
        done = float(np.max(np.abs(w_new - w), initial=0.0)) < tol
        w, t = w_new, t_new
        if done:
            break
    return w


def fit_logit(Z: np.ndarray, y: np.ndarray, alpha: float, l1_ratio: float,
              w0: np.ndarray | None = None, b0: float | None = None, max_iter: int = 50,
              tol: float = 1e-6, sample_weight: np.ndarray | None = None):
    """Minimise mean weighted log loss + elastic-net penalty on standardised Z; return (w, b).

    Proximal Newton (glmnet's scheme): each outer step solves the penalised weighted
    least-squares approximation in the d x d Gram space, then backtracks if the true
    objective did not fall. Returns (w, b, Newton steps taken)."""
    n, d = Z.shape
    sw = np.ones(n) if sample_weight is None else sample_weight / sample_weight.mean()
    ybar = min(max(float(np.average(y, weights=sw)), 1e-6), 1 - 1e-6)
    w = np.zeros(d) if w0 is None else w0.copy()
    b = float(np.log(ybar / (1 - ybar))) if b0 is None else b0
    obj = _objective(Z, y, sw, w, b, alpha, l1_ratio)
    steps = 0
    for steps in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        eta = Z @ w + b
        p = _sigmoid(eta)
        hess = np.maximum(p * (1 - p), 1e-6)
        work = eta + (y - p) / hess
        v = sw * hess / n
        vs = v.sum()
        zbar = float(v @ work) / vs
        mean_z = (v @ Z) / vs
        Zc = Z - mean_z
        G = (Zc * v[:, None]).T @ Zc
        c = (Zc * v[:, None]).T @ (work - zbar)
        w_new = _lasso_quadratic(G, c, w, alpha, l1_ratio, tol * 0.3)
        b_new = zbar - float(mean_z @ w_new)
        step = 1.0
        while True:
            w_try = w + step * (w_new - w)
            b_try = b + step * (b_new - b)
            obj_try = _objective(Z, y, sw, w_try, b_try, alpha, l1_ratio)
            if obj_try <= obj + 1e-12 or step < 1e-3:
                break
            step *= 0.5
        delta = max(float(np.max(np.abs(w_try - w), initial=0.0)), abs(b_try - b))
        w, b, obj = w_try, b_try, obj_try
        if delta < tol:
            break
    return w, b, steps


def _scaling(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training medians (to fill gaps), means and deviations (to standardise)."""
    with warnings.catch_warnings():  # a column with no value yet (UCDP before 1989) → 0
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(X, axis=0)
    med = np.where(np.isnan(med), 0.0, med)
    filled = np.where(np.isnan(X), med, X)
    sd = filled.std(axis=0)
    return med, filled.mean(axis=0), np.where(sd > 0, sd, 1.0)


def _standardise(X: np.ndarray, med, mean, scale) -> np.ndarray:
    return (np.where(np.isnan(X), med, X) - mean) / scale


def alpha_path(Z: np.ndarray, y: np.ndarray, l1_ratio: float, n_alphas: int,
               ratio: float = 0.02) -> np.ndarray:
    """glmnet's path: from the smallest alpha that zeroes every coefficient downwards."""
    top = float(np.max(np.abs(Z.T @ (y - y.mean())))) / len(y) / max(l1_ratio, 1e-3)
    return np.geomspace(max(top, 1e-6), max(top, 1e-6) * ratio, n_alphas)


DEFAULT_ALPHA = 0.01  # used when the window has too few onsets to validate


class ElasticNetLogit(validation.BinaryNaNTags, ClassifierMixin, BaseEstimator):
    """Elastic-net logistic regression on standardised, median-imputed predictors.

    `alpha=None` chooses the penalty on time-ordered folds of the training rows (see
    validation.time_folds; the years come from a `year` column when X is a DataFrame): the
    glmnet path is fitted on each fold's earlier years and the alpha with the lowest held-out
    log loss, pooled over folds, is refitted on all rows. `alpha_` is the penalty used.

    `coef_` is on the standardised scale, so coef_ * standardise(x) are per-predictor
    contributions to the logit (see `contributions`)."""

    def __init__(self, alpha: float | None = None, l1_ratio: float = 0.5, n_alphas: int = 8,
                 alpha_ratio: float = 0.02, exclude: tuple[str, ...] = ("year_sq",),
                 n_folds: int = 3, block_years: int = 4, max_iter: int = 50,
                 tol: float = 1e-5):
        self.alpha = alpha
        self.alpha_ratio = alpha_ratio
        self.exclude = exclude
        self.l1_ratio = l1_ratio
        self.n_alphas = n_alphas
        self.n_folds = n_folds
        self.block_years = block_years
        self.max_iter = max_iter
        self.tol = tol

    def select(self, X, y01: np.ndarray, folds) -> tuple[dict, np.ndarray, np.ndarray]:
        """Choose alpha by log loss pooled over the time-ordered folds.

        Returns the choice, the held-out risks at that choice and the rows they belong to."""
        Xa = np.asarray(X, dtype=float)[:, validation.kept_columns(X, self.exclude)]
        y01 = np.asarray(y01, dtype=float)
        if self.alpha is not None:
            alphas = np.array([self.alpha])
        else:  # one path for all folds, from the full window's scale
            alphas = alpha_path(_standardise(Xa, *_scaling(Xa)), y01, self.l1_ratio,
                                self.n_alphas, self.alpha_ratio)
        losses = np.zeros(len(alphas))
        preds = []
        for tr, val in folds:
            scaling = _scaling(Xa[tr])
            Z_tr, Z_val = _standardise(Xa[tr], *scaling), _standardise(Xa[val], *scaling)
            w, b = None, None
            fold_preds = []
            for i, a in enumerate(alphas):  # warm starts down the path
                w, b, _ = fit_logit(Z_tr, y01[tr], float(a), self.l1_ratio, w0=w, b0=b,
                                    max_iter=self.max_iter, tol=self.tol)
                p = _sigmoid(Z_val @ w + b)
                losses[i] += validation.log_loss(y01[val], p) * len(val)
                fold_preds.append(p)
            preds.append(fold_preds)
        best = int(np.argmin(losses))
        rows = np.concatenate([val for _, val in folds])
        return ({"alpha": float(alphas[best])},
                np.concatenate([fp[best] for fp in preds]), rows)

    def fit(self, X, y):
        years, Xa, y01 = validation.binary_fit_inputs(self, X, y)
        params = {"alpha": self.alpha if self.alpha is not None else DEFAULT_ALPHA}
        if self.alpha is None:
            folds = validation.usable_folds(
                validation.time_folds(len(y01), years, self.n_folds, self.block_years), y01)
            if folds:
                params, _, _ = self.select(X, y01, folds)
        return self._fit_with(X, y01, params)

    def _fit_with(self, X, y01: np.ndarray, params: dict):
        """Fit on all rows with chosen hyperparameters (used by fit and by ensembles)."""
        Xa = validate_data(self, X, ensure_all_finite="allow-nan", dtype=float)
        if not hasattr(self, "classes_"):
            self.classes_ = np.array([0, 1])
        self.kept_ = validation.kept_columns(X, self.exclude)
        Xa = Xa[:, self.kept_]
        self.alpha_ = float(params["alpha"])
        self.median_, self.mean_, self.scale_ = _scaling(Xa)
        self.coef_, self.intercept_, self.n_iter_ = fit_logit(
            self.standardise(Xa), y01, self.alpha_, self.l1_ratio, max_iter=self.max_iter,
            tol=self.tol)
        return self

    def frozen_params(self) -> dict:
        """set_params arguments that refit this model with the same choices and no tuning."""
        check_is_fitted(self, "coef_")
        return {"alpha": self.alpha_}

    def standardise(self, X) -> np.ndarray:
        return _standardise(np.asarray(X, dtype=float), self.median_, self.mean_, self.scale_)

    def _checked(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        A = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=float)
        return A[:, self.kept_]

    def decision_function(self, X) -> np.ndarray:
        return self.standardise(self._checked(X)) @ self.coef_ + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        p = _sigmoid(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(int)]

    def contributions(self, X) -> tuple[np.ndarray, float]:
        """Per-row, per-predictor contributions to the logit and the intercept; each row's
        contributions plus the intercept equal its logit (decision_function)."""
        A = self._checked(X)
        out = np.zeros((A.shape[0], self.n_features_in_))
        out[:, self.kept_] = self.standardise(A) * self.coef_
        return out, float(self.intercept_)
