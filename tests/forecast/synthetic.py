"""Small constructed panels for unit tests (no real data)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def classification_frame(n_countries: int = 40, years=range(1970, 2001), seed: int = 0,
                         n_features: int = 5) -> tuple[pd.DataFrame, pd.Series]:
    """Country-years with a `year` column, a few predictors (one with gaps) and a rare binary
    outcome driven by the first two predictors."""
    rng = np.random.default_rng(seed)
    rows = []
    for _country in range(n_countries):
        base = rng.normal(size=n_features)
        for y in years:
            rows.append([y, *(base + 0.3 * rng.normal(size=n_features))])
    X = pd.DataFrame(rows, columns=["year", *[f"x{i}" for i in range(n_features)]])
    X.loc[rng.random(len(X)) < 0.05, "x2"] = np.nan
    logit = -3.5 + 1.2 * X["x0"] - 0.8 * X["x1"]
    y = pd.Series((rng.random(len(X)) < 1 / (1 + np.exp(-logit))).astype(int), name="y")
    return X, y


def ewp_like_panel(years=range(1985, 2001), countries=("AAA", "BBB", "CCC"),
                   onsets: dict | None = None) -> pd.DataFrame:
    """An EWP-style table (iso3, ccode, ewp_name, year, mk_onset, two predictors)."""
    onsets = onsets or {("AAA", 1990): 1, ("BBB", 1996): 1, ("CCC", 2000): 1}
    rows = []
    for k, iso in enumerate(countries):
        for y in years:
            rows.append({"iso3": iso, "ccode": 100 + k, "ewp_name": f"Country {iso}",
                         "year": y, "mk_onset": onsets.get((iso, y), 0),
                         "popsize.log2": 20.0 + k + 0.01 * (y - 1985),
                         "battledeaths.log2": float((y + k) % 4),
                         "mk_onset_1or2": 0, "mk_onset_1": 0.0, "mk_onset_2": 0.0})
    return pd.DataFrame(rows)
