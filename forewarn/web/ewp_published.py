"""The Early Warning Project's own published forecasts, read from the data directory.

Shown (and labelled as the EWP's) only while Forewarn has no stored forecast of its own, so a
fresh install is useful at once. Read once per file version, never per request.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from forewarn.data import countries
from forewarn.data.readers import EWP_FINAL, EWP_FOOS, read_ewp_final, read_ewp_foos

MODEL_VERSION = "EWP published 2025-09-03"


def _iso3(ccode, year: int) -> str | None:
    c = countries.from_cow(int(ccode), year) or countries.from_cow(int(ccode))
    return c.iso3 if c is not None else None


@lru_cache(maxsize=4)
def _final(path: Path, _mtime: float) -> tuple[int, list[dict]]:
    frame = read_ewp_final(path)
    year = frame.attrs["origin_year"]
    frame = frame[frame["risk"].notna()].copy()
    # Ranked here, among the countries with a forecast (ties by file order).
    frame["rank"] = frame["risk"].rank(ascending=False, method="first").astype(int)
    rows = []
    for r in frame.to_dict(orient="records"):
        iso3 = _iso3(r["ccode"], year)
        if iso3 is None:
            continue
        c = countries.get(iso3)
        now = float(r["risk"])
        before = None if pd.isna(r["previous_risk"]) else float(r["previous_risk"])
        rows.append({"iso3": iso3, "name": c.name if c else r["ewp_name"], "risk": now,
                     "rank": int(r["rank"]), "year": year, "model_version": MODEL_VERSION,
                     "previous_risk": before,
                     "change": None if before is None else now - before})
    return year, rows


@lru_cache(maxsize=4)
def _foos(path: Path, _mtime: float) -> dict[str, list[dict]]:
    frame = read_ewp_foos(path)
    frame = frame[frame["risk_prev"].notna()]
    out: dict[str, list[dict]] = {}
    for r in frame.itertuples(index=False):
        origin = int(r.prev_year)
        iso3 = _iso3(r.ccode, origin)
        if iso3 is None:
            continue
        out.setdefault(iso3, []).append({"year": origin, "risk": float(r.risk_prev),
                                         "rank": int(r.rank_prev),
                                         "source": "EWP out-of-sample (FOOS)"})
    return out


def _stat(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def forecast(raw_dir: Path):
    from forewarn.web.forecast_source import EWP_PUBLISHED, Forecast

    path = Path(raw_dir) / EWP_FINAL
    mtime = _stat(path)
    if mtime is None:
        return None
    year, rows = _final(path, mtime)
    return Forecast(EWP_PUBLISHED, [dict(r) for r in rows], year, MODEL_VERSION)


def history(raw_dir: Path, iso3: str) -> list[dict]:
    rows: list[dict] = []
    foos = Path(raw_dir) / EWP_FOOS
    if (mtime := _stat(foos)) is not None:
        rows = [dict(r) for r in _foos(foos, mtime).get(iso3, [])]
    latest = forecast(raw_dir)
    if latest is not None and iso3 in latest.by_iso3:
        r = latest.by_iso3[iso3]
        rows = [x for x in rows if x["year"] != r["year"]]
        rows.append({"year": r["year"], "risk": r["risk"], "rank": r["rank"],
                     "source": "EWP forecast"})
    return rows
