"""Where the web pages get forecasts from.

The forecasting sub-package (`forewarn.forecast`) stores its results in the database; the pages
read them only through this module and only as the typed output of its `ForecastReader`
(`ForecastRow`, `RiskPoint`, `Explanation`: forewarn/forecast/types.py), so they never fit a
model per request and keep working (saying so) when no forecast has been stored yet.

When Forewarn has no stored forecast, the Early Warning Project's own published forecast (its
final 2025 file and fully-out-of-sample history, in the data directory) is shown instead, clearly
labelled as such.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from forewarn.forecast import (
    Explanation,
    ForecastReader,
    StoredForecasts,
    published_forecast,
    published_history,
)

FOREWARN = "forewarn"
EWP_PUBLISHED = "ewp_published"
# Stored forecasts change only when the CLI runs; a short cache keeps every page read cheap.
CACHE_SECONDS = 30.0
_serials = itertools.count(1)


def records(rows: list | None) -> list[dict]:
    """JSON-ready rows from the forecast's typed rows (dataclasses) or a stored summary's
    list of dicts."""
    return [_clean(dataclasses.asdict(r) if dataclasses.is_dataclass(r) else dict(r))
            for r in rows or ()]


def _clean(row: dict) -> dict:
    """NaN → None and numpy scalars → Python, so rows serialise as JSON."""
    out = {}
    for k, v in row.items():
        if hasattr(v, "item") and not isinstance(v, (list, dict, str)):
            try:
                v = v.item()
            except (ValueError, AttributeError):
                pass
        if isinstance(v, float) and math.isnan(v):
            v = None
        out[k] = v
    return out


@dataclass
class Forecast:
    """The latest forecast, ranked: one row per country."""

    source: str  # FOREWARN or EWP_PUBLISHED
    rows: list[dict]
    year: int | None  # origin year T: predictors of T, risk of an onset in T+1 or T+2
    model_version: str | None
    by_iso3: dict[str, dict] = field(default_factory=dict)
    serial: int = 0  # unique per loaded forecast: a cache key for what is derived from it

    def __post_init__(self):
        self.serial = next(_serials)
        self.rows.sort(key=lambda r: (r.get("rank") or 10**6, r["iso3"]))
        self.by_iso3 = {r["iso3"]: r for r in self.rows}

    @property
    def outcome_years(self) -> list[int]:
        return [self.year + 1, self.year + 2] if self.year is not None else []


class TtlCache:
    """A small thread-safe cache whose entries expire after `seconds`.

    One thread computes a missing or expired entry while the others wait for it (a missing
    one) or keep using the expired value until it is replaced, so a burst of requests never
    recomputes the same page many times at once."""

    def __init__(self, seconds: float, max_entries: int = 1024):
        self.seconds = seconds
        self.max_entries = max_entries
        self._data: dict[Any, tuple[float, Any]] = {}
        self._flights: dict[Any, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key, compute: Callable[[], Any]):
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and time.monotonic() - hit[0] < self.seconds:
                return hit[1]
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = threading.Event()
        if not leader:
            if hit is not None:
                return hit[1]
            flight.wait()
            with self._lock:
                hit = self._data.get(key)
            return hit[1] if hit is not None else compute()  # the leader failed
        try:
            value = compute()
            with self._lock:
                if len(self._data) >= self.max_entries:  # drop the oldest half
                    for k, _ in sorted(self._data.items(), key=lambda kv: kv[1][0])[
                            :self.max_entries // 2]:
                        del self._data[k]
                self._data[key] = (time.monotonic(), value)
            return value
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.set()

    def clear(self):
        with self._lock:
            self._data.clear()


_cache = TtlCache(CACHE_SECONDS)
_dependents: list[TtlCache] = []


def dependent_cache() -> TtlCache:
    """A cache of things derived from the forecast (pages, fragments), cleared with it."""
    cache = TtlCache(CACHE_SECONDS)
    _dependents.append(cache)
    return cache


def clear_cache() -> None:
    _cache.clear()
    for cache in _dependents:
        cache.clear()


_stored = StoredForecasts()


def reader() -> ForecastReader:
    """The forecasting capability's typed read interface (tests put a stand-in here)."""
    return _stored


def _engine_key(session: Session) -> str:
    return str(session.get_bind().url)


def _forewarn_forecast(session: Session) -> Forecast | None:
    rows = records(reader().latest_forecast(session))
    if not rows:
        return None
    year = max((r.get("year") for r in rows if r.get("year") is not None), default=None)
    versions = {r.get("model_version") for r in rows} - {None}
    for r in rows:
        if r.get("change") is None and r.get("previous_risk") is not None:
            r["change"] = r["risk"] - r["previous_risk"]
    return Forecast(FOREWARN, rows, year, ",".join(sorted(versions)) or None)


def _ewp_forecast(raw_dir: Path) -> Forecast | None:
    published = published_forecast(raw_dir)
    if published is None:
        return None
    return Forecast(EWP_PUBLISHED, records(published.rows), published.year,
                    published.model_version)


def latest(session: Session, raw_dir: Path | None) -> Forecast | None:
    """Forewarn's stored forecast, else the EWP's published one, else None."""
    def compute():
        found = _forewarn_forecast(session)
        if found is None and raw_dir is not None:
            found = _ewp_forecast(raw_dir)
        return found

    return _cache.get(("latest", _engine_key(session), str(raw_dir)), compute)


def history(session: Session, raw_dir: Path | None, forecast: Forecast | None,
            iso3: str) -> list[dict]:
    """Risk by origin year for one country: backtest years and the latest forecast."""
    if forecast is not None and forecast.source == FOREWARN:
        rows = records(reader().risk_history(session, iso3))
    elif forecast is not None and raw_dir is not None:
        rows = records(published_history(raw_dir, iso3))
    else:
        rows = []
    return sorted(rows, key=lambda r: r["year"])


def explanation(session: Session, forecast: Forecast | None, iso3: str) -> Explanation | None:
    """Drivers of the current forecast and of its change since the previous year."""
    if forecast is None or forecast.source != FOREWARN:
        return None
    return reader().explanation(session, iso3)


def backtest(session: Session) -> dict | None:
    """The stored backtest's metrics beside the EWP's FOOS record (None until one is run)."""
    def compute():
        return reader().backtest_summary(session)

    return _cache.get(("backtest", _engine_key(session)), compute)
