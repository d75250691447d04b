"""Other labels of a mass-killing onset, to test how much a backtest's verdict hangs on the
EWP's own coding (issue 25).

- "ewp": the EWP's mk_onset (1,000+ civilians deliberately killed by an armed group in a
  year, a new episode), 1994-2024.
- "tmk": an onset of a Targeted Mass Killing (Butcher et al. 2020): tmk = 1 in year Y and 0
  in Y-1; the label ends in 2020.
- "ucdp_os1000": UCDP one-sided violence (by governments and by non-state groups) reaching
  1,000 deaths (best estimate) in year Y after a year below it; from 1990 (UCDP's file
  starts in 1989 and an onset needs the year before).

`relabel` puts one of these on the EWP-scored rows (year Y, ccode, risk, rank): rows whose
country-year the label does not cover are dropped, never counted as "no onset".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from forewarn.data import countries, readers
from forewarn.forecast.features import TARGET

OS_THRESHOLD = 1000.0
LABELS = {
    "ewp": "EWP mass-killing onset",
    "tmk": "Targeted Mass Killing onset (to 2020)",
    "ucdp_os1000": "UCDP one-sided violence >= 1,000 deaths, new (from 1990)",
}


def _onsets(frame: pd.DataFrame, flag: str) -> pd.DataFrame:
    """onset(Y) = flag(Y) and not flag(Y-1); Y-1 absent from the source means unknown."""
    prev = frame[["iso3", "year", flag]].assign(year=frame["year"] + 1)
    merged = frame[["iso3", "year", flag]].merge(prev, on=["iso3", "year"], how="left",
                                                 suffixes=("", "_prev"))
    known = merged[f"{flag}_prev"].notna()
    merged["onset"] = ((merged[flag] == 1) & (merged[f"{flag}_prev"] == 0)).astype(float)
    return merged.loc[known, ["iso3", "year", "onset"]].reset_index(drop=True)


def tmk_onsets(tmk: pd.DataFrame) -> pd.DataFrame:
    """From readers.read_tmk: iso3, year, onset (0/1)."""
    return _onsets(tmk, "tmk")


def ucdp_one_sided_onsets(ucdp: pd.DataFrame, threshold: float = OS_THRESHOLD) -> pd.DataFrame:
    """From readers.read_ucdp_country_year: iso3, year, onset (0/1)."""
    frame = ucdp[["iso3", "year"]].copy()
    frame["big"] = (ucdp["one_sided_deaths"].fillna(0.0) >= threshold).astype(float)
    return _onsets(frame, "big")


def load(raw_dir: Path) -> dict[str, pd.DataFrame]:
    raw_dir = Path(raw_dir)
    return {"tmk": tmk_onsets(readers.read_tmk(raw_dir / readers.TMK)),
            "ucdp_os1000": ucdp_one_sided_onsets(
                readers.read_ucdp_country_year(raw_dir / readers.UCDP_CY))}


def _iso3(ccodes, years) -> list[str | None]:
    out = []
    for code, year in zip(ccodes, years, strict=True):
        c = countries.from_cow(int(code), int(year)) or countries.from_cow(int(code))
        out.append(c.iso3 if c else None)
    return out


def relabel(scored: pd.DataFrame, label: pd.DataFrame) -> pd.DataFrame:
    """The scored rows (year, ccode, risk, rank, ...) whose country-year `label` covers, with
    mk_onset replaced by the label's onset."""
    rows = scored.copy()
    rows["iso3"] = _iso3(rows["ccode"], rows["year"])
    rows = rows.drop(columns=["mk_onset"]).merge(label, on=["iso3", "year"], how="inner")
    rows["mk_onset"] = rows.pop("onset").astype(int)
    return rows.sort_values(["year", "ccode"]).reset_index(drop=True)


def aligned(scored: pd.DataFrame, other: pd.DataFrame, label: pd.DataFrame
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two scorers' rows relabelled on exactly the same country-years."""
    a, b = relabel(scored, label), relabel(other, label)
    keys = a[["year", "ccode"]].merge(b[["year", "ccode"]], on=["year", "ccode"])
    a = a.merge(keys, on=["year", "ccode"]).reset_index(drop=True)
    b = b.merge(keys, on=["year", "ccode"]).reset_index(drop=True)
    assert np.array_equal(a["mk_onset"], b["mk_onset"])
    return a, b


def with_label(panel: pd.DataFrame, onsets: pd.DataFrame) -> pd.DataFrame:
    """The modelling panel with mk_onset and the protocol's target taken from another label:
    target(T) = an onset in T+1 or T+2, missing unless the label covers both years (so a
    model is trained only on what that label says). Features are untouched."""
    on = onsets.set_index(["iso3", "year"])["onset"]
    out = panel.copy()
    keys = list(zip(out["iso3"], out["year"], strict=True))
    out["mk_onset"] = on.reindex(keys).to_numpy()
    leads = [on.reindex([(i, y + k) for i, y in keys]).to_numpy() for k in (1, 2)]
    target = np.fmax(leads[0], leads[1])
    target[np.isnan(leads[0]) | np.isnan(leads[1])] = np.nan
    out[TARGET] = target
    return out
