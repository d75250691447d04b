"""Scores for rare-event risk rankings.

Conventions: `y` is 0/1, `p` a risk in [0, 1], `rank` 1 = highest risk within its year.
AUC, average precision and log loss are scikit-learn's (`sklearn.metrics`: AUC
counts ties as half; average precision is the step definition, precision at each distinct
threshold weighted by the recall gained there); here they only give NaN instead of an error
when a resample has no onset. The catch counts and calibration bands are Forewarn's own.
`bootstrap` scores resamples from counts per distinct risk (`_Resampled`), equal to sklearn's
figures but about 30 times faster than calling it per resample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn import metrics as skm

EPS = 1e-15


def auc(y, p) -> float:
    """Area under the ROC curve: P(risk of a random onset > risk of a random non-onset)."""
    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return float("nan")
    return float(skm.roc_auc_score(y, np.asarray(p, dtype=float)))


def average_precision(y, p) -> float:
    """Area under the precision-recall curve as a step function (AUPR)."""
    y = np.asarray(y, dtype=bool)
    if not y.any():
        return float("nan")
    return float(skm.average_precision_score(y, np.asarray(p, dtype=float)))


def onset_positions(y, p) -> pd.DataFrame:
    """Where each onset sits in the pooled list, best first: `row` (its index in y),
    `pooled_rank` (1 = the highest risk of all rows; a tie takes the best place) and
    `share_below` (the share of non-onsets with a lower risk, ties half). The mean of
    `share_below` is the AUC, so with few onsets it shows how far a single one moves it."""
    y = np.asarray(y, dtype=bool)
    p = np.asarray(p, dtype=float)
    neg = np.sort(p[~y])
    rows = np.flatnonzero(y)
    pooled = rankdata(-p, method="min")[rows]
    below = (np.searchsorted(neg, p[rows], "left")
             + np.searchsorted(neg, p[rows], "right")) / 2 / max(len(neg), 1)
    out = pd.DataFrame({"row": rows, "pooled_rank": pooled.astype(int), "share_below": below})
    return out.sort_values(["pooled_rank", "row"]).reset_index(drop=True)


def average_precision_best_first(y, p) -> float:
    """AUPR had the highest-ranked onset been the single highest risk of all rows: with few
    onsets, precision at the very top of the pooled list weighs most, so this shows how
    much of AUPR one country-year decides."""
    y = np.asarray(y, dtype=bool)
    p = np.asarray(p, dtype=float).copy()
    if not y.any():
        return float("nan")
    best = np.flatnonzero(y)[np.argmax(p[y])]
    p[best] = p.max() + 1.0
    return average_precision(y, p)


def brier(y, p) -> float:
    # sklearn's brier_score_loss is the same mean, but refuses scores outside [0, 1], which
    # the bootstrap's comparisons of raw scores need.
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    return float(np.mean((p - y) ** 2))


def log_loss(y, p) -> float:
    # Risks of exactly 0 or 1 are clipped as before (sklearn clips only to machine epsilon).
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    return float(skm.log_loss(np.asarray(y, dtype=int), p, labels=[0, 1]))


def catch(y, rank, k: int) -> int:
    """How many onsets had a rank within the top k of their year."""
    y = np.asarray(y, dtype=bool)
    rank = np.asarray(rank, dtype=float)
    return int(np.sum(y & (rank <= k)))


def catch_by_year(scored: pd.DataFrame, ks=(10, 20, 30)) -> pd.DataFrame:
    """Per outcome year: onsets and how many were in the top k (columns top10, top20, ...)."""
    rows = []
    for year, g in scored.groupby("year"):
        row = {"year": int(year), "onsets": int(g["mk_onset"].sum())}
        for k in ks:
            row[f"top{k}"] = catch(g["mk_onset"], g["rank"], k)
        rows.append(row)
    return pd.DataFrame(rows)


CAL_EDGES = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 1.0)


def calibration_table(y, p, edges=CAL_EDGES) -> pd.DataFrame:
    """Per risk band: country-years, mean predicted risk, observed onset rate and onsets."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    band = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for b in range(len(edges) - 1):
        m = band == b
        rows.append({"low": edges[b], "high": edges[b + 1], "n": int(m.sum()),
                     "mean_risk": float(p[m].mean()) if m.any() else float("nan"),
                     "observed": float(y[m].mean()) if m.any() else float("nan"),
                     "onsets": int(y[m].sum())})
    return pd.DataFrame(rows)


# name → (function of (y, score, rank), higher is better)
METRICS = {
    "auc": (lambda y, p, r: auc(y, p), True),
    "aupr": (lambda y, p, r: average_precision(y, p), True),
    "brier": (lambda y, p, r: brier(y, p), False),
    "log_loss": (lambda y, p, r: log_loss(y, p), False),
    "top10": (lambda y, p, r: catch(y, r, 10), True),
    "top20": (lambda y, p, r: catch(y, r, 20), True),
    "top30": (lambda y, p, r: catch(y, r, 30), True),
}


def score_all(y, p, rank) -> dict[str, float]:
    return {name: float(f(y, p, rank)) for name, (f, _) in METRICS.items()}


class _Resampled:
    """One scorer's metrics on bootstrap resamples, equal to `score_all` on the resampled rows
    (tests/forecast/test_metrics.py checks it against sklearn to 1e-12) but without a sort or
    sklearn's input checks per resample: rows are sorted by risk once, and a resample is the
    number of times each row was drawn. AUC and AUPR then come from the onsets and
    non-onsets drawn per distinct risk (a tie block is one threshold, as in sklearn)."""

    def __init__(self, y, p, rank):
        self.y = np.asarray(y, dtype=bool)
        self.p = np.asarray(p, dtype=float)
        self.rank = np.asarray(rank)
        self.order = np.argsort(-self.p, kind="stable")
        ordered = self.p[self.order]
        # Where each block of equal risks starts in the sorted rows, highest risk first.
        self.starts = np.r_[0, np.flatnonzero(np.diff(ordered)) + 1]
        q = np.clip(self.p, EPS, 1 - EPS)
        self.row_loss = np.where(self.y, -np.log(q), -np.log(1 - q))  # as sklearn's log_loss

    def score(self, yb, idx, weight) -> dict[str, float]:
        w = weight[self.order]
        onsets = np.add.reduceat(np.where(self.y[self.order], w, 0), self.starts)
        others = np.add.reduceat(np.where(self.y[self.order], 0, w), self.starts)
        pb = self.p[idx]
        return {"auc": _auc_from_counts(onsets, others),
                "aupr": _ap_from_counts(onsets, others),
                "brier": brier(yb, pb), "log_loss": float(np.mean(self.row_loss[idx])),
                **{f"top{k}": catch(yb, self.rank[idx], k) for k in (10, 20, 30)}}


def _auc_from_counts(onsets, others) -> float:
    """AUC from onsets and non-onsets per risk block (highest first); ties count half."""
    n_on, n_off = onsets.sum(), others.sum()
    if n_on == 0 or n_off == 0:
        return float("nan")
    below = n_off - np.cumsum(others)  # non-onsets with a strictly lower risk
    return float(np.sum(onsets * (below + 0.5 * others)) / (n_on * n_off))


def _ap_from_counts(onsets, others) -> float:
    """Step AUPR from onsets and non-onsets per risk block (highest first): precision at each
    block holding onsets, weighted by the share of onsets it adds."""
    n_on = onsets.sum()
    if n_on == 0:
        return float("nan")
    tp = np.cumsum(onsets)
    seen = tp + np.cumsum(others)
    hit = onsets > 0
    return float(np.sum(onsets[hit] / n_on * tp[hit] / seen[hit]))


def _resample(y: np.ndarray, rng: np.random.Generator, mode: str) -> np.ndarray:
    n = len(y)
    if mode == "country_years":
        return rng.integers(0, n, n)
    # "onsets": keep every non-onset, resample the onsets (the scarce, noisy part).
    pos = np.flatnonzero(y)
    neg = np.flatnonzero(~y)
    return np.r_[neg, rng.choice(pos, len(pos), replace=True)]


def bootstrap(y, scores: dict[str, tuple], n: int = 1000, mode: str = "country_years",
              seed: int = 0) -> dict:
    """Bootstrap every metric for several scorers on the same resamples.

    `scores` maps a scorer name to (risk, rank). Returns, per scorer and metric, the 2.5%/97.5%
    interval, and per metric the probability that the first scorer beats each other one
    (ties count half)."""
    y = np.asarray(y, dtype=bool)
    rng = np.random.default_rng(seed)
    names = list(scores)
    draws = {s: {m: np.empty(n) for m in METRICS} for s in names}
    resampled = {s: _Resampled(y, *scores[s]) for s in names}
    for b in range(n):
        idx = _resample(y, rng, mode)
        yb = y[idx]
        weight = np.bincount(idx, minlength=len(y))  # how often each row was drawn
        for s in names:
            for m, v in resampled[s].score(yb, idx, weight).items():
                draws[s][m][b] = v
    out = {"mode": mode, "n": n, "interval": {}, "p_better": {}}
    for s in names:
        out["interval"][s] = {m: (float(np.nanpercentile(d, 2.5)),
                                  float(np.nanpercentile(d, 97.5)))
                              for m, d in draws[s].items()}
    first = names[0]
    for other in names[1:]:
        out["p_better"][other] = {}
        for m, (_, higher) in METRICS.items():
            a, b = draws[first][m], draws[other][m]
            diff = a - b if higher else b - a
            out["p_better"][other][m] = float(np.mean(diff > 0) + 0.5 * np.mean(diff == 0))
    return out


# Goldsmith et al. (2013): the share of onsets that fall in each year's top 5% of risk. It
# asks what a watch list of a fixed share of countries catches, year after year.
TOP_SHARE = 0.05


def year_cutoffs(years, share: float = TOP_SHARE) -> np.ndarray:
    """Per row: the rank cut-off of its year's top `share` (ceil(share x rows that year))."""
    years = pd.Series(np.asarray(years))
    counts = years.map(years.value_counts())
    return np.ceil(share * counts.to_numpy(dtype=float)).astype(int)


def top_share_caught(y, rank, cut) -> float:
    """Share of onsets whose within-year rank is inside their year's cut-off."""
    y = np.asarray(y, dtype=bool)
    if not y.any():
        return float("nan")
    hit = np.asarray(rank, dtype=float) <= np.asarray(cut, dtype=float)
    return float(np.mean(hit[y]))


def bootstrap_top_share(y, scores: dict[str, tuple], n: int = 1000,
                        mode: str = "country_years", seed: int = 0) -> dict:
    """`bootstrap` for top_share_caught: `scores` maps a scorer to (rank, cut); the same seed
    and mode draw the same resamples as `bootstrap`. Returns the 95% interval per scorer and
    P(first scorer better) against each other one (ties half)."""
    y = np.asarray(y, dtype=bool)
    rng = np.random.default_rng(seed)
    draws = {s: np.empty(n) for s in scores}
    for b in range(n):
        idx = _resample(y, rng, mode)
        for s, (rank, cut) in scores.items():
            draws[s][b] = top_share_caught(y[idx], np.asarray(rank)[idx], np.asarray(cut)[idx])
    names = list(scores)
    out = {"n": n, "mode": mode,
           "interval": {s: (float(np.nanpercentile(d, 2.5)), float(np.nanpercentile(d, 97.5)))
                        for s, d in draws.items()},
           "p_better": {}}
    for other in names[1:]:
        diff = draws[names[0]] - draws[other]
        out["p_better"][other] = float(np.mean(diff > 0) + 0.5 * np.mean(diff == 0))
    return out
