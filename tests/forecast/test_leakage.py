"""A model at origin T cannot see anything from T+1 on: scramble every source's later years
and the year-T predictions do not move (and scrambling an earlier year does move them)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from forewarn.forecast import features, protocol, registry

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
                               conflicts=acd)


def _predict(panel: pd.DataFrame, origin: int) -> pd.DataFrame:
    spec = registry.get(registry.DEFAULT_MODEL)
    out, _ = protocol.predict_origin(spec.build(), panel, origin, spec.columns(panel))
    return out.set_index("iso3")["risk"]


@pytest.mark.realdata
def test_later_years_cannot_change_a_forecast(sources, panel):
    scrambled = features.build_panel(scramble_after(sources, ORIGIN))
    cols = features.feature_columns(panel, neighbours=True, conflicts=True)
    now = panel[panel["year"] <= ORIGIN].reset_index(drop=True)
    then = scrambled[scrambled["year"] <= ORIGIN].reset_index(drop=True)
    # Every feature of every year <= T is the same after the future was rewritten...
    pd.testing.assert_frame_equal(now[features.KEYS + cols], then[features.KEYS + cols])
    # ...the scramble did reach what a careless pipeline could have used (targets of T-1, T)...
    t_rows = panel["year"].isin([ORIGIN - 1, ORIGIN])
    assert not panel.loc[t_rows, features.TARGET].equals(scrambled.loc[t_rows, features.TARGET])
    later, acd = panel["year"] > ORIGIN, [c for c in cols if c.startswith("acd_")]
    assert acd and not panel.loc[later, acd].equals(scrambled.loc[later, acd])
    # ...and the forecast made at T is bit-for-bit the same.
    pd.testing.assert_series_equal(_predict(panel, ORIGIN), _predict(scrambled, ORIGIN))


@pytest.mark.realdata
def test_an_earlier_year_does_change_the_forecast(sources, panel):
    """The control: the same scramble applied from T-4 on must move the year-T risks,
    or the test above would prove nothing."""
    scrambled = features.build_panel(scramble_after(sources, ORIGIN - 4))
    before, after = _predict(panel, ORIGIN), _predict(scrambled, ORIGIN)
    assert not np.allclose(before.to_numpy(), after.to_numpy())
