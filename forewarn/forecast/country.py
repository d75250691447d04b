"""The country page's "Forecast in context" section (issue 25).

Beside Forewarn's figure: the Early Warning Project's published risk and rank for the same
window; what data the forecast rests on and which window it covers, in plain words (a
forecast from 2024 data is for 2025-2026, a window that may be nearly over); the change
figure and what it compares (forecast/change.py, the same one the movers list shows); and a
calibration plot of the stored backtest on the model's own target: year T's risk against a
new onset in T+1 or T+2.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forewarn.forecast import change as trend
from forewarn.forecast import metrics
from forewarn.forecast.models import ForecastPrediction
from forewarn.forecast.published import published_forecast
from forewarn.store.models import EwpCountryYear
from forewarn.web.charts import Series, fmt_pct, line_chart
from forewarn.web.sections import register_country_section

_calibration_cache: dict[tuple[str, int], dict] = {}
# Bands with fewer country-years are listed in the table but not plotted: a share from a
# handful of rows (3 rows, 2 onsets: 67%) would set the chart's scale and say little.
MIN_BAND_ROWS = 30


def window_statement(data_year: int, today: date) -> dict:
    """The forecast window (data_year+1 .. data_year+2) and how much of it has passed."""
    first, last = data_year + 1, data_year + 2
    months = (today.year - first) * 12 + today.month - 1  # whole months gone before today
    passed = max(0, min(24, months))
    if passed >= 24:
        status = f"The window {first}–{last} is over; the forecast is kept for the record."
    elif passed == 0:
        status = f"The window {first}–{last} has not begun."
    else:
        status = (f"As of {today.isoformat()}, {passed} of the window's 24 months have passed"
                  + (": it is nearly over." if passed >= 18 else "."))
    return {"data_year": data_year, "window": [first, last], "months_passed": passed,
            "as_of": today.isoformat(),
            "text": f"The data end in {data_year}; the forecast is the risk that a new mass "
                    f"killing begins in {first} or {last}. {status}"}


def native_calibration(session: Session, run_id: int) -> dict:
    """Risk bands of a stored backtest's year-T risks against the observed share with a new
    onset in T+1 or T+2 (EWP mk_onset; years whose T+2 is not yet observed are left out)."""
    # Keyed by database too: run ids restart in each database a process serves.
    key = (str(session.get_bind().url), run_id)
    if key in _calibration_cache:
        return _calibration_cache[key]
    onsets = {(c, y): o for c, y, o in session.execute(
        select(EwpCountryYear.country_id, EwpCountryYear.year, EwpCountryYear.mk_onset))}
    last = max((y for _, y in onsets), default=0)
    risk, truth = [], []
    for cid, year, p in session.execute(
            select(ForecastPrediction.country_id, ForecastPrediction.year,
                   ForecastPrediction.risk).where(ForecastPrediction.run_id == run_id)):
        if year + 2 > last:
            continue
        risk.append(p)
        truth.append(max(onsets.get((cid, year + 1), 0), onsets.get((cid, year + 2), 0)))
    table = metrics.calibration_table(np.array(truth), np.array(risk))
    rows = [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
            for r in table.to_dict(orient="records")]
    years = sorted({y for (_, y) in onsets})
    out = {"rows": rows, "n": len(risk), "onsets": int(sum(truth)),
           "brier": metrics.brier(truth, risk) if risk else None,
           "first_year": years[0] if years else None, "last_scored_year": last - 2}
    _calibration_cache.clear()  # only the newest backtest is ever shown
    _calibration_cache[key] = out
    return out


def calibration_chart(cal: dict, risk: float | None, name: str):
    used = [r for r in cal["rows"] if r["n"] >= MIN_BAND_ROWS]
    points = [(r["mean_risk"], r["observed"]) for r in used]
    top = max([0.05] + [max(x, y) for x, y in points]) * 1.05
    highlight = [(risk, risk, f"{name} now")] if risk is not None else []
    series = [Series("Backtest: observed share with an onset in T+1 or T+2", points,
                     highlight=highlight)]
    return line_chart(
        series, title="Calibration of the backtest on the model's own target",
        desc="Each point is a risk band of the out-of-sample backtest: mean forecast risk "
             "against the share of those country-years followed by a new mass killing in "
             "the next two years. On the diagonal the risks were right on average. " +
             "; ".join(f"{fmt_pct(r['mean_risk'])} forecast, {fmt_pct(r['observed'])} "
                       f"observed ({r['n']} country-years)" for r in used),
        y_format=fmt_pct, x_format=fmt_pct, x_range=(0.0, top), y_max=top, diagonal=True,
        x_label="forecast risk (year T)", y_label="observed share with an onset in T+1 or T+2",
        height=300)


def ewp_published(session: Session, iso3: str) -> dict | None:
    """The EWP's published risk and rank for this country (its 2025 assessment)."""
    settings = session.info.get("settings")
    if settings is None:
        return None
    fc = published_forecast(settings.raw_dir)
    if fc is None:
        return None
    row = fc.by_iso3.get(iso3)
    base = {"year": fc.year, "window": fc.outcome_years, "countries_ranked": len(fc.rows),
            "version": fc.model_version}
    return {**base, "risk": row.risk if row else None, "rank": row.rank if row else None}


# Public forecast data only, never who is asking: one copy per permission set.
@register_country_section("forecast-context", "Forecast in context",
                          "forecast/country_section.html", order=110, class_cache=True)
def forecast_context(session: Session, country: dict) -> dict | None:
    iso3 = country["iso3"]
    fc = trend.latest_run(session, "forecast")
    if fc is None:
        return None
    latest = (ForecastPrediction.run_id == fc.id, ForecastPrediction.year == fc.data_through)
    ours = session.execute(select(ForecastPrediction.risk, ForecastPrediction.rank).where(
        *latest, ForecastPrediction.country_id == country["id"])).first()
    ranked = session.scalar(select(func.count()).select_from(ForecastPrediction).where(*latest))
    bt = trend.backtest_for(session, fc)
    cal = native_calibration(session, bt.id) if bt is not None else None
    risk = float(ours.risk) if ours else None
    return {
        "forewarn": {"risk": risk, "rank": int(ours.rank) if ours else None,
                     "countries_ranked": ranked, "year": fc.data_through,
                     "window": [fc.data_through + 1, fc.data_through + 2],
                     "model_version": fc.model_version},
        "ewp": ewp_published(session, iso3),
        "window": window_statement(fc.data_through, date.today()),
        "change": trend.risk_change(session, iso3),
        "calibration": cal,
        "min_band_rows": MIN_BAND_ROWS,
        "calibration_chart": str(calibration_chart(cal, risk, country.get("name", iso3)))
        if cal and cal["n"] else None,
    }
