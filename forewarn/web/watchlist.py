"""The watchlist: ranked latest forecast, movers, the map's colour scale and geometry, CSV."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from forewarn.data import countries
from forewarn.security.exports import write_csv
from forewarn.web.forecast_source import EWP_PUBLISHED, FOREWARN, Forecast

TOP = 30  # the EWP's threshold for closer attention, used by the watchlist and the map
MOVERS = 10
TOPOLOGY_FILE = "geo/world-atlas_countries-110m.json"

# Risk bins on a doubling scale (most countries sit below 1%, a handful above 8%), coloured
# with viridis: light = low, dark = high; distinguishable with every common colour-vision type.
THRESHOLDS = [0.005, 0.01, 0.02, 0.04, 0.08]
COLOURS = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]
NO_DATA = "#e6e6e6"

SOURCE_LABELS = {
    FOREWARN: "Forewarn forecast",
    EWP_PUBLISHED: "Early Warning Project's published forecast (shown until Forewarn's own "
                   "forecast is stored by 'forewarn forecast forecast')",
}

# world-atlas geometries without an ISO numeric id, mapped to the country that the forecasts
# cover them under (Kosovo has its own row; the others are counted with the recognised state).
GEOMETRY_ALIASES = {"Kosovo": "XKX", "Somaliland": "SOM", "N. Cyprus": "CYP"}
ANTARCTICA = "010"


def bins() -> list[dict]:
    edges = [0.0, *THRESHOLDS, None]
    out = []
    for i, colour in enumerate(COLOURS):
        lo, hi = edges[i], edges[i + 1]
        label = (f"< {_pct(hi)}" if lo == 0 else f"≥ {_pct(lo)}" if hi is None
                 else f"{_pct(lo)}–{_pct(hi)}")
        out.append({"lo": lo, "hi": hi, "colour": colour, "label": label})
    return out


def _pct(v: float) -> str:
    return f"{v * 100:g}%"


def colour_for(risk: float | None) -> str:
    if risk is None:
        return NO_DATA
    return COLOURS[sum(risk >= t for t in THRESHOLDS)]


def rows(forecast: Forecast) -> list[dict]:
    """The ranked watchlist rows with registry details; top-30 flagged."""
    out = []
    for r in forecast.rows:
        c = countries.get(r["iso3"])
        out.append({"iso3": r["iso3"], "name": r.get("name") or (c.name if c else r["iso3"]),
                    "region": c.region if c else None,
                    "iso_numeric": c.iso_numeric if c else None,
                    "rank": int(r["rank"]), "risk": float(r["risk"]),
                    "previous_risk": r.get("previous_risk"), "change": r.get("change"),
                    "top30": int(r["rank"]) <= TOP, "colour": colour_for(float(r["risk"]))})
    return out


def meta(forecast: Forecast) -> dict:
    return {"source": forecast.source, "source_label": SOURCE_LABELS[forecast.source],
            "year": forecast.year, "outcome_years": forecast.outcome_years,
            "model_version": forecast.model_version, "top": TOP}


def movers(ranked: list[dict], n: int = MOVERS) -> dict:
    """Largest rises and falls in risk since the previous forecast year."""
    moved = [r for r in ranked if r.get("change") is not None]
    rises = sorted((r for r in moved if r["change"] > 0), key=lambda r: -r["change"])[:n]
    falls = sorted((r for r in moved if r["change"] < 0), key=lambda r: r["change"])[:n]
    keep = ("iso3", "name", "rank", "risk", "previous_risk", "change")
    return {"rises": [{k: r[k] for k in keep} for r in rises],
            "falls": [{k: r[k] for k in keep} for r in falls]}


def api_payload(forecast: Forecast) -> dict:
    ranked = rows(forecast)
    keep = ("iso3", "name", "iso_numeric", "rank", "risk", "previous_risk", "change", "top30",
            "colour")
    return {**meta(forecast), "count": len(ranked),
            "countries": [{k: r[k] for k in keep} for r in ranked]}


CSV_COLUMNS = ["rank", "iso3", "name", "risk", "previous_risk", "change", "top30",
               "forecast_year", "outcome_years", "model_version", "source"]


def to_csv(forecast: Forecast) -> str:
    """Formula-safe (forewarn.security.exports): names and sources are text from elsewhere."""
    outcome = "-".join(str(y) for y in forecast.outcome_years)
    return write_csv([[r["rank"], r["iso3"], r["name"], f"{r['risk']:.6f}",
                       "" if r["previous_risk"] is None else f"{r['previous_risk']:.6f}",
                       "" if r["change"] is None else f"{r['change']:.6f}",
                       int(r["top30"]), forecast.year, outcome, forecast.model_version,
                       forecast.source] for r in rows(forecast)], CSV_COLUMNS)


def alt_text(forecast: Forecast, ranked: list[dict]) -> str:
    top = ", ".join(f"{r['name']} ({r['risk'] * 100:.1f}%)" for r in ranked[:5])
    years = "–".join(str(y) for y in forecast.outcome_years)
    return (f"World map shaded by the estimated risk of a new mass killing beginning in "
            f"{years}; darker means higher risk, grey means no forecast. Highest: {top}. "
            f"The ranked table below lists every country.")


@lru_cache(maxsize=2)
def _topology(path: str, _mtime: float) -> tuple[bytes, str]:
    data = json.loads(Path(path).read_text("utf-8"))
    by_numeric = {c.iso_numeric: c.iso3 for c in countries.all_countries() if c.iso_numeric}
    geoms = []
    for g in data["objects"]["countries"]["geometries"]:
        if g.get("id") == ANTARCTICA:
            continue  # not a state; dropping it gives the map more room
        props = g.setdefault("properties", {})
        iso3 = by_numeric.get(int(g["id"])) if g.get("id") else None
        props["iso3"] = iso3 or GEOMETRY_ALIASES.get(props.get("name", ""))
        geoms.append(g)
    data["objects"]["countries"]["geometries"] = geoms
    data["objects"].pop("land", None)
    body = json.dumps(data, separators=(",", ":")).encode()
    return body, hashlib.sha1(body).hexdigest()[:16]


def topology(raw_dir: Path) -> tuple[bytes, str] | None:
    """The world-atlas countries with `properties.iso3` on every geometry, and its ETag."""
    path = Path(raw_dir) / TOPOLOGY_FILE
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _topology(str(path), mtime)
