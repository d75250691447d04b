"""The EWP's fully-out-of-sample protocol: rolling origins, and scoring by outcome year.

Origin T (1993..2023): fit on country-years <= T-2 (their target, an onset in the next two
years, is known by the end of T), predict every country of year T. Outcome year Y is scored
as the EWP does: the score is the larger of the risks from T = Y-1 and T = Y-2, the rank the
smaller of their ranks, and the truth is mk_onset(Y).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from forewarn.data import readers
from forewarn.forecast.features import TARGET

FIRST_ORIGIN = 1993
LAST_ORIGIN = 2023
GAP = 2  # the target of year t needs t+1 and t+2, so a model at T can learn from t <= T-2
PREDICTION_COLUMNS = ["ccode", "ewp_name", "year", "risk", "rank"]


class Backtest(NamedTuple):
    predictions: pd.DataFrame  # iso3, ccode, ewp_name, year (origin), risk, rank
    seconds: float  # wall clock
    cpu_seconds: float  # this process's CPU time


def origins(first: int = FIRST_ORIGIN, last: int = LAST_ORIGIN) -> list[int]:
    return list(range(first, last + 1))


def training_rows(panel: pd.DataFrame, origin: int, gap: int = GAP) -> pd.DataFrame:
    """Rows a model at origin T may learn from: years <= T-gap with a known target."""
    return panel[(panel["year"] <= origin - gap) & panel[TARGET].notna()]


def rank_within_year(frame: pd.DataFrame, column: str = "risk") -> pd.Series:
    """1 = highest risk of its year; ties broken by order of appearance (stable)."""
    return frame.groupby("year")[column].rank(ascending=False, method="first").astype(int)


def fit_origin(model, panel: pd.DataFrame, origin: int, features: list[str],
               gap: int = GAP, params: dict | None = None):
    """A fresh clone of `model` (with `params` set) fitted on what origin T may learn from."""
    train = training_rows(panel, origin, gap)
    est = clone(model)
    if params:
        est.set_params(**params)
    with threadpool_limits(1):  # BLAS threads only fight each other on a 2-core machine
        est.fit(train[features], train[TARGET].astype(int))
    return est


def predict_origin(model, panel: pd.DataFrame, origin: int, features: list[str],
                   gap: int = GAP, params: dict | None = None) -> tuple[pd.DataFrame, object]:
    """Fit for origin T; return the risks for the countries of year T and the fitted model."""
    est = fit_origin(model, panel, origin, features, gap, params)
    test = panel[panel["year"] == origin]
    out = test[["iso3", "ccode", "ewp_name", "year"]].copy()
    out["risk"] = est.predict_proba(test[features])[:, 1]
    return out, est


def rolling_backtest(model, panel: pd.DataFrame, features: list[str],
                     years: Iterable[int] | None = None, retune_every: int = 1,
                     on_origin: Callable[[int], None] | None = None) -> Backtest:
    """Predictions for every origin ranked within year, the wall-clock seconds the fits took,
    and the process CPU seconds (which do not depend on what else the machine is running).

    With retune_every=k the hyperparameters (and calibration) are chosen afresh at every k-th
    origin, inside that origin's window, and reused by the next k-1 origins: a choice made
    from years <= T-2 is still blind to every year later origins are scored on."""
    start, cpu = time.perf_counter(), time.process_time()
    parts = []
    frozen: dict | None = None
    for i, origin in enumerate(years if years is not None else origins()):
        tune = retune_every <= 1 or i % retune_every == 0 or frozen is None
        out, est = predict_origin(model, panel, origin, features,
                                  params=None if tune else frozen)
        if tune and retune_every > 1 and hasattr(est, "frozen_params"):
            frozen = est.frozen_params()
        parts.append(out)
        if on_origin is not None:
            on_origin(origin)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    preds = pd.concat(parts, ignore_index=True)
    preds["rank"] = rank_within_year(preds)
    return Backtest(preds, seconds, cpu)


def read_foos(path: Path) -> pd.DataFrame:
    """EWP's published FOOS file as scored rows: year (outcome Y), ccode, mk_onset, risk, rank.

    Rows without a risk (countries with no prediction from Y-1) are not evaluated, as in
    EWP's own scoring; that leaves 5,032 country-years with 39 onsets for 1994-2024."""
    foos = readers.read_ewp_foos(path)
    foos = foos[foos["maxrisk2"].notna()]
    out = foos[["year", "ccode", "ewp_name", "mk_onset"]].copy()
    out["risk"] = foos["maxrisk2"].astype(float)
    out["rank"] = foos["minrank2"].astype(float)
    return out.reset_index(drop=True)


def score_like_ewp(predictions: pd.DataFrame, evaluated: pd.DataFrame) -> pd.DataFrame:
    """Score origin-year predictions (ccode, year=T, risk, rank) on the outcome-year rows of
    `evaluated` (year=Y, ccode, mk_onset): risk = max over T in {Y-1, Y-2}, rank = min.

    A country-year without a prediction from Y-1 raises: the comparison must use exactly the
    same rows as the EWP's."""
    p = predictions[["ccode", "year", "risk", "rank"]]
    rows = evaluated[["year", "ccode", "mk_onset"]].copy()
    risks, ranks = [], []
    for lag in (1, 2):
        m = rows.assign(year=rows["year"] - lag).merge(p, on=["ccode", "year"], how="left")
        risks.append(m["risk"].to_numpy())
        ranks.append(m["rank"].to_numpy(dtype=float))
    missing = np.isnan(risks[0])
    if missing.any():
        first = rows[missing].iloc[0]
        raise ValueError(f"{int(missing.sum())} evaluated country-years have no prediction from "
                         f"the year before (first: ccode {first['ccode']}, year {first['year']})")
    rows["risk"] = np.fmax(risks[0], risks[1])
    rows["rank"] = np.fmin(ranks[0], ranks[1])
    return rows
