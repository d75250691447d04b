"""Running models on the real data and storing what the web pages read.

backtest(): the 31-origin protocol for a named model; forecast(): the model fitted on every
year whose target is known, forecasting from the latest year, with explanations; store_run():
one ForecastRun with its predictions (and explanations) in one transaction.

The read side (latest_forecast, risk_history, explanation, backtest_summary, plot_paths,
ewp_comparison): what the web pages and other capabilities read, all from the stored runs (no
model is fitted per request). forewarn/forecast/__init__.py documents the interface.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sqlalchemy import select
from sqlalchemy.orm import Session

import forewarn
from forewarn.data import readers
from forewarn.data.importer import sync_countries
from forewarn.data.memo import FileMemo
from forewarn.forecast import change as trend
from forewarn.forecast import explain, features, protocol, registry
from forewarn.forecast.models import ForecastExplanation, ForecastPrediction, ForecastRun
from forewarn.store.models import Country

_panel = FileMemo([readers.EWP_PREDICTORS, readers.UCDP_CY, readers.UNHCR_POPULATION,
                   readers.IDMC_IDPS, readers.EWP_EPISODES, readers.UCDP_ACD,
                   *readers.PREDICTOR_FILES],
                  lambda raw_dir: features.build_panel(features.load_sources(raw_dir)))


def load_panel(raw_dir: Path) -> pd.DataFrame:
    """The modelling panel from the raw files (kept until one of them changes); raises
    FileNotFoundError naming missing files."""
    return _panel.get(raw_dir)


def model_version(name: str, params: dict) -> str:
    """name-forewarnversion-hash of the settings, so two runs of one setup share a version."""
    blob = json.dumps(params, sort_keys=True, default=str).encode()
    return f"{name}-{forewarn.__version__}-{hashlib.sha256(blob).hexdigest()[:8]}"


def _settings(name: str, columns: list[str], **extra) -> dict:
    spec = registry.get(name)
    return {"model": name, "description": spec.description,
            "estimator": repr(spec.build()), "features": columns, **extra}


@dataclass
class BacktestResult:
    name: str
    predictions: pd.DataFrame  # iso3, ccode, ewp_name, year (origin), risk, rank
    seconds: float
    params: dict
    version: str
    cpu_seconds: float = 0.0


def backtest(panel: pd.DataFrame, name: str = registry.DEFAULT_MODEL,
             retune_every: int = registry.RETUNE_EVERY,
             on_origin: Callable[[int], None] | None = None) -> BacktestResult:
    spec = registry.get(name)
    columns = spec.columns(panel)
    preds, seconds, cpu = protocol.rolling_backtest(spec.build(), panel, columns,
                                                    retune_every=retune_every,
                                                    on_origin=on_origin)
    params = _settings(name, columns, retune_every=retune_every,
                       origins=[protocol.FIRST_ORIGIN, protocol.LAST_ORIGIN])
    return BacktestResult(name, preds, seconds, params, model_version(name, params), cpu)


def export_csv(predictions: pd.DataFrame, path: Path) -> Path:
    """The stable exchange format: ccode, ewp_name, year (origin T), risk, rank."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = predictions[protocol.PREDICTION_COLUMNS].sort_values(["year", "rank"])
    out.to_csv(path, index=False, float_format="%.10g")
    return path


def read_predictions_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path)
    if list(frame.columns) != protocol.PREDICTION_COLUMNS:
        raise ValueError(f"{path}: columns {list(frame.columns)}, expected "
                         f"{protocol.PREDICTION_COLUMNS}")
    return frame


@dataclass
class ForecastResult:
    name: str
    model: object
    columns: list[str]
    year: int  # origin: the latest year with predictors
    predictions: pd.DataFrame  # latest year and the year before, ranked within year
    explanations: dict[str, dict]  # iso3 → explanation of the latest year's risk
    params: dict
    version: str
    trained_through: int
    panel: pd.DataFrame | None = None  # what explanation(result, iso3) explains from


def fit_final(panel: pd.DataFrame, name: str = registry.DEFAULT_MODEL):
    """The named model fitted on every year whose target is known (the last year T with an
    observed onset in T+1 and T+2), tuned inside that window as in the backtest."""
    spec = registry.get(name)
    columns = spec.columns(panel)
    last_known = int(panel.loc[panel[features.TARGET].notna(), "year"].max())
    model = protocol.fit_origin(spec.build(), panel, last_known + protocol.GAP, columns)
    return model, columns, last_known


def forecast(panel: pd.DataFrame, name: str = registry.DEFAULT_MODEL) -> ForecastResult:
    model, columns, trained_through = fit_final(panel, name)
    year = int(panel["year"].max())
    rows = panel[panel["year"].isin([year - 1, year])]
    preds = rows[["iso3", "ccode", "ewp_name", "year"]].copy()
    preds["risk"] = model.predict_proba(rows[columns])[:, 1]
    preds["rank"] = protocol.rank_within_year(preds)
    explanations = explain.explain_years(model, panel, columns, year)
    params = _settings(name, columns, trained_through=trained_through,
                       selected=getattr(model, "selected_", None)
                       or getattr(model, "frozen_params", lambda: None)())
    return ForecastResult(name, model, columns, year, preds.reset_index(drop=True),
                          explanations, params, model_version(name, params), trained_through,
                          panel)


def compare_with_ewp(predictions: pd.DataFrame, final_path: Path, year: int,
                     top: int = 30) -> dict:
    """Our latest ranking beside the EWP's published one (matched on COW code)."""
    ewp = readers.read_ewp_final(final_path).rename(columns={"risk": "ewp_risk",
                                                             "rank": "ewp_rank"})
    ours = predictions[predictions["year"] == year]
    both = ours.merge(ewp[["ccode", "ewp_risk", "ewp_rank"]], on="ccode", how="inner")
    both = both.sort_values("rank")
    rho = float(spearmanr(both["risk"], both["ewp_risk"]).statistic) if len(both) > 2 \
        else float("nan")
    ours_top = set(both.loc[both["rank"] <= top, "ccode"])
    theirs_top = set(both.loc[both["ewp_rank"] <= top, "ccode"])
    table = both[["iso3", "ewp_name", "risk", "rank", "ewp_risk", "ewp_rank"]]
    return {"countries": int(len(both)), "spearman": rho, "top": top,
            "top_overlap": len(ours_top & theirs_top),
            "only_ours": sorted(both.loc[both["ccode"].isin(ours_top - theirs_top),
                                         "ewp_name"]),
            "only_ewp": sorted(both.loc[both["ccode"].isin(theirs_top - ours_top),
                                        "ewp_name"]),
            "table": table.to_dict(orient="records")}


def country_ids(session: Session, iso3s) -> dict[str, int]:
    """country.id for each ISO3, adding registry countries the table does not have yet."""
    wanted = set(iso3s)
    found = dict(session.execute(select(Country.iso3, Country.id)
                                 .where(Country.iso3.in_(wanted))).all())
    if wanted - set(found):
        found = {k: v for k, v in sync_countries(session).items() if k in wanted}
    missing = wanted - set(found)
    if missing:
        raise LookupError(f"countries not in the registry: {', '.join(sorted(missing))}")
    return found


def _json_safe(obj):
    if isinstance(obj, dict):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def store_run(session: Session, kind: str, name: str, version: str, predictions: pd.DataFrame,
              *, seconds: float = 0.0, params: dict | None = None, summary: dict | None = None,
              artifacts: dict | None = None, explanations: dict[str, dict] | None = None,
              explained_year: int | None = None) -> ForecastRun:
    ids = country_ids(session, predictions["iso3"].unique())
    run = ForecastRun(kind=kind, model_name=name, model_version=version,
                      data_through=int(predictions["year"].max()), seconds=float(seconds),
                      params=_json_safe(params or {}), summary=_json_safe(summary or {}),
                      artifacts=_json_safe(artifacts or {}))
    session.add(run)
    session.flush()
    session.add_all([
        ForecastPrediction(run_id=run.id, country_id=ids[r.iso3], ccode=int(r.ccode),
                           ewp_name=str(r.ewp_name), year=int(r.year), risk=float(r.risk),
                           rank=int(r.rank))
        for r in predictions.itertuples(index=False)])
    for iso3, detail in (explanations or {}).items():
        session.add(ForecastExplanation(run_id=run.id, country_id=ids[iso3],
                                        year=int(explained_year or detail["year"]),
                                        detail=_json_safe(detail)))
    session.flush()
    return run


# The read side: everything comes from the stored runs.
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
    fitted ForecastResult (computes it from the model in memory)."""
    if not isinstance(source, Session):
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
