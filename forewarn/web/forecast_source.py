"""Where the web pages get forecasts from, in one normalised shape.

The forecasting sub-package (`forewarn.forecast`) stores its results in the database and exposes
`latest_forecast(session)`, `risk_history(session, iso3)`, `explanation(...)` and
`backtest_summary(...)`. The pages read only through this module, so they never fit a model per
request and keep working (saying so) when no forecast has been stored yet.

When Forewarn has no stored forecast, the Early Warning Project's own published forecast (its
final 2025 file and fully-out-of-sample history, in the data directory) is shown instead, clearly
labelled as such.
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger("forewarn.web")

FOREWARN = "forewarn"
EWP_PUBLISHED = "ewp_published"
# Stored forecasts change only when the CLI runs; a short cache keeps every page read cheap.
CACHE_SECONDS = 30.0
_serials = itertools.count(1)


def records(obj: Any) -> list[dict]:
    """Rows as dicts from a list of dicts/dataclasses/named tuples/objects or a DataFrame."""
    if obj is None:
        return []
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):
        return [_clean(r) for r in obj.to_dict(orient="records")]
    return [_clean(as_dict(r)) for r in obj]


def as_dict(row: Any) -> dict:
    if row is None:
        return {}
    if isinstance(row, dict):
        return dict(row)
    if hasattr(row, "_asdict"):
        return dict(row._asdict())
    if hasattr(row, "model_dump"):
        return row.model_dump()
    if hasattr(row, "__dataclass_fields__"):
        return {k: getattr(row, k) for k in row.__dataclass_fields__}
    if hasattr(row, "_mapping"):
        return dict(row._mapping)
    return {k: v for k, v in vars(row).items() if not k.startswith("_")}


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


def forecast_api():
    """The forecasting sub-package, or None while it does not expose its read API yet."""
    try:
        import forewarn.forecast as api
    except ImportError:  # pragma: no cover - the package is part of Forewarn
        return None
    return api if hasattr(api, "latest_forecast") else None


def call(fn_name: str, *args, **kwargs):
    """Call a read function of forewarn.forecast; a missing function or table reads as None."""
    api = forecast_api()
    fn = getattr(api, fn_name, None) if api is not None else None
    if fn is None:
        return None
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - e.g. its tables not migrated yet: say so, no 500
        if "no such table" in str(exc) or "does not exist" in str(exc):
            log.warning("forecast tables missing (%s: %s): run `forewarn db upgrade`", fn_name,
                        str(exc).splitlines()[0][:200])
            session = args[0] if args and isinstance(args[0], Session) else None
            if session is not None:
                session.rollback()
            return None
        raise


def _engine_key(session: Session) -> str:
    return str(session.get_bind().url)


def _forewarn_forecast(session: Session) -> Forecast | None:
    rows = records(call("latest_forecast", session))
    if not rows:
        return None
    year = max((r.get("year") for r in rows if r.get("year") is not None), default=None)
    versions = {r.get("model_version") for r in rows} - {None}
    for r in rows:
        if r.get("change") is None and r.get("previous_risk") is not None:
            r["change"] = r["risk"] - r["previous_risk"]
    return Forecast(FOREWARN, rows, year, ",".join(sorted(versions)) or None)


def latest(session: Session, raw_dir: Path | None) -> Forecast | None:
    """Forewarn's stored forecast, else the EWP's published one, else None."""
    def compute():
        found = _forewarn_forecast(session)
        if found is None and raw_dir is not None:
            from forewarn.web import ewp_published

            found = ewp_published.forecast(raw_dir)
        return found

    return _cache.get(("latest", _engine_key(session), str(raw_dir)), compute)


def history(session: Session, raw_dir: Path | None, forecast: Forecast | None,
            iso3: str) -> list[dict]:
    """Risk by origin year for one country: backtest years and the latest forecast."""
    if forecast is not None and forecast.source == FOREWARN:
        rows = records(call("risk_history", session, iso3))
    elif forecast is not None and raw_dir is not None:
        from forewarn.web import ewp_published

        rows = ewp_published.history(raw_dir, iso3)
    else:
        rows = []
    return sorted(rows, key=lambda r: r["year"])


def explanation(session: Session, forecast: Forecast | None, iso3: str) -> dict | None:
    """Drivers of the current forecast and of its change since the previous year."""
    if forecast is None or forecast.source != FOREWARN:
        return None
    found = call("explanation", session, iso3)
    return as_dict(found) if found is not None else None


def backtest(session: Session) -> dict | None:
    """The stored backtest's metrics beside the EWP's FOOS record (None until one is run)."""
    def compute():
        found = call("backtest_summary", session)
        return as_dict(found) if found is not None else None

    return _cache.get(("backtest", _engine_key(session)), compute)
