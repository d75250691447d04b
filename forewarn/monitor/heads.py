"""Scikit-learn estimators: shared TF-IDF features and NB-weighted logistic heads.

The baseline the issue asks for (character n-gram TF-IDF + linear model), strengthened in two
documented ways: naive-Bayes log-count-ratio feature weighting per output (Wang & Manning
2012, "NBSVM") and decision thresholds chosen on out-of-fold training predictions to maximise
F1 (binary, per label) or macro-F1 (multiclass, via per-class weights). Scores are rescaled so
that each output's chosen threshold sits at 0.5, which makes heads from different data sets
comparable and lets them be averaged.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold, StratifiedKFold

from forewarn.monitor.text import normalise

MIN_POSITIVES = 10
_WEIGHT_GRID = (0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0, 3.0)


class TextFeatures(BaseEstimator, TransformerMixin):
    """Character n-gram and word n-gram TF-IDF of the normalised text, as two vocabularies side
    by side. Default: word-bounded characters 1-5 and words 1-2 (the shared feature space)."""

    def __init__(self, char_max_features: int = 400_000, word_max_features: int = 200_000,
                 min_df: int = 2, char_analyzer: str = "char_wb",
                 char_ngrams: tuple[int, int] = (1, 5), word_ngrams: tuple[int, int] = (1, 2)):
        self.char_max_features = char_max_features
        self.word_max_features = word_max_features
        self.min_df = min_df
        self.char_analyzer = char_analyzer
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams

    def _vectorisers(self):
        return (
            TfidfVectorizer(analyzer=self.char_analyzer, ngram_range=tuple(self.char_ngrams),
                            min_df=self.min_df, sublinear_tf=True,
                            max_features=self.char_max_features, dtype=np.float32),
            TfidfVectorizer(analyzer="word", ngram_range=tuple(self.word_ngrams),
                            min_df=self.min_df, sublinear_tf=True,
                            max_features=self.word_max_features,
                            token_pattern=r"(?u)\b\w[\w']*\b", dtype=np.float32),
        )

    def __setstate__(self, state):
        # Models saved before these parameters existed used the defaults.
        defaults = {"char_analyzer": "char_wb", "char_ngrams": (1, 5), "word_ngrams": (1, 2)}
        self.__dict__.update({**defaults, **state})

    def fit(self, texts, y=None):
        norm = [normalise(t) for t in texts]
        self.char_, self.word_ = self._vectorisers()
        self.char_.fit(norm)
        self.word_.fit(norm)
        return self

    def transform(self, texts):
        norm = [normalise(t) for t in texts]
        return sp.hstack([self.char_.transform(norm), self.word_.transform(norm)]).tocsr()


def _nb_ratio(X, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    pos = np.asarray(X[y == 1].sum(0)).ravel() + alpha
    neg = np.asarray(X[y == 0].sum(0)).ravel() + alpha
    return np.log((pos / pos.sum()) / (neg / neg.sum())).astype(np.float32)


def _fit_binary(X, y: np.ndarray, C: float):
    r = _nb_ratio(X, y)
    # Dual liblinear: far fewer samples than n-gram features, and no stall on separable folds.
    lr = LogisticRegression(C=C, solver="liblinear", dual=True, class_weight="balanced",
                            max_iter=1000)
    lr.fit(X.multiply(r).tocsr(), y)
    return r, lr


def _proba_binary(model, X) -> np.ndarray:
    """P(y = 1): expit((X * r) . w + b) computed as X . (r * w) + b, with no scaled copy of X
    (the same numbers as lr.predict_proba, several times faster over 25 heads)."""
    r, lr = model
    z = X @ (r * lr.coef_.ravel()).astype(np.float64) + lr.intercept_[0]
    return expit(np.asarray(z).ravel())


def _best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    grid = np.linspace(0.05, 0.95, 91)
    pred = p[None, :] >= grid[:, None]
    tp = (pred & (y[None, :] == 1)).sum(1)
    f1s = 2 * tp / np.clip(pred.sum(1) + (y == 1).sum(), 1, None)
    return float(grid[int(np.argmax(f1s))])


def _macro_f1(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    """Macro-F1 over the K classes (sklearn.metrics.f1_score); a class neither true nor
    predicted counts 0."""
    return float(f1_score(y, pred, labels=list(range(k)), average="macro", zero_division=0))


# Per-class weights tried by the multiclass heads (Davidson's hate class needs up to ~3).
MULTICLASS_WEIGHT_GRID = tuple(float(g) for g in np.linspace(0.3, 4.0, 38))


def weighted_scores(P: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Class probabilities times the tuned per-class weights, renormalised: the scores whose
    argmax is the head's macro-F1-tuned prediction."""
    Q = P * weights
    return Q / np.clip(Q.sum(1, keepdims=True), 1e-9, None)


def tune_class_weights(y: np.ndarray, P: np.ndarray, grid=_WEIGHT_GRID,
                       rounds: int = 2) -> np.ndarray:
    """Per-class weights w maximising macro-F1 of argmax(P * w), by coordinate ascent. A rare
    class (Davidson's hate, 6% of tweets) gets predicted more often than its raw probability
    would allow, trading some precision for recall where that raises macro-F1."""
    w = np.ones(P.shape[1])
    for _ in range(rounds):
        for j in range(P.shape[1]):
            best = (-1.0, w[j])
            for g in grid:
                trial = w.copy()
                trial[j] = g
                f = _macro_f1(y, (P * trial).argmax(1), P.shape[1])
                if f > best[0] + 1e-9:
                    best = (f, g)
            w[j] = best[1]
    return w


def _rescale(p: np.ndarray, t: float) -> np.ndarray:
    """Piecewise-linear map sending 0 -> 0, t -> 0.5, 1 -> 1."""
    return np.where(p < t, 0.5 * p / t, 0.5 + 0.5 * (p - t) / (1 - t))


class NBLogitHead(BaseEstimator, ClassifierMixin):
    """One output group over precomputed features.

    kind "binary" (y 0/1), "multilabel" (y n x k) or "multiclass" (y class indices, one-vs-rest
    models whose probabilities are normalised). Outputs with fewer than MIN_POSITIVES training
    positives are not modelled and score NaN: no data, no guess."""

    def __init__(self, kind: str = "binary", C: float = 4.0, folds: int = 3,
                 random_state: int = 0):
        self.kind, self.C, self.folds, self.random_state = kind, C, folds, random_state

    def _columns(self, y: np.ndarray) -> np.ndarray:
        if self.kind == "multiclass":
            return np.eye(self.n_outputs_, dtype=int)[y]
        return y.reshape(len(y), -1)

    def _fit_all(self, X, Y: np.ndarray) -> list:
        return [_fit_binary(X, Y[:, j], self.C) if Y[:, j].sum() >= MIN_POSITIVES
                and (1 - Y[:, j]).sum() >= MIN_POSITIVES else None for j in range(Y.shape[1])]

    def _raw(self, models, X) -> np.ndarray:
        cols = [_proba_binary(m, X) if m is not None else np.full(X.shape[0], np.nan)
                for m in models]
        P = np.vstack(cols).T
        if self.kind == "multiclass":
            P = np.nan_to_num(P) / np.clip(np.nan_to_num(P).sum(1, keepdims=True), 1e-9, None)
        return P

    def fit(self, X, y):
        y = np.asarray(y)
        self.n_outputs_ = int(y.max()) + 1 if self.kind == "multiclass" else y.reshape(
            len(y), -1).shape[1]
        Y = self._columns(y)
        oof = np.zeros(Y.shape, dtype=float)
        strat = y if self.kind == "multiclass" else Y[:, 0]
        splitter = (StratifiedKFold(self.folds, shuffle=True, random_state=self.random_state)
                    if np.bincount(strat).min() >= self.folds else
                    KFold(self.folds, shuffle=True, random_state=self.random_state))
        for a, b in splitter.split(np.zeros(len(y)), strat):
            oof[b] = self._raw(self._fit_all(X[a], Y[a]), X[b])
        self.models_ = self._fit_all(X, Y)
        if self.kind == "multiclass":
            self.weights_ = self._tune_weights(y, oof)
        else:
            self.thresholds_ = [(_best_threshold(Y[:, j], oof[:, j])
                                 if m is not None else 0.5) for j, m in enumerate(self.models_)]
        return self

    def _tune_weights(self, y: np.ndarray, P: np.ndarray) -> np.ndarray:
        return tune_class_weights(y, P, _WEIGHT_GRID, rounds=2)

    def predict_proba(self, X) -> np.ndarray:
        """Raw per-output probabilities (NaN for unmodelled outputs)."""
        return self._raw(self.models_, X)

    def scores(self, X) -> np.ndarray:
        """Probabilities rescaled so the tuned decision point is 0.5 for every output."""
        P = self.predict_proba(X)
        if self.kind == "multiclass":
            return weighted_scores(P, self.weights_)
        return np.column_stack([_rescale(P[:, j], t) for j, t in enumerate(self.thresholds_)])

    def predict(self, X) -> np.ndarray:
        S = self.scores(X)
        if self.kind == "multiclass":
            return S.argmax(1)
        out = (np.nan_to_num(S, nan=0.0) >= 0.5).astype(int)
        return out[:, 0] if self.kind == "binary" else out


class SoftmaxHead(BaseEstimator, ClassifierMixin):
    """A multiclass head: one multinomial logistic regression (class-balanced), with per-class
    weights for macro-F1 chosen on out-of-fold predictions over the training split only (the
    test split is never looked at). Same interface as a multiclass NBLogitHead."""

    kind = "multiclass"

    def __init__(self, C: float = 1.0, folds: int = 5, random_state: int = 0):
        self.C, self.folds, self.random_state = C, folds, random_state

    def _fit(self, X, y):
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000).fit(X, y)

    def fit(self, X, y):
        y = np.asarray(y)
        self.n_outputs_ = int(y.max()) + 1
        oof = np.zeros((len(y), self.n_outputs_))
        for a, b in StratifiedKFold(self.folds, shuffle=True,
                                    random_state=self.random_state).split(np.zeros(len(y)), y):
            oof[b] = self._fit(X[a], y[a]).predict_proba(X[b])
        self.model_ = self._fit(X, y)
        self.weights_ = tune_class_weights(y, oof, MULTICLASS_WEIGHT_GRID, rounds=3)
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.model_.predict_proba(X)

    def scores(self, X) -> np.ndarray:
        return weighted_scores(self.predict_proba(X), self.weights_)

    def predict(self, X) -> np.ndarray:
        return self.scores(X).argmax(1)
