"""The Early Warning Project's own published forecasts, read from the data directory.

The pages show them (labelled as the EWP's) while Forewarn has no stored forecast of its own,
so a fresh install is useful at once, and the country page sets the EWP's risk and rank beside
Forewarn's. Typed like Forewarn's own output (`ForecastRow`, `RiskPoint`), read once per file
version, never per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from forewarn.data import countries
from forewarn.data.readers import EWP_FINAL, EWP_FOOS, read_ewp_final, read_ewp_foos
from forewarn.forecast.types import ForecastRow, RiskPoint

MODEL_VERSION = "EWP published 2025-09-03"


@dataclass(frozen=True)
class PublishedForecast:
    """The EWP's latest published forecast: one row per country it ranked, highest risk first."""

    year: int  # origin year T: predictors of T, risk of an onset in T+1 or T+2
    rows: tuple[ForecastRow, ...]
    model_version: str = MODEL_VERSION
    by_iso3: dict[str, ForecastRow] = field(default_factory=dict, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_iso3", {r.iso3: r for r in self.rows})

    @property
    def outcome_years(self) -> list[int]:
        return [self.year + 1, self.year + 2]


def _iso3(ccode, year: int) -> str | None:
    c = countries.from_cow(int(ccode), year) or countries.from_cow(int(ccode))
    return c.iso3 if c is not None else None


@lru_cache(maxsize=4)
def _final(path: Path, _mtime: float) -> PublishedForecast:
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
        rows.append(ForecastRow(
            iso3=iso3, name=c.name if c else r["ewp_name"], risk=now, rank=int(r["rank"]),
            year=year, model_version=MODEL_VERSION, previous_risk=before,
            change=None if before is None else now - before))
    rows.sort(key=lambda r: (r.rank, r.iso3))
    return PublishedForecast(year, tuple(rows))


@lru_cache(maxsize=4)
def _foos(path: Path, _mtime: float) -> dict[str, tuple[RiskPoint, ...]]:
    frame = read_ewp_foos(path)
    frame = frame[frame["risk_prev"].notna()]
    out: dict[str, list[RiskPoint]] = {}
    for r in frame.itertuples(index=False):
        origin = int(r.prev_year)
        iso3 = _iso3(r.ccode, origin)
        if iso3 is None:
            continue
        out.setdefault(iso3, []).append(RiskPoint(origin, float(r.risk_prev), int(r.rank_prev),
                                                  "EWP out-of-sample (FOOS)"))
    return {iso3: tuple(points) for iso3, points in out.items()}


def _stat(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def published_forecast(raw_dir: Path) -> PublishedForecast | None:
    """The EWP's final published forecast in RAW_DIR (None when the file is not there)."""
    path = Path(raw_dir) / EWP_FINAL
    mtime = _stat(path)
    return None if mtime is None else _final(path, mtime)


def published_history(raw_dir: Path, iso3: str) -> list[RiskPoint]:
    """The EWP's risk for ISO3 by origin year: its fully-out-of-sample record, then its latest
    published forecast; sorted by year."""
    points: list[RiskPoint] = []
    foos = Path(raw_dir) / EWP_FOOS
    if (mtime := _stat(foos)) is not None:
        points = list(_foos(foos, mtime).get(iso3, ()))
    latest = published_forecast(raw_dir)
    if latest is not None and iso3 in latest.by_iso3:
        r = latest.by_iso3[iso3]
        points = [p for p in points if p.year != r.year]
        points.append(RiskPoint(r.year, r.risk, r.rank, "EWP forecast"))
    return sorted(points, key=lambda p: p.year)
