"""Read functions for the web app: everything comes from the stored runs (no model is fitted
per request). See forewarn/forecast/__init__.py for the documented interface."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.forecast import change as trend
from forewarn.forecast.models import ForecastExplanation, ForecastPrediction
from forewarn.store.models import Country

_latest_run = trend.latest_run


def _country(session: Session, iso3: str) -> Country | None:
    return session.scalar(select(Country).where(Country.iso3 == iso3.upper()))


def latest_forecast(session: Session, model: str | None = None) -> list[dict]:
    """The newest stored forecast, one dict per country ranked 1 = highest risk."""
    run = _latest_run(session, "forecast", model)
    if run is None:
        return []
    rows = session.execute(
        select(ForecastPrediction, Country.iso3, Country.name)
        .join(Country, Country.id == ForecastPrediction.country_id)
        .where(ForecastPrediction.run_id == run.id)).all()
    changes = trend.risk_changes(session, model)  # the one change figure (forecast/change.py)
    out = []
    for p, iso, name in rows:
        if p.year != run.data_through:
            continue
        ch = changes.get(iso, {})
        out.append({"iso3": iso, "name": name, "ewp_name": p.ewp_name, "ccode": p.ccode,
                    "risk": p.risk, "rank": p.rank, "year": p.year,
                    "model_version": run.model_version,
                    "previous_risk": ch.get("previous_risk"), "change": ch.get("change"),
                    "change_compares": ch.get("compares")})
    return sorted(out, key=lambda r: r["rank"])


def risk_history(session: Session, iso3: str, model: str | None = None) -> list[dict]:
    """Risk by origin year: the newest backtest (1993-2023) and the newest forecast year; the
    year before the forecast's comes from the forecast run only when no backtest has it, as
    in change.risk_changes, so the chart's last two points are the change figure's."""
    country = _country(session, iso3)
    if country is None:
        return []
    fc = _latest_run(session, "forecast", model)
    bt = trend.backtest_for(session, fc, model)
    out: dict[int, dict] = {}
    if fc is not None:
        q = select(ForecastPrediction).where(ForecastPrediction.run_id == fc.id,
                                             ForecastPrediction.country_id == country.id,
                                             ForecastPrediction.year == fc.data_through - 1)
        for p in session.scalars(q):
            out[p.year] = {"year": p.year, "risk": p.risk, "rank": p.rank,
                           "source": trend.REFIT_SOURCE, "model_version": fc.model_version}
    for run, source in ((bt, "backtest"), (fc, "forecast")):
        if run is None:
            continue
        q = select(ForecastPrediction).where(ForecastPrediction.run_id == run.id,
                                             ForecastPrediction.country_id == country.id)
        for p in session.scalars(q):
            if source == "forecast" and p.year != run.data_through:
                continue
            out[p.year] = {"year": p.year, "risk": p.risk, "rank": p.rank, "source": source,
                           "model_version": run.model_version}
    return [out[y] for y in sorted(out)]


def explanation(source, iso3: str, model: str | None = None, year: int | None = None
                ) -> dict | None:
    """Contributions to a country's latest forecast and to its change since the year before.

    `source` is a Session (reads the explanation stored by `forewarn forecast forecast`) or a
    fitted service.ForecastResult (computes it from the model in memory)."""
    if not isinstance(source, Session):
        from forewarn.forecast import explain

        frame = getattr(source, "panel", None)
        if frame is None:
            raise TypeError("explanation() needs a Session or a ForecastResult with .panel")
        target = year or source.year
        return explain.explain_years(source.model, frame[frame["iso3"] == iso3.upper()],
                                     source.columns, target).get(iso3.upper())
    run = _latest_run(source, "forecast", model)
    country = _country(source, iso3)
    if run is None or country is None:
        return None
    q = select(ForecastExplanation).where(ForecastExplanation.run_id == run.id,
                                          ForecastExplanation.country_id == country.id)
    if year is not None:
        q = q.where(ForecastExplanation.year == year)
    row = source.scalar(q.order_by(ForecastExplanation.year.desc()).limit(1))
    if row is None:
        return None
    return {**row.detail, "name": country.name, "model_version": run.model_version}


def backtest_summary(session: Session, model: str | None = None) -> dict | None:
    """The newest stored backtest's metrics beside the EWP FOOS row, with plot paths."""
    run = _latest_run(session, "backtest", model)
    if run is None:
        return None
    return {**run.summary, "model_version": run.model_version, "model_name": run.model_name,
            "created_at": run.created_at.isoformat(), "plots": run.artifacts,
            "retune_every": run.params.get("retune_every")}


def plot_paths(session: Session, model: str | None = None) -> dict[str, Path]:
    """Plot files of the newest backtest: name → path (catch.png, calibration.svg, ...)."""
    run = _latest_run(session, "backtest", model)
    if run is None:
        return {}
    out = {}
    for name, formats in (run.artifacts or {}).items():
        if isinstance(formats, dict):
            for ext, path in formats.items():
                out[f"{name}.{ext}"] = Path(path)
    return out


def ewp_comparison(session: Session, model: str | None = None) -> dict | None:
    """The newest forecast's comparison with the EWP's published ranking."""
    run = _latest_run(session, "forecast", model)
    return None if run is None else run.summary.get("ewp_comparison")
