"""Source files → canonical country-year panels keyed by ISO3 and year.

Each reader validates as it goes (see tabular.read_table) and maps the source's own country
codes through the registry; an unknown code or a duplicated country-year is a DataError that
names the file, row and column. Readers return pandas frames; importer.py stores them.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources
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


# --- Human-rights, coup, campaign and regime predictors (forecast round two, issue 25) ---
# Each reader returns one row per (iso3, year) with the source's own columns, and sets
# frame.attrs["last_year"]: the last year the source covers completely, after which the
# forecasting features treat it as missing (never carried forward).

PTS = "predictors/pts/pts_2022.csv"
CIRIGHTS = "predictors/cirights/cirights_v1.22.11.25.csv"
TMK = "predictors/tmk/tmk2020.csv"
LHRS = "predictors/lhrs/lhrs_v4.02_2021_names.csv"
COUPS = "predictors/coups/powell_thyne_ccode_year_V2024.01.29.txt"
NAVCO = "predictors/navco/navco_1.3_list.tab"
REIGN = "predictors/regime/reign_regime_years_democracyData.rda"
PREDICTOR_FILES = [PTS, CIRIGHTS, TMK, LHRS, COUPS, NAVCO, REIGN]

# COW codes these sources use for states outside the registry (West Germany under its own
# code, Kiribati, Tuvalu, Tonga, Serbia under CIRIGHTS' 342, Abkhazia, South Ossetia, Tibet):
# left out by design. Any other unknown code is an error.
OUTSIDE_REGISTRY_COW = frozenset({260, 342, 396, 397, 711, 946, 947, 955})


def _map_cow_known(frame: pd.DataFrame, file: str, column: str) -> pd.DataFrame:
    """Rows mapped to ISO3 by COW code; codes of OUTSIDE_REGISTRY_COW are dropped, a missing
    or other unknown code raises."""
    keep = ~frame[column].isin(OUTSIDE_REGISTRY_COW)
    frame = frame[keep].copy()
    frame["iso3"] = _map_codes(frame, file, column, countries.from_cow)
    return frame


def _check_range(frame: pd.DataFrame, file: str, column: str, low: float, high: float) -> None:
    bad = frame[column].notna() & ~frame[column].between(low, high)
    if bad.any():
        row = frame[bad].iloc[0]
        raise DataError(file, f"value {row[column]} outside {low}..{high}", row=int(row["_row"]),
                        column=column)


def _finish(frame: pd.DataFrame, file: str, last_year: int | None = None) -> pd.DataFrame:
    check_unique(frame, ["iso3", "year"], file)
    frame = frame.sort_values(["iso3", "year"]).reset_index(drop=True)
    frame.attrs["last_year"] = int(last_year if last_year is not None else frame["year"].max())
    return frame


def read_pts(path: Path) -> pd.DataFrame:
    """Political Terror Scale: 1 (secure rule of law) .. 5 (terror for the whole population),
    coded from Amnesty (pts_a), Human Rights Watch (pts_h) and US State Department (pts_s)
    reports on year T. Rows without a COW code (Crimea, Gaza, Somaliland, the EU, ...) are
    territories the registry does not hold, left out by design."""
    name = Path(path).name
    schema = {"Country": "str", "Year": "int", "COW_Code_N": "int?", "PTS_A": "float?",
              "PTS_H": "float?", "PTS_S": "float?"}
    frame = read_table(path, schema).rename(columns={"Year": "year", "PTS_A": "pts_a",
                                                     "PTS_H": "pts_h", "PTS_S": "pts_s"})
    for col in ("pts_a", "pts_h", "pts_s"):
        _check_range(frame, name, col, 1, 5)
    # Rows with no score at all (a state not yet or no longer existing: the FRY's rows of
    # 1976-91 share COW 345 with the SFRY's) carry nothing and are left out.
    scored = frame[["pts_a", "pts_h", "pts_s"]].notna().any(axis=1)
    check_unique(frame, ["Country", "year"], name)
    frame = _map_cow_known(frame[frame["COW_Code_N"].notna() & scored], name, "COW_Code_N")
    # Two entries of one registry state in a year (the SFRY and the FRY both scored in
    # 1991-92): the worse score of each report counts.
    frame = frame.groupby(["iso3", "year"], as_index=False).agg(
        pts_a=("pts_a", "max"), pts_h=("pts_h", "max"), pts_s=("pts_s", "max"),
        _row=("_row", "min"))
    return _finish(frame, name)


CIRIGHTS_RANGES = {"physint_sum": (0, 8), "kill": (0, 2), "disap": (0, 2), "tort": (0, 2),
                   "polpris": (0, 2), "bbatrocity": (0, 1), "bbatrocity_intensity": (0, 3)}


def read_cirights(path: Path) -> pd.DataFrame:
    """CIRIGHTS physical-integrity scores of year T (higher = more respect; kill, disap, tort,
    polpris 0-2, their sum physint_sum 0-8) and the atrocity flag and intensity."""
    name = Path(path).name
    schema = {"country": "str", "year": "int", "cow": "int"} | {
        c: "float?" for c in CIRIGHTS_RANGES}
    frame = read_table(path, schema)
    for col, (lo, hi) in CIRIGHTS_RANGES.items():
        _check_range(frame, name, col, lo, hi)
    frame = _map_cow_known(frame, name, "cow")
    return _finish(frame[["iso3", "year", *CIRIGHTS_RANGES, "_row"]], name)


def read_tmk(path: Path) -> pd.DataFrame:
    """Targeted Mass Killing: tmk = 1 in a country-year with a targeted mass killing under way."""
    name = Path(path).name
    frame = read_table(path, {"ccode": "int", "year": "int", "tmk": "int"})
    _check_range(frame, name, "tmk", 0, 1)
    frame = _map_cow_known(frame, name, "ccode")
    return _finish(frame[["iso3", "year", "tmk", "_row"]], name)


def read_lhrs(path: Path) -> pd.DataFrame:
    """Fariss latent human-rights protection: posterior mean and sd of year T's score (higher
    = more protection). The model smooths over every year, so a year's score also reflects
    later years' reports (see docs/forecast.md)."""
    name = Path(path).name
    schema = {"YEAR": "int", "COW": "int", "theta_mean": "float", "theta_sd": "float"}
    frame = read_table(path, schema).rename(columns={"YEAR": "year"})
    _check_range(frame, name, "theta_sd", 0, 100)
    frame = _map_cow_known(frame, name, "COW")
    return _finish(frame[["iso3", "year", "theta_mean", "theta_sd", "_row"]], name)


def _version_last_full_year(frame: pd.DataFrame, file: str) -> int:
    """The last complete calendar year of a Powell & Thyne release ("V2024.01.29": 2023)."""
    versions = frame["version"].unique()
    if len(versions) != 1:
        raise DataError(file, f"rows of several versions: {', '.join(map(str, versions))}",
                        column="version")

    m = re.fullmatch(r"V(\d{4})\.(\d{2})\.(\d{2})", str(versions[0]))
    if m is None:
        raise DataError(file, f"bad version '{versions[0]}'", row=2, column="version")
    year, month, day = (int(g) for g in m.groups())
    return year if (month, day) == (12, 31) else year - 1


def read_coups(path: Path) -> pd.DataFrame:
    """Powell & Thyne coups, country-year: failed (coded 1) and successful (2) attempts in year
    T. The release's last year covers only the weeks before its version date, so the last
    complete year (attrs["last_year"]) is the year before."""
    name = Path(path).name
    schema = {"ccode": "int", "year": "int", "version": "str"} | {
        f"coup{i}": "int" for i in range(1, 5)}
    frame = read_table(path, schema, delimiter="\t")
    last = _version_last_full_year(frame, name)
    coups = frame[[f"coup{i}" for i in range(1, 5)]]
    for i in range(1, 5):
        _check_range(frame, name, f"coup{i}", 0, 2)
    frame["coups_failed"] = (coups == 1).sum(axis=1).astype(float)
    frame["coups_successful"] = (coups == 2).sum(axis=1).astype(float)
    check_unique(frame, ["ccode", "year"], name)
    frame = _map_cow_known(frame[frame["year"] >= 1946], name, "ccode")
    # Two codes of one registry state in a year (2006: Yugoslavia 345 and Serbia 340): the
    # attempts in both count for that state.
    frame = frame.groupby(["iso3", "year"], as_index=False).agg(
        coups_failed=("coups_failed", "sum"), coups_successful=("coups_successful", "sum"),
        _row=("_row", "min"))
    return _finish(frame, name, last)


@lru_cache
def navco_locations() -> dict[str, str | None]:
    """NAVCO location names that are not registry names: location → ISO3 (None: outside)."""
    text = resources.files("forewarn.data").joinpath("navco_locations.csv").read_text("utf-8")
    return {r["location"]: (r["iso3"] or None) for r in csv.DictReader(text.splitlines())}


def _registry_names() -> dict[str, str]:
    out = {}
    for c in countries.all_countries():
        for n in (c.name, c.ewp_name, c.ucdp_name):
            if n:
                out.setdefault(n.lower(), c.iso3)
    return out


def read_navco(path: Path) -> pd.DataFrame:
    """NAVCO 1.3 maximalist campaigns, one row per campaign: location (ISO3), begin and end
    year, violent or not, its goal (regime change, secession, self-determination) and whether
    it was still going when coding stopped (attrs["last_year"]: the last year coded). Campaigns
    that ended before 1946 and locations the registry does not hold are left out; any other
    unmatched location name is an error (add it to navco_locations.csv)."""
    name = Path(path).name
    flags = ["VIOL", "NONVIOL", "ONGOING", "REGCHANGE", "SECESSION", "FSELFDET"]
    schema = {"NAVCOID": "int", "CAMPAIGN": "str", "LOCATION": "str", "BYEAR": "int",
              "EYEAR": "int"} | {f: "int" for f in flags}
    frame = read_table(path, schema, delimiter="\t")
    bad = frame["EYEAR"] < frame["BYEAR"]
    if bad.any():
        raise DataError(name, "campaign ends before it begins", row=int(frame[bad]["_row"].iloc[0]),
                        column="EYEAR")
    for f in flags:
        _check_range(frame, name, f, 0, 1)
    last = int(frame["EYEAR"].max())
    frame = frame[frame["EYEAR"] >= 1946].copy()
    aliases, names = navco_locations(), _registry_names()
    iso = []
    for loc, row in zip(frame["LOCATION"], frame["_row"], strict=True):
        if loc in aliases:
            iso.append(aliases[loc])
        elif loc.lower() in names:
            iso.append(names[loc.lower()])
        else:
            raise DataError(name, f"unknown location '{loc}' (add it to navco_locations.csv)",
                            row=int(row), column="LOCATION")
    frame["iso3"] = iso
    frame = frame[frame["iso3"].notna()].rename(columns={
        "NAVCOID": "navco_id", "BYEAR": "start_year", "EYEAR": "end_year"})
    frame = frame.rename(columns={f: f.lower() for f in flags})
    check_unique(frame, ["navco_id", "CAMPAIGN"], name)  # two campaigns share NAVCOID 288
    frame = frame.reset_index(drop=True)
    frame.attrs["last_year"] = last
    return frame


REIGN_TYPES = {
    "parliamentary": "democracy", "presidential": "democracy", "party-based": "party",
    "party-personal": "personal", "party-personal-military": "personal",
    "personal": "personal", "military personal": "personal", "military": "military",
    "indirect military": "military", "provisional military": "military",
    "party-military": "military", "monarchy": "monarchy", "oligarchy": "party",
    "foreign-occupied": "other", "provisional": "other", "civilian provisional": "other",
    "warlordism": "other"}


def read_reign(path: Path) -> pd.DataFrame:
    """REIGN regime types (after Geddes, Wright & Frantz), one row per country-year: the
    regime in place at the end of year T (the spell begun last), its family (REIGN_TYPES),
    the year that spell began, and how many regime spells year T saw (2+ = a change)."""
    import pyreadr  # heavy: pyreadr

    name = Path(path).name
    try:
        objects = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr raises its own types for a damaged file
        raise DataError(name, f"not a readable R data file ({exc})") from exc
    if "REIGN" not in objects:
        raise DataError(name, f"no object 'REIGN' (objects: {', '.join(objects)})")
    raw = objects["REIGN"].reset_index(drop=True)
    needed = ["cown", "year", "gwf_regimetype", "Start"]
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise DataError(name, f"missing column(s): {', '.join(missing)}", column=missing[0])
    frame = raw[needed].copy()
    frame["_row"] = raw.index + 1  # the object's row, as R would count it
    for col in ("cown", "year"):
        bad = frame[col].isna()
        if bad.any():
            raise DataError(name, "missing value", row=int(frame[bad]["_row"].iloc[0]),
                            column=col)
    unknown = ~frame["gwf_regimetype"].isin(REIGN_TYPES)
    if unknown.any():
        row = frame[unknown].iloc[0]
        raise DataError(name, f"unknown regime type '{row['gwf_regimetype']}'",
                        row=int(row["_row"]), column="gwf_regimetype")
    frame["start_year"] = pd.to_datetime(frame["Start"], errors="coerce").dt.year
    if frame["start_year"].isna().any():
        raise DataError(name, "bad date", row=int(frame[frame["start_year"].isna()]["_row"]
                                                   .iloc[0]), column="Start")
    frame = frame[frame["year"] >= 1946].astype({"cown": int, "year": int, "start_year": int})
    frame = _map_cow_known(frame, name, "cown")
    frame = frame.sort_values(["iso3", "year", "Start"])
    spells = frame.groupby(["iso3", "year"]).size().rename("regime_spells")
    frame = frame.drop_duplicates(["iso3", "year"], keep="last").merge(
        spells.reset_index(), on=["iso3", "year"])
    frame["regime_family"] = frame["gwf_regimetype"].map(REIGN_TYPES)
    out = frame[["iso3", "year", "gwf_regimetype", "regime_family", "start_year",
                 "regime_spells", "_row"]]
    # Coding stopped in August 2021 and the file lists 2021 for a few countries only: the
    # last complete year is the last one listing at least 90% of the year before's countries.
    per_year = out.groupby("year")["iso3"].nunique()
    full = per_year[per_year >= 0.9 * per_year.shift(1).fillna(0)]
    return _finish(out, name, int(full.index.max()))
