"""Source files → canonical country-year panels keyed by ISO3 and year.

Each reader validates as it goes (see tabular.read_table) and maps the source's own country
codes through the registry; an unknown code or a duplicated country-year is a DataError that
names the file, row and column. Readers return pandas frames; importer.py stores them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from forewarn.data import countries
from forewarn.data.errors import DataError
from forewarn.data.tabular import check_unique, read_table

EWP_PREDICTORS = "ewp/ewp_prepared2024predictors_2025-09-03.csv"
EWP_EPISODES = "ewp/ewp_mass_killing_events_master_list_2025.xlsx"
EWP_FOOS = "ewp/ewp_foos_forecasts_2025-09-03.csv"
EWP_FINAL = "ewp/ewp_final_forecasts_2025-09-03.csv"
EWP_COEFFICIENTS = "ewp/ewp_model_coefficients_2025-09-03.csv"
UCDP_CY = "ucdp/organizedviolencecy_v25_1.csv"
UCDP_ACD = "ucdp/ucdp_prio_acd_peacesciencer.csv"
UNHCR_POPULATION = "displacement/unhcr_population_1951_2025.csv"
IDMC_IDPS = "displacement/unhcr_idmc_conflict_idps_1990_2025.csv"

# Outcome columns of the EWP modelling table; every other non-key column is a predictor.
EWP_OUTCOMES = ["mk_onset", "mk_onset_1or2", "mk_onset_1", "mk_onset_2"]
EWP_KEYS = ["ewp_name", "year", "ccode"]


def _map_codes(frame: pd.DataFrame, file: str, column: str, lookup,
               unknown_ok: bool = False) -> pd.Series:
    """ISO3 of each row's code; an unknown code raises, or with `unknown_ok` gives None (as
    does a missing code)."""
    iso = []
    for code, year, row in zip(frame[column], frame["year"], frame["_row"], strict=True):
        c = lookup(int(code), int(year)) if code == code else None  # code != code: NaN
        if c is None and not unknown_ok:
            raise DataError(file, f"unknown country code {code}", row=int(row), column=column)
        iso.append(c.iso3 if c else None)
    return pd.Series(iso, index=frame.index, dtype="object" if unknown_ok else "str")


def ewp_predictor_names(path: Path) -> list[str]:
    header = Path(path).open(encoding="utf-8-sig").readline().strip().split(",")
    return [h.strip('"') for h in header if h.strip('"') not in EWP_KEYS + EWP_OUTCOMES]


def read_ewp_predictors(path: Path) -> pd.DataFrame:
    """EWP modelling table: one row per country-year, predictors of year T and outcomes."""
    predictors = ewp_predictor_names(path)
    schema = {"ewp_name": "str", "year": "int", "ccode": "int"}
    schema |= {p: "float?" for p in predictors}
    schema |= {"mk_onset": "int", "mk_onset_1or2": "int", "mk_onset_1": "float?",
               "mk_onset_2": "float?"}
    frame = read_table(path, schema)
    frame["iso3"] = _map_codes(frame, Path(path).name, "ccode", countries.from_cow)
    check_unique(frame, ["iso3", "year"], Path(path).name)
    return frame


# -- the EWP's published files: one reader each ---------------------------------------------
# Year-bearing column names are found by pattern, so the next release's years need no code
# change; a file whose layout changed raises a DataError naming it instead of a silent NaN.
TWO_YEAR_RISK = re.compile(r"^risk\.(\d{4})and(\d{4})\.from(\d{4})$")
TWO_YEAR_RANK = re.compile(r"^rank\.(\d{4})and(\d{4})\.from(\d{4})$")
EWP_FOOS_COLUMNS = ["year", "ewp_name", "ccode", "mk_onset", "prev_year", "risk_prev",
                    "rank_prev", "maxrisk2", "minrank2"]


def _ewp_csv(path: Path, required: list[str]) -> pd.DataFrame:
    """pandas' own parse (the figures scored against the EWP depend on it), columns checked."""
    path = Path(path)
    if not path.exists():
        raise DataError(path.name, "file not found")
    frame = pd.read_csv(path)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(path.name, f"missing column(s): {', '.join(missing)} (has the EWP "
                        "changed the file's layout?)", row=1, column=missing[0])
    if frame.empty:
        raise DataError(path.name, "no data rows", row=2)
    return frame


def _two_year_column(frame: pd.DataFrame, pattern: re.Pattern, first: int) -> str | None:
    """The column of PATTERN whose outcome years are FIRST and FIRST + 1."""
    for column in frame.columns:
        m = pattern.match(str(column))
        if m and int(m[1]) == first and int(m[2]) == first + 1:
            return column
    return None


def read_ewp_final(path: Path) -> pd.DataFrame:
    """The EWP's final forecasts, one row per country: ewp_name, ccode, year (T, the latest
    predictor year), the predictors of T, and in canonical names `risk` (of a new onset in T+1
    or T+2, column risk.{T+1}and{T+2}.from{T}), `rank` (as published, rank.{T+1}and{T+2}…)
    and `previous_risk` (the T-1 origin's, risk.{T}and{T+1}.from{T-1}; NaN when the file has
    none). `frame.attrs` holds `origin_year` (T) and the source column of each."""
    frame = _ewp_csv(path, ["ewp_name", "ccode", "year"])
    name = Path(path).name
    year = int(frame["year"].max())
    risk = _two_year_column(frame, TWO_YEAR_RISK, year + 1)
    if risk is None:
        found = [c for c in frame.columns if TWO_YEAR_RISK.match(str(c))]
        raise DataError(name, f"no column risk.{year + 1}and{year + 2}.from{year} for predictor "
                        f"year {year} (two-year risk columns: {', '.join(found) or 'none'})",
                        row=1)
    rank = _two_year_column(frame, TWO_YEAR_RANK, year + 1)
    previous = _two_year_column(frame, TWO_YEAR_RISK, year)
    out = frame.assign(risk=frame[risk].astype(float),
                       rank=frame[rank].astype(float) if rank else np.nan,
                       previous_risk=frame[previous].astype(float) if previous else np.nan)
    out.attrs = {"origin_year": year, "risk_column": risk, "rank_column": rank,
                 "previous_risk_column": previous}
    return out


def read_ewp_foos(path: Path) -> pd.DataFrame:
    """The EWP's fully-out-of-sample forecasts as published, one row per outcome year Y and
    country: year (Y), ewp_name, ccode, mk_onset, prev_year (Y-1), risk_prev / rank_prev (the
    forecast made from Y-1), maxrisk2 / minrank2 (best of the forecasts from Y-1 and Y-2, the
    EWP's scored figure); risks are NaN where no forecast was made."""
    return _ewp_csv(path, EWP_FOOS_COLUMNS)


def read_ewp_coefficients(path: Path) -> pd.DataFrame:
    """The EWP model's published elastic-net coefficients: `variable` ("(Intercept)" and each
    predictor), `coef` and `odds_ratio` (the first coef.* and or.* columns, whatever model
    name follows the dot)."""
    frame = _ewp_csv(path, ["variable"])
    coef = next((c for c in frame.columns if str(c).startswith("coef")), None)
    odds = next((c for c in frame.columns if str(c).startswith("or")), None)
    if coef is None:
        raise DataError(Path(path).name, "no coef.* column", row=1)
    out = pd.DataFrame({"variable": frame["variable"].astype(str),
                        "coef": pd.to_numeric(frame[coef], errors="raise"),
                        "odds_ratio": frame[odds].astype(float) if odds else np.nan})
    check_unique(out.assign(_row=range(2, len(out) + 2)), ["variable"], Path(path).name)
    return out


def read_ucdp_country_year(path: Path) -> pd.DataFrame:
    """UCDP organised violence, country-year deaths by type (best estimates)."""
    cols = {
        "country_id_cy": "int", "year_cy": "int",
        "sb_total_deaths_best_cy": "float", "ns_total_deaths_best_cy": "float",
        "os_total_deaths_best_cy": "float", "os_any_govt_killings_best_cy": "float",
        "os_nsgroup_killings_best_cy": "float",
    }
    frame = read_table(path, cols).rename(columns={
        "year_cy": "year", "sb_total_deaths_best_cy": "state_based_deaths",
        "ns_total_deaths_best_cy": "non_state_deaths",
        "os_total_deaths_best_cy": "one_sided_deaths",
        "os_any_govt_killings_best_cy": "one_sided_govt_deaths",
        "os_nsgroup_killings_best_cy": "one_sided_nonstate_deaths",
    })
    frame["iso3"] = _map_codes(frame, Path(path).name, "country_id_cy", countries.from_gw)
    check_unique(frame, ["iso3", "year"], Path(path).name)
    return frame


def read_armed_conflicts(path: Path) -> pd.DataFrame:
    """UCDP/PRIO Armed Conflict Dataset, one row per conflict-year from 1946: the government
    side (`iso3`, from gwno_a), the opposing state for interstate wars (`iso3_b`), whether
    foreign states fought beside either side, incompatibility, intensity (1: 25-999 battle
    deaths, 2: 1,000+), type and the year the current episode began.

    Side A codes that are not states of the registry (a handful of colonial-era entities) are
    left out by design, as in the displacement reader."""
    cols = {"conflict_id": "int", "year": "int", "gwno_a": "int", "gwno_b": "int?",
            "incompatibility": "str", "intensity_level": "int", "type_of_conflict": "str",
            "start_date2": "str"}
    frame = read_table(path, cols)
    for side, column in (("iso3", "gwno_a"), ("iso3_b", "gwno_b")):
        frame[side] = _map_codes(frame, Path(path).name, column, countries.from_gw,
                                 unknown_ok=True)
    frame = frame[frame["iso3"].notna()].copy()
    bad = ~frame["start_date2"].str.match(r"^\d{4}-\d{2}-\d{2}$")
    if bad.any():
        row = frame[bad].iloc[0]
        raise DataError(Path(path).name, f"bad date '{row['start_date2']}'",
                        row=int(row["_row"]), column="start_date2")
    frame["episode_start"] = frame["start_date2"].str[:4].astype(int)
    # This conversion repeats a conflict-year once per foreign supporter (gwno_*_2nd); the
    # columns kept are the same on those repeats, so one of each is kept.
    return frame.drop_duplicates(subset=["conflict_id", "year", "iso3", "iso3_b",
                                         "type_of_conflict"]).reset_index(drop=True)


def read_displacement(population: Path, idmc: Path) -> pd.DataFrame:
    """UNHCR figures by country of origin and year: refugees, asylum-seekers, IDPs (UNHCR, IDMC).

    UNHCR rows are origin × asylum pairs; they are summed over countries of asylum. Origins that
    are not countries in the registry (stateless, 'Unknown', territories) are left out by design,
    not by error: the registry is the set of states the panel covers.
    """
    cols = {"year": "int", "coo_iso": "str", "refugees": "float?", "asylum_seekers": "float?",
            "idps": "float?"}
    pop = read_table(population, cols)
    pop = pop[pop["coo_iso"].isin(countries.by_iso3().keys())]
    agg = (pop.groupby(["coo_iso", "year"])[["refugees", "asylum_seekers", "idps"]]
              .sum(min_count=1).reset_index())
    idp = read_table(idmc, {"year": "int", "coo_iso": "str", "total": "float?"})
    idp = idp[idp["coo_iso"].isin(countries.by_iso3().keys())]
    check_unique(idp, ["coo_iso", "year"], Path(idmc).name)
    idp = idp.rename(columns={"total": "idmc_conflict_idps"})[["coo_iso", "year",
                                                               "idmc_conflict_idps"]]
    out = agg.merge(idp, on=["coo_iso", "year"], how="outer").rename(columns={"coo_iso": "iso3"})
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


def read_ewp_episodes(path: Path) -> pd.DataFrame:
    """EWP mass-killing episode list (sheet mk_events), one row per episode."""
    schema = {"country": "str", "mk_event_name": "str", "mk_event_summary": "str",
              "startyear": "int", "endyear": "int?", "mk_event_code": "str",
              "State-Led or Non-State-Led": "str", "mk_location_cow": "int"}
    frame = read_table(path, schema, sheet="mk_events").rename(columns={
        "mk_event_name": "name", "mk_event_summary": "summary", "startyear": "start_year",
        "endyear": "end_year", "mk_event_code": "code",
        "State-Led or Non-State-Led": "perpetrator_type", "mk_location_cow": "location_cow"})
    frame["year"] = frame["start_year"]
    iso = []
    for code, year, row in zip(frame["location_cow"], frame["year"], frame["_row"], strict=True):
        c = countries.from_cow(int(code), int(year)) or countries.from_cow(int(code))
        if c is None:
            raise DataError(Path(path).name, f"unknown country code {code}", row=int(row),
                            column="mk_location_cow")
        iso.append(c.iso3)
    frame["iso3"] = iso
    check_unique(frame, ["code"], Path(path).name)
    return frame.drop(columns=["year"])
