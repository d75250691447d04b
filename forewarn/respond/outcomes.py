"""What followed the measures taken: deaths, displacement and forecast risk over the next
6/12/24 months from the annual panel, and which combinations of tools preceded de-escalation.

The panel is annual. The baseline is the last full year before the measure (deaths and
displacement in that year, and the forecast made from that year's data, the one in hand when
the measure was taken); a horizon of h months reads the calendar year that contains the
measure date + h months. A situation counts
as de-escalated when deaths fell by the rules' threshold (planner_rules.yaml: outcomes).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from forewarn.data import countries, readers
from forewarn.data.memo import FileMemo
from forewarn.respond.models import RespondOutcome
from forewarn.respond.planner import load_rules
from forewarn.respond.store import measures
from forewarn.store.models import Country, DisplacementCountryYear, ViolenceCountryYear

PANEL_COLUMNS = ["iso3", "year", "deaths", "displaced", "risk"]


def panel_from_raw(raw_dir: Path) -> pd.DataFrame:
    """iso3, year, deaths (UCDP, all types), displaced (UNHCR/IDMC), risk (the EWP's
    out-of-sample forecast made from that year's data)."""
    raw_dir = Path(raw_dir)
    ucdp = readers.read_ucdp_country_year(raw_dir / readers.UCDP_CY)
    kinds = ["state_based_deaths", "non_state_deaths", "one_sided_deaths"]
    ucdp["deaths"] = ucdp[kinds].sum(axis=1)
    disp = readers.read_displacement(raw_dir / readers.UNHCR_POPULATION,
                                     raw_dir / readers.IDMC_IDPS)
    idps = disp[["idps", "idmc_conflict_idps"]].max(axis=1)   # both count IDPs: never add them
    disp["displaced"] = disp[["refugees", "asylum_seekers"]].sum(axis=1, min_count=1).fillna(0) + \
        idps.fillna(0)
    foos = readers.read_ewp_foos(raw_dir / readers.EWP_FOOS)[["year", "prev_year", "ccode",
                                                               "risk_prev"]]
    foos["iso3"] = [getattr(countries.from_cow(c, y), "iso3", None)
                    for c, y in zip(foos["ccode"], foos["year"], strict=True)]
    # A row of year Y holds the forecast made from Y-1's data (prev_year): keep it under the
    # year of the data it was made from, so the baseline year's risk is the forecast in hand
    # when a measure was taken the year after (not the one made a year earlier still).
    foos = foos.dropna(subset=["iso3"]).drop(columns="year").rename(
        columns={"risk_prev": "risk", "prev_year": "year"})
    out = ucdp[["iso3", "year", "deaths"]].merge(disp[["iso3", "year", "displaced"]],
                                                 on=["iso3", "year"], how="outer")
    out = out.merge(foos[["iso3", "year", "risk"]].drop_duplicates(["iso3", "year"]),
                    on=["iso3", "year"], how="outer")
    return out[PANEL_COLUMNS].sort_values(["iso3", "year"]).reset_index(drop=True)


_panel = FileMemo((readers.UCDP_CY, readers.UNHCR_POPULATION, readers.IDMC_IDPS,
                   readers.EWP_FOOS), panel_from_raw)


def cached_panel_from_raw(raw_dir: Path) -> pd.DataFrame:
    """`panel_from_raw`, kept until one of its files changes (measures recorded in the web app
    would otherwise re-read them each time). Raises FileNotFoundError when a file is missing."""
    return _panel.get(raw_dir)


def panel_from_session(session) -> pd.DataFrame:
    """The same panel from the imported tables (no forecast risk unless the raw file is read)."""
    v = session.execute(select(Country.iso3, ViolenceCountryYear.year,
                               ViolenceCountryYear.state_based_deaths,
                               ViolenceCountryYear.non_state_deaths,
                               ViolenceCountryYear.one_sided_deaths).join(Country)).all()
    d = session.execute(select(Country.iso3, DisplacementCountryYear.year,
                               DisplacementCountryYear.refugees,
                               DisplacementCountryYear.asylum_seekers,
                               DisplacementCountryYear.idps,
                               DisplacementCountryYear.idmc_conflict_idps).join(Country)).all()
    vf = pd.DataFrame(v, columns=["iso3", "year", "sb", "ns", "os"])
    vf["deaths"] = vf[["sb", "ns", "os"]].sum(axis=1)
    df = pd.DataFrame(d, columns=["iso3", "year", "ref", "asy", "idps", "idmc"])
    df["displaced"] = df[["ref", "asy"]].sum(axis=1).fillna(0) + \
        df[["idps", "idmc"]].max(axis=1).fillna(0)
    out = vf[["iso3", "year", "deaths"]].merge(df[["iso3", "year", "displaced"]],
                                               on=["iso3", "year"], how="outer")
    out["risk"] = float("nan")
    return out[PANEL_COLUMNS].sort_values(["iso3", "year"]).reset_index(drop=True)


@dataclass
class Outcome:
    horizon_months: int
    baseline_year: int
    window_year: int
    deaths_before: float | None
    deaths_after: float | None
    displaced_before: float | None
    displaced_after: float | None
    risk_before: float | None
    risk_after: float | None
    status: str            # de-escalated | escalated | stable | stable-low | unknown

    def as_dict(self) -> dict:
        return asdict(self)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, min(d.day, 28))


def _value(rows: pd.DataFrame, year: int, column: str) -> float | None:
    hit = rows.loc[rows["year"] == year, column]
    if hit.empty or pd.isna(hit.iloc[0]):
        return None
    return float(hit.iloc[0])


def classify(before: float | None, after: float | None, min_deaths: float,
             threshold: float) -> str:
    if before is None or after is None:
        return "unknown"
    if before < min_deaths and after < min_deaths:
        return "stable-low"
    if after <= before * (1 - threshold):
        return "de-escalated"
    if after >= max(before * (1 + threshold), min_deaths):
        return "escalated"
    return "stable"


def outcome(panel: pd.DataFrame, iso3: str, on: date, horizon_months: int,
            rules: dict | None = None) -> Outcome:
    spec = (rules or load_rules())["outcomes"]
    rows = panel[panel["iso3"] == iso3]
    base, window = on.year - 1, _add_months(on, horizon_months).year
    d0, d1 = _value(rows, base, "deaths"), _value(rows, window, "deaths")
    return Outcome(horizon_months, base, window, d0, d1, _value(rows, base, "displaced"),
                   _value(rows, window, "displaced"), _value(rows, base, "risk"),
                   _value(rows, window, "risk"),
                   classify(d0, d1, spec["min_deaths"], spec["change_threshold"]))


def outcomes_for(panel: pd.DataFrame, iso3: str, on: date, rules: dict | None = None
                 ) -> list[Outcome]:
    rules = rules or load_rules()
    return [outcome(panel, iso3, on, h, rules) for h in rules["outcomes"]["horizons_months"]]


def store_outcomes(session, measure, panel: pd.DataFrame) -> int:
    """(Re)compute and store what followed one measure; returns how many rows."""
    measure.outcomes.clear()
    session.flush()
    found = outcomes_for(panel, measure.situation.country.iso3, measure.date)
    measure.outcomes.extend(RespondOutcome(**o.as_dict()) for o in found)
    session.flush()
    return len(found)


def refresh_outcomes(session, panel: pd.DataFrame) -> int:
    """Recompute and store the outcomes of every recorded measure; returns how many rows."""
    return sum(store_outcomes(session, m, panel) for m in measures(session))


def combinations(records: list[dict], panel: pd.DataFrame, rules: dict | None = None) -> dict:
    """Across situations: which combinations of tools preceded de-escalation.

    `records` are measures as dicts with iso3, situation, date, tool_id. For each situation the
    combination is the set of tools applied within the rules' window from its first measure;
    its outcome is read from that first date.
    """
    rules = rules or load_rules()
    window = rules["outcomes"]["combination_window_months"]
    by_sit: dict[tuple, list[dict]] = defaultdict(list)
    for r in records:
        by_sit[(r["iso3"], r.get("situation") or r["iso3"])].append(r)
    situations = []
    for (iso3, name), recs in sorted(by_sit.items()):
        recs.sort(key=lambda r: r["date"])
        start = recs[0]["date"]
        cutoff = _add_months(start, window)
        combo = sorted({r["tool_id"] for r in recs if r["date"] <= cutoff})
        outs = {o.horizon_months: o for o in outcomes_for(panel, iso3, start, rules)}
        situations.append({"iso3": iso3, "situation": name, "start": start.isoformat(),
                           "tools": combo, "outcomes": {h: o.as_dict() for h, o in outs.items()}})
    table: dict[tuple, dict] = {}
    for s in situations:
        row = table.setdefault(tuple(s["tools"]), {"tools": s["tools"], "situations": [],
                                                   "by_horizon": {}})
        row["situations"].append(f"{s['situation']} ({s['start'][:4]})")
        for h, o in s["outcomes"].items():
            cell = row["by_horizon"].setdefault(h, {"n": 0, "known": 0, "de_escalated": 0})
            cell["n"] += 1
            cell["known"] += o["status"] != "unknown"
            cell["de_escalated"] += o["status"] == "de-escalated"
    rows = list(table.values())
    for row in rows:
        for cell in row["by_horizon"].values():
            known = cell["known"]
            cell["share"] = round(cell["de_escalated"] / known, 3) if known else None
    rows.sort(key=lambda r: (-len(r["situations"]), r["tools"]))
    return {"situations": situations, "combinations": rows,
            "method": "Outcome classes per planner_rules.yaml (outcomes); annual UCDP deaths, "
                      "UNHCR/IDMC displacement and EWP out-of-sample risk. Association only: "
                      "measures are not randomly assigned."}
