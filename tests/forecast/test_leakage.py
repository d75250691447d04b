"""A model at origin T cannot see anything from T+1 on: scramble every source's later years
and the year-T predictions do not move (and scrambling an earlier year does move them)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from forewarn.data.readers import CIRIGHTS_RANGES
from forewarn.forecast import features, predictor_sets, protocol, registry

ORIGIN = 2010


def scramble_after(sources: features.Sources, year: int, seed: int = 0) -> features.Sources:
    """Every row of every source dated after `year` replaced by noise; episodes that start
    later invented, the ends of those still going in `year` moved (but kept after it)."""
    rng = np.random.default_rng(seed)

    def noise(frame: pd.DataFrame, cols: list[str], scale: float) -> pd.DataFrame:
        frame = frame.copy()
        later = frame["year"] > year
        for c in cols:
            frame.loc[later, c] = rng.random(int(later.sum())) * scale
        return frame

    ewp = noise(sources.ewp, features.ewp_columns(sources.ewp), 10.0)
    later = ewp["year"] > year
    ewp.loc[later, "mk_onset"] = (rng.random(int(later.sum())) < 0.2).astype(int)
    ucdp = noise(sources.ucdp, ["state_based_deaths", "non_state_deaths",
                                "one_sided_govt_deaths", "one_sided_nonstate_deaths"], 1e5)
    disp = noise(sources.displacement, ["refugees", "asylum_seekers", "idps",
                                        "idmc_conflict_idps"], 1e6)
    ep = sources.episodes.copy()
    going = ep["end_year"].isna() | (ep["end_year"] > year)
    ep.loc[going & (ep["start_year"] <= year), "end_year"] = year + 1 + rng.integers(0, 5)
    invented = ep.sample(20, random_state=seed).assign(
        start_year=year + 1 + rng.integers(0, 10, 20), end_year=np.nan,
        code=[f"fake{i}" for i in range(20)])
    ep = pd.concat([ep[ep["start_year"] <= year], invented], ignore_index=True)
    acd = sources.conflicts.copy()
    later = acd["year"] > year
    acd.loc[later, "intensity_level"] = rng.integers(1, 3, int(later.sum()))
    acd.loc[later, "incompatibility"] = rng.choice(["territory", "government"], int(later.sum()))
    acd.loc[later, "episode_start"] = acd.loc[later, "year"]
    wars = acd[~later].sample(30, random_state=seed).assign(
        year=year + 1 + rng.integers(0, 10, 30), conflict_id=-np.arange(1, 31))
    acd = pd.concat([acd, wars], ignore_index=True)
    return dataclasses.replace(sources, ewp=ewp, ucdp=ucdp, displacement=disp, episodes=ep,
                               conflicts=acd, predictors=_scramble_sets(sources.predictors,
                                                                        year, rng))


def _scramble_sets(sets: dict[str, pd.DataFrame], year: int, rng) -> dict[str, pd.DataFrame]:
    """Issue 25's sources rewritten after `year`: scores, counts and flags replaced by noise,
    regimes reshuffled, NAVCO campaigns that start later invented and the ends of those still
    going in `year` moved (kept after it)."""
    out = {}
    for name, frame in sets.items():
        frame = frame.copy()
        if name == "navco":
            going = (frame["start_year"] <= year) & (frame["end_year"] > year)
            frame.loc[going, "end_year"] = year + 1 + rng.integers(0, 3, int(going.sum()))
            late = frame["start_year"] > year
            frame.loc[late, "viol"] = rng.integers(0, 2, int(late.sum()))
            frame.loc[late, "nonviol"] = 1 - frame.loc[late, "viol"]
            new = frame[~late].sample(15, random_state=0).assign(
                start_year=year + 1, end_year=year + 3)
            out[name] = pd.concat([frame, new], ignore_index=True)
            out[name].attrs = frame.attrs
            continue
        later = frame["year"] > year
        n = int(later.sum())
        numeric = {"pts": (["pts_a", "pts_h", "pts_s"], 1, 6),
                   "cirights": (list(CIRIGHTS_RANGES), 0, 3), "tmk": (["tmk"], 0, 2),
                   "coups": (["coups_failed", "coups_successful"], 0, 3),
                   "reign": (["regime_spells"], 1, 3)}
        if name == "lhrs":
            frame.loc[later, "theta_mean"] = rng.normal(0, 2, n)
            frame.loc[later, "theta_sd"] = rng.random(n)
        else:
            cols, lo, hi = numeric[name]
            for c in cols:
                frame.loc[later, c] = rng.integers(lo, hi, n)
        if name == "reign":
            frame.loc[later, "regime_family"] = rng.choice(predictor_sets.REGIME_FAMILIES, n)
            frame.loc[later, "start_year"] = frame.loc[later, "year"] - rng.integers(0, 3, n)
        out[name] = frame
    return out



def _predict(panel: pd.DataFrame, origin: int, model: str = registry.DEFAULT_MODEL
             ) -> pd.DataFrame:
    spec = registry.get(model)
    out, _ = protocol.predict_origin(spec.build(), panel, origin, spec.columns(panel))
    return out.set_index("iso3")["risk"]


@pytest.mark.realdata
def test_later_years_cannot_change_a_forecast(sources, panel):
    scrambled = features.build_panel(scramble_after(sources, ORIGIN))
    cols = features.feature_columns(panel, neighbours=True, conflicts=True,
                                    sets=tuple(predictor_sets.SETS))
    now = panel[panel["year"] <= ORIGIN].reset_index(drop=True)
    then = scrambled[scrambled["year"] <= ORIGIN].reset_index(drop=True)
    # Every feature of every year <= T is the same after the future was rewritten...
    pd.testing.assert_frame_equal(now[features.KEYS + cols], then[features.KEYS + cols])
    # ...the scramble did reach what a careless pipeline could have used (targets of T-1, T)...
    t_rows = panel["year"].isin([ORIGIN - 1, ORIGIN])
    assert not panel.loc[t_rows, features.TARGET].equals(scrambled.loc[t_rows, features.TARGET])
    later, acd = panel["year"] > ORIGIN, [c for c in cols if c.startswith("acd_")]
    assert acd and not panel.loc[later, acd].equals(scrambled.loc[later, acd])
    for prefix, _ in predictor_sets.SETS.values():  # each new set was rewritten too
        new = [c for c in cols if c.startswith(prefix)]
        assert new and not panel.loc[later, new].equals(scrambled.loc[later, new]), prefix
    # ...and the forecast made at T is bit-for-bit the same.
    pd.testing.assert_series_equal(_predict(panel, ORIGIN), _predict(scrambled, ORIGIN))
    pd.testing.assert_series_equal(_predict(panel, ORIGIN, "ensemble-sets"),
                                   _predict(scrambled, ORIGIN, "ensemble-sets"))


@pytest.mark.realdata
def test_an_earlier_year_does_change_the_forecast(sources, panel):
    """The control: the same scramble applied from T-4 on must move the year-T risks,
    or the test above would prove nothing."""
    scrambled = features.build_panel(scramble_after(sources, ORIGIN - 4))
    before, after = _predict(panel, ORIGIN), _predict(scrambled, ORIGIN)
    assert not np.allclose(before.to_numpy(), after.to_numpy())
