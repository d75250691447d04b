"""The one trend figure: how a country's risk moved since the previous year's forecast.

Every page and capability that shows a change in risk reads it here (the country page's
headline, the home page's movers, the planner in forewarn.respond), so they can never
disagree (issue 21's "one trend everywhere").

What it compares: the newest stored forecast (predictors of year T, risk of an onset in
T+1 or T+2) against the forecast that was made from year T-1's data. That earlier forecast is
the newest backtest's origin T-1, i.e. a model fitted only on what was known then, the same
point the country page's risk chart shows for T-1. Only when no backtest covers T-1 does it
fall back to the forecast run's own row for T-1 (today's model on last year's data), and it
says so in `previous_source`; risk_history() shows that same point, so chart and headline
still agree.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.forecast.models import ForecastPrediction, ForecastRun
from forewarn.store.models import Country

BACKTEST_SOURCE = "backtest"  # the forecast made from T-1's data, out of sample
REFIT_SOURCE = "forecast (today's model on the year before's data)"


def latest_run(session: Session, kind: str, model: str | None = None) -> ForecastRun | None:
    q = select(ForecastRun).where(ForecastRun.kind == kind)
    if model is not None:
        q = q.where(ForecastRun.model_name == model)
    return session.scalar(q.order_by(ForecastRun.id.desc()).limit(1))


def backtest_for(session: Session, forecast: ForecastRun | None,
                 model: str | None = None) -> ForecastRun | None:
    """The backtest shown beside a forecast: the newest of the same model, else the newest."""
    return (latest_run(session, "backtest", model or (forecast.model_name if forecast else None))
            or latest_run(session, "backtest"))


def _risks(session: Session, run: ForecastRun | None, year: int) -> dict[str, float]:
    if run is None:
        return {}
    rows = session.execute(
        select(Country.iso3, ForecastPrediction.risk)
        .join(Country, Country.id == ForecastPrediction.country_id)
        .where(ForecastPrediction.run_id == run.id, ForecastPrediction.year == year)).all()
    return {iso: float(risk) for iso, risk in rows}


def risk_changes(session: Session, model: str | None = None) -> dict[str, dict]:
    """ISO3 → {year, risk, previous_year, previous_risk, previous_source, change, compares}
    for every country of the newest stored forecast; `change` is risk - previous_risk as a
    probability (None when the country has no earlier forecast)."""
    fc = latest_run(session, "forecast", model)
    if fc is None:
        return {}
    year, prev_year = fc.data_through, fc.data_through - 1
    now = _risks(session, fc, year)
    from_backtest = _risks(session, backtest_for(session, fc, model), prev_year)
    refit = _risks(session, fc, prev_year)
    out = {}
    for iso, risk in now.items():
        if iso in from_backtest:
            prev, source = from_backtest[iso], BACKTEST_SOURCE
        elif iso in refit:
            prev, source = refit[iso], REFIT_SOURCE
        else:
            prev, source = None, None
        out[iso] = {"year": year, "risk": risk, "previous_year": prev_year,
                    "previous_risk": prev, "previous_source": source,
                    "change": None if prev is None else risk - prev,
                    "compares": compares(year, prev_year, source)}
    return out


def risk_change(session: Session, iso3: str, model: str | None = None) -> dict | None:
    """One country's entry of risk_changes (None if it has no stored forecast)."""
    return risk_changes(session, model).get(iso3.upper())


def compares(year: int, prev_year: int, source: str | None) -> str:
    """What the change figure compares, in words, for the pages to show beside it."""
    if source is None:
        return f"no forecast from {prev_year} data to compare with"
    how = ("made then, by a model fitted only on what was known then" if source ==
           BACKTEST_SOURCE else "made by today's model")
    return (f"forecast from {year} data against the forecast from {prev_year} data, {how} "
            f"(the last two points of the risk chart)")
