"""The modelling panel: one row per country-year T, features known at the end of T, the target.

Features are the EWP predictors of year T plus what the other real sources add: UCDP deaths
(state-based, non-state, one-sided by perpetrator) and their changes, UNHCR/IDMC displacement by
country of origin and its changes, the country's mass-killing episode history, the armed
conflicts its government fought (UCDP/PRIO, from 1946), and what is happening in its land
neighbours. Every derived
feature of year T is computed from rows with year <= T only (shifts look backwards, never
forwards), so rebuilding the panel after changing any later year leaves row T untouched.

The target `onset_1or2` of year T (a new onset in T+1 or T+2) is derived here from `mk_onset`,
so it is missing (NaN) where T+1 or T+2 lies beyond the last observed year.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from forewarn.data import readers
from forewarn.forecast import predictor_sets
from forewarn.forecast.neighbours import load_neighbours

KEYS = ["iso3", "ccode", "ewp_name", "year"]
TARGET = "onset_1or2"

UCDP_DEATHS = {
    "state_based_deaths": "ucdp_sb",
    "non_state_deaths": "ucdp_ns",
    "one_sided_govt_deaths": "ucdp_os_govt",
    "one_sided_nonstate_deaths": "ucdp_os_nsgroup",
}
# UCDP's country-year file starts in 1989; earlier years are unknown, not zero.
UCDP_FIRST_YEAR = 1989
# UNHCR origin statistics are thin before 1990: a missing origin-year counts as zero only after.
UNHCR_FIRST_YEAR = 1990


@dataclass(frozen=True)
class Sources:
    """The raw panels the features are built from (any but `ewp` may be None)."""

    ewp: pd.DataFrame
    ucdp: pd.DataFrame | None = None
    displacement: pd.DataFrame | None = None
    episodes: pd.DataFrame | None = None
    conflicts: pd.DataFrame | None = None
    neighbours: dict[str, frozenset[str]] | None = None
    # issue 25's optional sets (predictor_sets.SETS): set name → the reader's frame
    predictors: dict[str, pd.DataFrame] | None = None


def load_sources(raw_dir: Path) -> Sources:
    raw_dir = Path(raw_dir)
    return Sources(
        ewp=readers.read_ewp_predictors(raw_dir / readers.EWP_PREDICTORS),
        ucdp=readers.read_ucdp_country_year(raw_dir / readers.UCDP_CY),
        displacement=readers.read_displacement(raw_dir / readers.UNHCR_POPULATION,
                                               raw_dir / readers.IDMC_IDPS),
        episodes=readers.read_ewp_episodes(raw_dir / readers.EWP_EPISODES),
        conflicts=readers.read_armed_conflicts(raw_dir / readers.UCDP_ACD),
        neighbours=load_neighbours(),
        predictors=predictor_sets.load(raw_dir),
    )


def ewp_columns(ewp: pd.DataFrame) -> list[str]:
    skip = set(KEYS) | set(readers.EWP_OUTCOMES) | {"_row"}
    return [c for c in ewp.columns if c not in skip]


def _lag(frame: pd.DataFrame, column: str, k: int = 1) -> pd.Series:
    """Value of `column` k years earlier in the same country (NaN if that year is absent)."""
    prev = frame[["iso3", "year", column]].copy()
    prev["year"] = prev["year"] + k
    merged = frame[["iso3", "year"]].merge(prev, on=["iso3", "year"], how="left")
    return pd.Series(merged[column].to_numpy(), index=frame.index)


def _log2p(x: pd.Series) -> pd.Series:
    return np.log2(1.0 + x.clip(lower=0))


def _target(ewp: pd.DataFrame) -> pd.Series:
    """max(mk_onset[T+1], mk_onset[T+2]); a year missing inside the panel counts as no onset
    (the state had ceased to exist), a year beyond the panel's last year is unknown."""
    last = int(ewp["year"].max())
    on = ewp[["iso3", "year", "mk_onset"]]
    out = pd.Series(0.0, index=ewp.index)
    for k in (1, 2):
        nxt = on.copy()
        nxt["year"] = nxt["year"] - k
        lead = ewp[["iso3", "year"]].merge(nxt, on=["iso3", "year"], how="left")["mk_onset"]
        out = np.maximum(out, lead.fillna(0).to_numpy())
    out[ewp["year"].to_numpy() + 2 > last] = np.nan
    return pd.Series(np.asarray(out, dtype=float), index=ewp.index)


def _ucdp_features(base: pd.DataFrame, ucdp: pd.DataFrame) -> pd.DataFrame:
    u = ucdp[["iso3", "year", *UCDP_DEATHS]].rename(columns=UCDP_DEATHS)
    frame = base[["iso3", "year"]].merge(u, on=["iso3", "year"], how="left")
    frame.index = base.index
    known = frame["year"] >= UCDP_FIRST_YEAR
    out = pd.DataFrame(index=base.index)
    for col in UCDP_DEATHS.values():
        v = frame[col].where(~known, frame[col].fillna(0.0))
        frame[col] = v
        out[f"{col}_log2"] = _log2p(v)
    frame["ucdp_os_govt_log2"] = out["ucdp_os_govt_log2"]
    frame["ucdp_sb_log2"] = out["ucdp_sb_log2"]
    frame["ucdp_all"] = frame[list(UCDP_DEATHS.values())].sum(axis=1, min_count=4)
    out["ucdp_all_log2"] = _log2p(frame["ucdp_all"])
    frame["ucdp_all_log2"] = out["ucdp_all_log2"]
    for col in ("ucdp_os_govt_log2", "ucdp_sb_log2", "ucdp_all_log2"):
        out[f"{col}_chg"] = frame[col] - _lag(frame, col)
    # Worst of the last three years: violence that paused for a year still signals.
    lags = [frame["ucdp_all_log2"]] + [_lag(frame, "ucdp_all_log2", k) for k in (1, 2)]
    out["ucdp_all_log2_max3"] = pd.concat(lags, axis=1).max(axis=1, skipna=True)
    out.loc[~known, "ucdp_all_log2_max3"] = np.nan
    return out


def _displacement_features(base: pd.DataFrame, disp: pd.DataFrame) -> pd.DataFrame:
    d = disp[["iso3", "year", "refugees", "asylum_seekers", "idps", "idmc_conflict_idps"]]
    frame = base[["iso3", "year", "popsize.log2"]].merge(d, on=["iso3", "year"], how="left")
    frame.index = base.index
    known = frame["year"] >= UNHCR_FIRST_YEAR
    fled = frame[["refugees", "asylum_seekers"]].sum(axis=1, min_count=1)
    fled = fled.where(~known, fled.fillna(0.0))
    idps = frame[["idps", "idmc_conflict_idps"]].max(axis=1, skipna=True)
    idps = idps.where(~known, idps.fillna(0.0))
    frame["fled_log2"] = _log2p(fled)
    frame["idps_log2"] = _log2p(idps)
    out = pd.DataFrame(index=base.index)
    out["fled_log2"] = frame["fled_log2"]
    out["idps_log2"] = frame["idps_log2"]
    out["fled_log2_chg"] = frame["fled_log2"] - _lag(frame, "fled_log2")
    out["idps_log2_chg"] = frame["idps_log2"] - _lag(frame, "idps_log2")
    # Share of the population displaced (popsize.log2 is log2 of the population).
    out["displaced_share"] = (fled + idps.fillna(0)) / np.exp2(frame["popsize.log2"])
    return out


def _episode_features(base: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    """History of episodes that started in the country by year T (their start years only, and
    whether they were still going in T: an episode's end is known once it has happened)."""
    out = pd.DataFrame(index=base.index)
    years = base["year"].to_numpy()
    since = np.full(len(base), np.nan)
    n_prior = np.zeros(len(base))
    ongoing_state = np.zeros(len(base))
    ongoing_nonstate = np.zeros(len(base))
    ended_recent = np.zeros(len(base))
    by_country = {k: g for k, g in episodes.groupby("iso3")}
    iso = base["iso3"].to_numpy()
    for i in range(len(base)):
        g = by_country.get(iso[i])
        if g is None:
            continue
        t = years[i]
        started = g[g["start_year"] <= t]
        if started.empty:
            continue
        n_prior[i] = len(started)
        since[i] = t - started["start_year"].max()
        end = started["end_year"]
        going = end.isna() | (end >= t)
        state = started["perpetrator_type"].str.startswith("State")
        ongoing_state[i] = (going & state).sum()
        ongoing_nonstate[i] = (going & ~state).sum()
        ended_recent[i] = ((~going) & (end >= t - 5)).sum()
    out["ep_years_since_onset"] = np.minimum(since, 60)
    out.loc[np.isnan(since), "ep_years_since_onset"] = 60.0
    out["ep_prior_count"] = n_prior
    out["ep_ongoing_state"] = ongoing_state
    out["ep_ongoing_nonstate"] = ongoing_nonstate
    out["ep_ended_last5"] = ended_recent
    return out


def _conflict_features(base: pd.DataFrame, acd: pd.DataFrame) -> pd.DataFrame:
    """Armed conflicts the government fought in year T (UCDP/PRIO, from 1946): how many civil
    conflicts and of what kind (over territory, over government, with foreign troops, at war
    intensity), whether one began in T, interstate wars, and the civil-conflict history."""
    first = int(acd["year"].min())
    civil = acd[acd["type_of_conflict"].isin(["intrastate", "II"])]
    g = civil.assign(
        territory=civil["incompatibility"].eq("territory"),
        government=civil["incompatibility"].eq("government"),
        foreign=civil["type_of_conflict"].eq("II"),
        war=civil["intensity_level"].eq(2),
        new=civil["episode_start"].eq(civil["year"]),
    ).groupby(["iso3", "year"]).agg(
        acd_civil_n=("conflict_id", "nunique"), acd_civil_territory=("territory", "max"),
        acd_civil_government=("government", "max"), acd_civil_foreign=("foreign", "max"),
        acd_civil_war=("war", "max"), acd_civil_new=("new", "max")).reset_index()
    inter = acd[acd["type_of_conflict"].eq("interstate")]
    sides = pd.concat([inter[["iso3", "year"]],
                       inter[["iso3_b", "year"]].rename(columns={"iso3_b": "iso3"})])
    wars = sides.dropna().drop_duplicates().assign(acd_interstate=1.0)
    frame = base[["iso3", "year"]].merge(g, on=["iso3", "year"], how="left")
    frame = frame.merge(wars, on=["iso3", "year"], how="left")
    frame.index = base.index
    out = frame.drop(columns=["iso3", "year"]).astype(float).fillna(0.0)
    # Civil-conflict history: years of civil conflict in T-9..T and years since the last one.
    active = set(zip(g["iso3"], g["year"], strict=True))
    iso, years = base["iso3"].to_numpy(), base["year"].to_numpy()
    recent, since = np.zeros(len(base)), np.full(len(base), 60.0)
    for i in range(len(base)):
        hits = [k for k in range(60) if (iso[i], years[i] - k) in active]
        recent[i] = sum(k < 10 for k in hits)
        if hits:
            since[i] = hits[0]
    out["acd_civil_years10"] = recent
    out["acd_years_since_civil"] = since
    out.loc[base["year"].to_numpy() < first, :] = np.nan
    return out


def _neighbour_features(panel: pd.DataFrame, neighbours: dict[str, frozenset[str]]
                        ) -> pd.DataFrame:
    """What is happening next door in year T: the worst violence, ongoing and new mass
    killings, and refugee outflows among the country's land neighbours."""
    pairs = pd.DataFrame([(a, b) for a, nbs in neighbours.items() for b in nbs],
                         columns=["iso3", "neighbour"])
    cols = {"battledeaths.log2": "max", "ucdp_all_log2": "max", "fled_log2": "max"}
    values = panel[["iso3", "year", "mk_onset"]].copy()
    for c in cols:
        values[c] = panel[c] if c in panel.columns else np.nan
    ongoing = [c for c in ("ep_ongoing_state", "ep_ongoing_nonstate") if c in panel.columns]
    values["mk_going"] = (panel[ongoing].sum(axis=1) > 0).astype(float) if ongoing else np.nan
    values["onset_now"] = values["mk_onset"].astype(float)
    prev = values[["iso3", "year", "onset_now"]].assign(year=values["year"] + 1)
    values = values.merge(prev.rename(columns={"onset_now": "onset_prev"}),
                          on=["iso3", "year"], how="left")
    values["onset_recent"] = values[["onset_now", "onset_prev"]].max(axis=1)
    joined = pairs.merge(values.rename(columns={"iso3": "neighbour"}), on="neighbour")
    agg = joined.groupby(["iso3", "year"]).agg(
        nb_battledeaths_max=("battledeaths.log2", "max"),
        nb_violence_max=("ucdp_all_log2", "max"),
        nb_fled_max=("fled_log2", "max"),
        nb_mk_ongoing=("mk_going", "sum"),
        nb_onset_recent=("onset_recent", "max"),
    ).reset_index()
    out = panel[["iso3", "year"]].merge(agg, on=["iso3", "year"], how="left")
    out.index = panel.index
    out = out.drop(columns=["iso3", "year"])
    # No land neighbour in the panel: nothing next door (not unknown).
    for c in ("nb_battledeaths_max", "nb_mk_ongoing", "nb_onset_recent"):
        out[c] = out[c].fillna(0.0)
    known = panel["year"] >= UCDP_FIRST_YEAR
    out["nb_violence_max"] = out["nb_violence_max"].where(~known,
                                                          out["nb_violence_max"].fillna(0.0))
    return out


def build_panel(sources: Sources) -> pd.DataFrame:
    """The modelling panel, sorted by year then country, with `onset_1or2` and `mk_onset`."""
    ewp = sources.ewp.sort_values(["year", "iso3"]).reset_index(drop=True)
    cols = ewp_columns(ewp)
    panel = ewp[KEYS + ["mk_onset"] + cols].copy()
    panel[TARGET] = _target(ewp)
    parts = [panel]
    if sources.ucdp is not None:
        parts.append(_ucdp_features(ewp, sources.ucdp))
    if sources.displacement is not None:
        parts.append(_displacement_features(ewp, sources.displacement))
    if sources.episodes is not None:
        parts.append(_episode_features(ewp, sources.episodes))
    if sources.conflicts is not None:
        parts.append(_conflict_features(ewp, sources.conflicts))
    if sources.predictors:
        parts.append(predictor_sets.build(ewp, sources.predictors))
    out = pd.concat(parts, axis=1)
    if sources.neighbours is not None:
        out = pd.concat([out, _neighbour_features(out, sources.neighbours)], axis=1)
    out["ccode"] = out["ccode"].astype(int)
    return out


NEIGHBOUR_PREFIX = "nb_"


CONFLICT_PREFIX = "acd_"


# The optional sets of predictor_sets the default model takes (none passed on development:
# see benchmarks/forecast_dev.py).
DEFAULT_SETS: tuple[str, ...] = ()


def feature_columns(panel: pd.DataFrame, neighbours: bool = False,
                    conflicts: bool = False, sets=DEFAULT_SETS) -> list[str]:
    """Every feature column; the neighbour features only when asked for (measured: they did
    not improve the backtest, see benchmarks/forecast_vs_ewp.py), likewise the armed-conflict
    features (see benchmarks/forecast_dev.py) and the optional sets not named in `sets`."""
    skip = set(KEYS) | {TARGET, "mk_onset"}
    left_out = predictor_sets.prefixes(n for n in predictor_sets.SETS if n not in sets)
    return [c for c in panel.columns if c not in skip
            and (neighbours or not c.startswith(NEIGHBOUR_PREFIX))
            and (conflicts or not c.startswith(CONFLICT_PREFIX))
            and not (left_out and c.startswith(left_out))]


def ewp_feature_columns(panel: pd.DataFrame) -> list[str]:
    """The EWP predictors alone (what the EWP's own model sees)."""
    derived = ("ucdp_", "fled_", "idps_", "displaced_", "ep_", NEIGHBOUR_PREFIX,
               CONFLICT_PREFIX, *predictor_sets.prefixes(predictor_sets.SETS))
    return [c for c in feature_columns(panel) if not c.startswith(derived)]
