"""Optional feature sets from the human-rights, coup, campaign and regime sources (issue 25).

Each set is built from rows with year <= T only (lags look backwards), and is MISSING (NaN) in
every year after its source's last complete year (`frame.attrs["last_year"]` set by the
reader) and before its first: a source that stops in 2020 says nothing about 2024, and the
model, which handles missing values, still forecasts from 2024. Inside a source's coverage a
country-year the source does not list is missing too for the panels (PTS, CIRIGHTS, Fariss,
TMK, coups, REIGN) and "no campaign" (zero) for NAVCO, which lists campaigns, not countries.

Every set's columns share a prefix (SETS), so a model takes or leaves a whole set; which sets
the default model uses is decided on the development origins (benchmarks/forecast_dev.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from forewarn.data import readers

# set name → (column prefix, raw file)
SETS: dict[str, tuple[str, str]] = {
    "pts": ("pts_", readers.PTS),
    "cirights": ("cir_", readers.CIRIGHTS),
    "lhrs": ("lhrs_", readers.LHRS),
    "tmk": ("tmk_", readers.TMK),
    "coups": ("coup_", readers.COUPS),
    "navco": ("navco_", readers.NAVCO),
    "reign": ("reign_", readers.REIGN),
}
READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "pts": readers.read_pts, "cirights": readers.read_cirights, "lhrs": readers.read_lhrs,
    "tmk": readers.read_tmk, "coups": readers.read_coups, "navco": readers.read_navco,
    "reign": readers.read_reign,
}
HISTORY_CAP = 60.0  # "years since" for a country with no event in the source's record


def load(raw_dir: Path) -> dict[str, pd.DataFrame]:
    return {name: READERS[name](Path(raw_dir) / SETS[name][1]) for name in SETS}


def _on_panel(base: pd.DataFrame, frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = base[["iso3", "year"]].merge(frame[["iso3", "year", *cols]], on=["iso3", "year"],
                                       how="left")
    out.index = base.index
    return out


def _lag(frame: pd.DataFrame, column: str, k: int = 1) -> pd.Series:
    prev = frame[["iso3", "year", column]].assign(year=frame["year"] + k)
    merged = frame[["iso3", "year"]].merge(prev, on=["iso3", "year"], how="left")
    return pd.Series(merged[column].to_numpy(), index=frame.index)


def _coverage(base: pd.DataFrame, source: pd.DataFrame, first: int | None = None) -> pd.Series:
    """Years from the source's first to its last complete year (the reader's attrs)."""
    first = int(source["year"].min()) if first is None else first
    return base["year"].between(first, int(source.attrs["last_year"]))


def _mask(out: pd.DataFrame, covered: pd.Series) -> pd.DataFrame:
    out.loc[~covered.to_numpy(), :] = np.nan
    return out


def _years_since(base: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """Years from the last event year <= T (events: iso3, year) to T; HISTORY_CAP if none."""
    by_country = {k: np.sort(g["year"].to_numpy()) for k, g in events.groupby("iso3")}
    out = np.full(len(base), HISTORY_CAP)
    for i, (iso, t) in enumerate(zip(base["iso3"], base["year"], strict=True)):
        ys = by_country.get(iso)
        if ys is None:
            continue
        j = np.searchsorted(ys, t, side="right")
        if j:
            out[i] = min(t - ys[j - 1], HISTORY_CAP)
    return out


def pts_features(base: pd.DataFrame, pts: pd.DataFrame) -> pd.DataFrame:
    """The worst of the three reports' scores in T (1-5), their mean, and the change of the
    worst since T-1."""
    f = _on_panel(base, pts, ["pts_a", "pts_h", "pts_s"])
    f["pts_max"] = f[["pts_a", "pts_h", "pts_s"]].max(axis=1)
    out = pd.DataFrame({"pts_max": f["pts_max"],
                        "pts_mean": f[["pts_a", "pts_h", "pts_s"]].mean(axis=1)})
    out["pts_max_chg"] = f["pts_max"] - _lag(f, "pts_max")
    return _mask(out, _coverage(base, pts))


def cirights_features(base: pd.DataFrame, cir: pd.DataFrame) -> pd.DataFrame:
    """Physical-integrity sum (0-8, higher = more respect) and its change, extrajudicial
    killing and disappearance scores (0-2), and the atrocity intensity (0-3)."""
    f = _on_panel(base, cir, ["physint_sum", "kill", "disap", "bbatrocity_intensity"])
    out = pd.DataFrame({"cir_physint": f["physint_sum"], "cir_kill": f["kill"],
                        "cir_disap": f["disap"], "cir_atrocity": f["bbatrocity_intensity"]})
    out["cir_physint_chg"] = f["physint_sum"] - _lag(f, "physint_sum")
    return _mask(out, _coverage(base, cir))


def lhrs_features(base: pd.DataFrame, lhrs: pd.DataFrame) -> pd.DataFrame:
    """Fariss latent protection score of T, its uncertainty, and its change over one and three
    years (a fall = worsening)."""
    f = _on_panel(base, lhrs, ["theta_mean", "theta_sd"])
    out = pd.DataFrame({"lhrs_theta": f["theta_mean"], "lhrs_theta_sd": f["theta_sd"]})
    out["lhrs_theta_chg"] = f["theta_mean"] - _lag(f, "theta_mean")
    out["lhrs_theta_chg3"] = f["theta_mean"] - _lag(f, "theta_mean", 3)
    return _mask(out, _coverage(base, lhrs))


def tmk_features(base: pd.DataFrame, tmk: pd.DataFrame) -> pd.DataFrame:
    """A targeted mass killing under way in T, one that began in T, years since the last
    TMK year, and TMK years in T-9..T."""
    f = _on_panel(base, tmk, ["tmk"])
    prev = _lag(f, "tmk")
    out = pd.DataFrame({"tmk_ongoing": f["tmk"]})
    out["tmk_new"] = ((f["tmk"] == 1) & (prev.fillna(0) == 0)).astype(float).where(
        f["tmk"].notna())
    on = tmk[tmk["tmk"] == 1]
    out["tmk_years_since"] = _years_since(base, on)
    lags = pd.concat([f["tmk"]] + [_lag(f, "tmk", k) for k in range(1, 10)], axis=1)
    out["tmk_years10"] = lags.sum(axis=1, min_count=1)
    return _mask(out, _coverage(base, tmk))


def coup_features(base: pd.DataFrame, coups: pd.DataFrame) -> pd.DataFrame:
    """Failed and successful coup attempts in T, attempts in T-4..T, years since the last."""
    f = _on_panel(base, coups, ["coups_failed", "coups_successful"])
    f["attempts"] = f["coups_failed"] + f["coups_successful"]
    out = pd.DataFrame({"coup_failed": f["coups_failed"],
                        "coup_successful": f["coups_successful"]})
    lags = pd.concat([f["attempts"]] + [_lag(f, "attempts", k) for k in range(1, 5)], axis=1)
    out["coup_attempts5"] = lags.sum(axis=1, min_count=1)
    attempts = coups[(coups["coups_failed"] + coups["coups_successful"]) > 0]
    attempts = attempts[attempts["year"] <= coups.attrs.get("last_year", attempts["year"].max())]
    out["coup_years_since"] = _years_since(base, attempts)
    return _mask(out, _coverage(base, coups))


def navco_features(base: pd.DataFrame, navco: pd.DataFrame) -> pd.DataFrame:
    """Maximalist campaigns under way in T (begun by T and not ended before T): violent,
    nonviolent, secessionist; and whether one began in T."""
    cols = {"navco_violent": 0.0, "navco_nonviolent": 0.0, "navco_secession": 0.0,
            "navco_new": 0.0}
    rows = {}
    for c in navco.itertuples(index=False):
        for t in range(c.start_year, c.end_year + 1):
            r = rows.setdefault((c.iso3, t), dict(cols))
            r["navco_violent"] += c.viol
            r["navco_nonviolent"] += c.nonviol
            r["navco_secession"] += c.secession
            r["navco_new"] = max(r["navco_new"], float(t == c.start_year))
    frame = pd.DataFrame([{"iso3": k[0], "year": k[1], **v} for k, v in rows.items()])
    out = _on_panel(base, frame, list(cols)).drop(columns=["iso3", "year"]).fillna(0.0)
    return _mask(out, _coverage(base, navco, first=1946))


REGIME_FAMILIES = ("democracy", "party", "personal", "military", "monarchy")


def reign_features(base: pd.DataFrame, reign: pd.DataFrame) -> pd.DataFrame:
    """The regime family at the end of T (one indicator each; "other" = none of them), a
    regime change during T, and the log2 of the current regime's age in years."""
    f = _on_panel(base, reign, ["regime_family", "start_year", "regime_spells"])
    known = f["regime_family"].notna()
    out = pd.DataFrame(index=base.index)
    for fam in REGIME_FAMILIES:
        out[f"reign_{fam}"] = (f["regime_family"] == fam).astype(float).where(known)
    out["reign_changed"] = (f["regime_spells"] > 1).astype(float).where(known)
    out["reign_age_log2"] = np.log2(1.0 + (f["year"] - f["start_year"]).clip(lower=0))
    return _mask(out, _coverage(base, reign))


BUILDERS: dict[str, Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]] = {
    "pts": pts_features, "cirights": cirights_features, "lhrs": lhrs_features,
    "tmk": tmk_features, "coups": coup_features, "navco": navco_features,
    "reign": reign_features,
}


def build(base: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every available set's features for the panel rows of `base` (iso3, year)."""
    parts = [BUILDERS[name](base, frame) for name, frame in frames.items()]
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=base.index)


def prefixes(names) -> tuple[str, ...]:
    return tuple(SETS[n][0] for n in names)
