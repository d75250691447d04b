"""Everything the country page (and its JSON twin) shows, read from the database."""

from __future__ import annotations

import difflib
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.data import readers
from forewarn.data.sources import load_sources
from forewarn.forecast import Contribution, Explanation, risk_factors
from forewarn.store import models as m
from forewarn.web import forecast_source as fs
from forewarn.web.sections import build_sections
from forewarn.web.watchlist import SOURCE_LABELS, TOP

VIOLENCE = {"state_based_deaths": "State-based conflict", "non_state_deaths": "Non-state conflict",
            "one_sided_deaths": "One-sided violence against civilians"}
DISPLACEMENT = {"refugees": "Refugees", "asylum_seekers": "Asylum-seekers",
                "idps": "IDPs (UNHCR)", "idmc_conflict_idps": "Conflict IDPs (IDMC)"}
SOURCE_FILES = {"ewp": [readers.EWP_PREDICTORS], "ucdp": [readers.UCDP_CY, readers.UCDP_ACD],
                "unhcr": [readers.UNHCR_POPULATION, readers.IDMC_IDPS],
                "episodes": [readers.EWP_EPISODES],
                "neighbours": [readers.UCDP_CY, readers.UNHCR_POPULATION, readers.EWP_EPISODES]}


class UnknownCountry(LookupError):
    def __init__(self, code: str, suggestions: list[dict]):
        self.code, self.suggestions = code, suggestions
        hint = "; ".join(f"{s['iso3']} ({s['name']})" for s in suggestions)
        super().__init__(f"No country with ISO3 code '{code}'."
                         + (f" Did you mean {hint}?" if hint else "")
                         + " Every country is listed on the watchlist (/) and at /api/countries.")


def predictor_info() -> dict[str, dict]:
    """predictor → {label, file, origin, risk_factor, …}: the one predictor catalogue
    (forewarn/catalog/predictor_risk_factors.yaml, read through the forecast's interface)."""
    return risk_factors()


@lru_cache
def source_citations() -> dict[str, list[dict]]:
    by_file = {s.file: s for s in load_sources()}
    out = {}
    for key, files in SOURCE_FILES.items():
        out[key] = [{"file": f, "licence": by_file[f].licence, "citation": by_file[f].citation}
                    for f in files if f in by_file]
    return out


def predictor_label(name: str) -> str:
    return predictor_info().get(name, {}).get("label", name)


def find_country(session: Session, code: str) -> m.Country:
    code = (code or "").strip()
    c = session.scalar(select(m.Country).where(m.Country.iso3 == code.upper()[:3])) \
        if len(code) == 3 else None
    if c is not None:
        return c
    everyone = session.execute(select(m.Country.iso3, m.Country.name)).all()
    names = {name.lower(): iso for iso, name in everyone}
    if code.lower() in names:  # a name typed into the URL: answer with that country
        return session.scalar(select(m.Country).where(m.Country.iso3 == names[code.lower()]))
    close = difflib.get_close_matches(code.lower(), list(names), n=3, cutoff=0.6)
    close += [n for n, iso in names.items() if iso.lower() == code.lower()[:3]]
    suggestions = [{"iso3": names[n], "name": next(nm for iso, nm in everyone if iso == names[n])}
                   for n in dict.fromkeys(close)]
    raise UnknownCountry(code, suggestions[:5])


def _country_dict(c: m.Country) -> dict:
    return {"id": c.id, "iso3": c.iso3, "name": c.name, "region": c.region,
            "iso_numeric": c.iso_numeric, "cow_code": c.cow_code}


def _forecast_block(forecast: fs.Forecast | None, iso3: str) -> dict | None:
    if forecast is None:
        return None
    row = forecast.by_iso3.get(iso3)
    base = {"source": forecast.source, "source_label": SOURCE_LABELS[forecast.source],
            "year": forecast.year, "outcome_years": forecast.outcome_years,
            "model_version": forecast.model_version, "countries_ranked": len(forecast.rows),
            "top": TOP}
    if row is None:
        return {**base, "risk": None, "rank": None, "previous_risk": None, "change": None,
                "top30": False}
    return {**base, "risk": row["risk"], "rank": int(row["rank"]),
            "previous_risk": row.get("previous_risk"), "change": row.get("change"),
            "change_compares": row.get("change_compares"),  # forecast.change.compares
            "top30": int(row["rank"]) <= TOP}


def _drivers(items: tuple[Contribution, ...]) -> list[dict]:
    out = []
    for it in items:
        if it.moved is False or abs(it.contribution) < 1e-9:
            continue
        rf = list(it.risk_factor) if isinstance(it.risk_factor, tuple) else it.risk_factor
        out.append({"feature": it.predictor,
                    "label": it.label or predictor_info().get(it.predictor, {}).get("label")
                    or it.predictor,
                    "value": it.value, "previous": it.previous,
                    "contribution": float(it.contribution), "risk_factor": rf,
                    "indicator": it.indicator})
    out.sort(key=lambda d: -abs(d["contribution"]))
    return out


def _scalars(obj) -> dict:
    return {f.name: getattr(obj, f.name) for f in fields(obj)
            if isinstance(getattr(obj, f.name), (int, float, str))
            and not isinstance(getattr(obj, f.name), bool)}


def drivers(explanation: Explanation | None) -> dict | None:
    """Contributions to the current forecast (log-odds: base + contributions = logit) and to
    the change since the previous year, each also summed by Framework risk factor."""
    if explanation is None:
        return None
    change = explanation.change
    return {**_scalars(explanation), "current": _drivers(explanation.contributions),
            "change": _drivers(change.contributions) if change else [],
            "change_summary": _scalars(change) if change else {},
            "by_risk_factor": _by_rf(explanation.by_risk_factor),
            "change_by_risk_factor": _by_rf(change.by_risk_factor if change else None)}


def _by_rf(d) -> list[dict]:
    """{RF id: summed contribution} → rows, largest effect first."""
    if not isinstance(d, dict):
        return []
    rows = [{"risk_factor": k, "contribution": float(v)} for k, v in d.items()
            if isinstance(v, (int, float))]
    return sorted(rows, key=lambda r: -abs(r["contribution"]))


def _predictors(panel: list[m.EwpCountryYear], explained: dict | None) -> dict:
    """The latest year's predictor values, the year before, and where each comes from."""
    if not panel:
        return {"year": None, "rows": []}
    last, prev = panel[-1], (panel[-2] if len(panel) > 1 else None)
    info = predictor_info()
    values = dict(last.predictors)
    before = dict(prev.predictors) if prev else {}
    if explained:  # derived features the model used, with their values
        for d in explained["current"]:
            if d["feature"] not in values and d["value"] is not None:
                values[d["feature"]] = d["value"]
                before[d["feature"]] = d["previous"]
    cites = source_citations()
    # The forecasting package's own labels, when it explained this forecast, so the drivers
    # and this table name each predictor the same way.
    labels = {d["feature"]: d["label"] for d in explained["current"]} if explained else {}
    rows = []
    for name, value in values.items():
        meta = info.get(name, {})
        src = meta.get("file", "ewp")
        label = labels.get(name) or meta.get("label", name)
        rows.append({"predictor": name, "label": label, "value": value,
                     "previous": before.get(name), "origin": meta.get("origin"),
                     "source": src, "files": [c["file"] for c in cites.get(src, [])]})
    return {"year": last.year, "rows": rows, "sources": cites}


def _series(session: Session, model, country_id: int, columns: dict) -> list[dict]:
    rows = session.scalars(select(model).where(model.country_id == country_id)
                           .order_by(model.year))
    return [{"year": r.year, **{c: getattr(r, c) for c in columns}} for r in rows]


_core_cache = fs.dependent_cache()


def core(session: Session, code: str, raw_dir: Path | None) -> tuple[dict, dict, int]:
    """The public part of the page (everything but contributed sections), its country row and
    the serial of the forecast it was built from; cached while that forecast is current."""
    forecast = fs.latest(session, raw_dir)
    key = (str(session.get_bind().url), str(raw_dir), code.strip().upper(),
           forecast.serial if forecast else None)
    return _core_cache.get(key, lambda: _build_core(session, code, raw_dir, forecast))


def build(session: Session, code: str, raw_dir: Path | None) -> dict:
    """The whole page: the cached public core and the sections built for this reader."""
    page, country, _ = core(session, code, raw_dir)
    return {**page, "sections": build_sections(session, country)}


def _build_core(session: Session, code: str, raw_dir: Path | None,
                forecast: fs.Forecast | None) -> tuple[dict, dict, int]:
    c = find_country(session, code)
    panel = list(session.scalars(select(m.EwpCountryYear)
                                 .where(m.EwpCountryYear.country_id == c.id)
                                 .order_by(m.EwpCountryYear.year)))
    onsets = [r.year for r in panel if r.mk_onset]
    episodes = [{"code": e.code, "name": e.name, "summary": e.summary,
                 "start_year": e.start_year, "end_year": e.end_year,
                 "ongoing": e.end_year is None, "perpetrator_type": e.perpetrator_type}
                for e in session.scalars(select(m.MassKillingEpisode)
                                         .where(m.MassKillingEpisode.country_id == c.id)
                                         .order_by(m.MassKillingEpisode.start_year))]
    history = fs.history(session, raw_dir, forecast, c.iso3)
    explained = drivers(fs.explanation(session, forecast, c.iso3))
    country = _country_dict(c)
    page = {
        "country": {k: v for k, v in country.items() if k != "id"},
        "forecast": _forecast_block(forecast, c.iso3),
        "history": [{"year": r["year"], "risk": r["risk"], "rank": r.get("rank"),
                     "source": r.get("source")} for r in history],
        "onsets": onsets,
        "drivers": explained,
        "predictors": _predictors(panel, explained),
        "episodes": episodes,
        "violence": _series(session, m.ViolenceCountryYear, c.id, VIOLENCE),
        "displacement": _series(session, m.DisplacementCountryYear, c.id, DISPLACEMENT),
        "sources": source_citations(),
    }
    return page, country, forecast.serial if forecast else 0
