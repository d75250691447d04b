"""The model page: how the forecast is made and how well it did, beside the EWP's own record.

The EWP's published fully-out-of-sample (FOOS) forecasts are scored here with the forecasting
sub-package's own metric functions (once per file version), so the EWP row exists even before
Forewarn's backtest has been run; Forewarn's figures come from the stored backtest summary.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.data import readers
from forewarn.data.sources import load_sources
from forewarn.forecast import (
    TOP_SHARE,
    calibration_table,
    catch_by_year,
    read_foos,
    score_all,
    top_share_caught,
    year_cutoffs,
)
from forewarn.web import forecast_source as fs
from forewarn.web.watchlist import SOURCE_LABELS

EWP_FOOS_LABEL = "EWP published (FOOS)"
MODEL_INPUTS = [readers.EWP_PREDICTORS, readers.EWP_FOOS, readers.EWP_FINAL, readers.UCDP_CY,
                readers.UNHCR_POPULATION, readers.IDMC_IDPS, readers.EWP_EPISODES]
METRIC_LABELS = {"auc": "AUC", "aupr": "AUPR", "brier": "Brier", "log_loss": "Log loss",
                 "top10": "Top-10 catch", "top20": "Top-20 catch", "top30": "Top-30 catch"}
CATCH_MAX_K = 60
GOLDSMITH = {
    "label": "Top-5% share",
    "explanation": "Share of onsets whose country was in the top 5% of risk in its outcome "
                   "year{countries}: what a watch list of fixed length would have caught, "
                   "the yardstick of Goldsmith et al. (2013).",
    "citation": "Goldsmith, B. E., Butcher, C. R., Semenovich, D. & Sowmya, A. (2013). "
                "Forecasting the onset of genocide and politicide: annual out-of-sample "
                "forecasts on a global dataset, 1988-2003. Journal of Peace Research 50(4), "
                "437-452."}


def _num(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


@lru_cache(maxsize=2)
def _ewp_scores(path: str, _mtime: float) -> dict:
    foos = read_foos(Path(path))
    y, p, r = foos["mk_onset"].to_numpy(), foos["risk"].to_numpy(), foos["rank"].to_numpy()
    scores = score_all(y, p, r)
    cut = year_cutoffs(foos["year"])
    onset_ranks = sorted(int(x) for x in r[y == 1])
    return {
        "model": EWP_FOOS_LABEL, "evaluated": int(len(foos)), "onsets": int(y.sum()),
        "years": [int(foos["year"].min()), int(foos["year"].max())],
        "metrics": scores, "intervals": None,
        "goldsmith_top5": {"share": top_share_caught(y, r, cut), "interval": None,
                           "p_better": None, "cutoffs": [int(cut.min()), int(cut.max())]},
        "catch_curve": [{"k": k, "caught": sum(x <= k for x in onset_ranks)}
                        for k in range(1, CATCH_MAX_K + 1)],
        "catch_by_year": [{k: int(v) for k, v in row.items()} for row in
                          catch_by_year(foos).to_dict(orient="records")],
        "calibration": [{k: _num(v) for k, v in row.items()} for row in
                        calibration_table(y, p).to_dict(orient="records")],
    }


def ewp_record(raw_dir: Path | None) -> dict | None:
    if raw_dir is None:
        return None
    path = Path(raw_dir) / readers.EWP_FOOS
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _ewp_scores(str(path), mtime)


def forewarn_record(summary: dict | None, default_name: str = "Forewarn") -> dict | None:
    """A backtest summary (Forewarn's, or the EWP row inside it) in the EWP record's shape."""
    if not summary:
        return None
    metrics = summary.get("metrics") or {}
    name = str(summary.get("model_version") or summary.get("model") or default_name)
    if default_name == "Forewarn" and not name.startswith("Forewarn"):
        name = f"Forewarn {name}"
    return {
        "model": name if default_name == "Forewarn" else default_name,
        "evaluated": summary.get("evaluated"),
        "onsets": summary.get("onsets"),
        "years": summary.get("years"),
        "seconds": _num(summary.get("seconds")),
        "metrics": {k: _num(v) for k, v in metrics.items()},
        "intervals": summary.get("intervals"),
        "intervals_onsets": summary.get("intervals_onsets"),
        "p_better": summary.get("p_better"),
        "p_better_onsets": summary.get("p_better_onsets"),
        "catch_curve": fs.records(summary.get("catch_curve")),
        "catch_by_year": fs.records(summary.get("catch_by_year")),
        "calibration": fs.records(summary.get("calibration")),
    }


def _interval(v) -> list[float] | None:
    return [float(x) for x in v] if v else None


def _goldsmith(summary: dict, who: str) -> dict | None:
    """The backtest summary's Goldsmith figure for "model" or "ewp" (None in summaries stored
    before it was)."""
    found = summary.get("goldsmith_top5")
    if not found or _num(found.get(who)) is None:
        return None
    return {"share": _num(found.get(who)),
            "interval": _interval(found.get("interval" if who == "model" else "interval_ewp")),
            "p_better": _num(found.get("p_better")) if who == "model" else None,
            "cutoffs": found.get("cutoffs")}


def goldsmith_block(records: list[dict]) -> dict | None:
    """What the metric is (label, one-line explanation with the year's cut-offs, citation)."""
    found = [r["goldsmith_top5"] for r in records if r.get("goldsmith_top5")]
    if not found:
        return None
    cutoffs = next((f["cutoffs"] for f in found if f.get("cutoffs")), None)
    countries = f" (the top {cutoffs[0]} to {cutoffs[1]} countries)" if cutoffs else ""
    return {**GOLDSMITH, "explanation": GOLDSMITH["explanation"].format(countries=countries),
            "top_share": TOP_SHARE, "cutoffs": cutoffs}


def plot_files(session: Session) -> dict[str, Path]:
    """The backtest's plot files (e.g. "catch.svg") that exist, for download."""
    found = fs.reader().plot_paths(session)
    return {name: Path(p) for name, p in found.items() if Path(p).is_file()}


def ewp_comparison(session: Session) -> dict | None:
    """The latest forecast beside the EWP's published ranking (rank correlation, overlap)."""
    found = fs.reader().ewp_comparison(session)
    if not found:
        return None
    keep = ("spearman", "top", "top_overlap", "only_ours", "only_ewp", "countries")
    return {k: found.get(k) for k in keep}


def sources() -> list[dict]:
    by_file = {s.file: s for s in load_sources()}
    return [{"file": f, "licence": by_file[f].licence, "citation": by_file[f].citation,
             "description": by_file[f].description} for f in MODEL_INPUTS if f in by_file]


def _goldsmith_columns(found: dict | None) -> dict:
    found = found or {}
    return {"goldsmith_top5": found.get("share"),
            "goldsmith_top5_interval": found.get("interval"),
            "goldsmith_top5_p_better": found.get("p_better")}


def build(session: Session, raw_dir: Path | None) -> dict:
    forecast = fs.latest(session, raw_dir)
    summary = fs.backtest(session) or {}
    ours = forewarn_record(summary)
    if ours is not None:
        ours["goldsmith_top5"] = _goldsmith(summary, "model")
    # The EWP row scored by the backtest's own code (with bootstrap intervals) when stored.
    ewp = forewarn_record(summary.get("ewp"), EWP_FOOS_LABEL) if summary.get("ewp") else None
    if ewp is not None:
        ewp["evaluated"] = ewp["evaluated"] or summary.get("evaluated")
        ewp["onsets"] = ewp["onsets"] or summary.get("onsets")
        ewp["goldsmith_top5"] = _goldsmith(summary, "ewp") or (
            ewp_record(raw_dir) or {}).get("goldsmith_top5")
    else:
        ewp = ewp_record(raw_dir)
    records = [r for r in (ours, ewp) if r is not None]
    table = [{"model": r["model"], "evaluated": r["evaluated"], "onsets": r["onsets"],
              **{k: r["metrics"].get(k) for k in METRIC_LABELS},
              "intervals": r.get("intervals"), "intervals_onsets": r.get("intervals_onsets"),
              "p_better": r.get("p_better"), "p_better_onsets": r.get("p_better_onsets"),
              **_goldsmith_columns(r.get("goldsmith_top5"))}
             for r in records]
    by_year: dict[int, dict] = {}
    for r, key in ((ours, "forewarn_top30"), (ewp, "ewp_top30")):
        for row in (r or {}).get("catch_by_year", []):
            y = int(row["year"])
            slot = by_year.setdefault(y, {"year": y, "onsets": row.get("onsets")})
            slot[key] = row.get("top30")
    return {
        "forecast": None if forecast is None else {
            "source": forecast.source, "source_label": SOURCE_LABELS[forecast.source],
            "year": forecast.year, "outcome_years": forecast.outcome_years,
            "model_version": forecast.model_version, "countries": len(forecast.rows)},
        "protocol": {"target": "A new mass killing (1,000+ civilians deliberately killed by an "
                     "armed group) beginning in year T+1 or T+2",
                     "first_origin": 1993, "last_origin": 2023, "gap_years": 2,
                     "scoring": "Outcome year Y scored with the larger risk of origins Y-1 "
                     "and Y-2 and the smaller of their ranks, as the EWP does"},
        "backtest_available": ours is not None,
        "backtest": None if ours is None else {
            "model_version": summary.get("model_version"), "seconds": ours.get("seconds"),
            "created_at": summary.get("created_at"), "bootstrap": summary.get("n_boot"),
            "retune_every": summary.get("retune_every"),
            "plots": sorted(plot_files(session))},
        "decade_auc": fs.records(summary.get("decade_auc")),
        "ewp_comparison": ewp_comparison(session),
        "metric_labels": METRIC_LABELS,
        "metrics": table,
        "catch_curves": {r["model"]: r["catch_curve"] for r in records if r["catch_curve"]},
        "catch_by_year": [by_year[y] for y in sorted(by_year)],
        "calibration": {r["model"]: r["calibration"] for r in records if r["calibration"]},
        "sources": sources(),
        "goldsmith_top5": goldsmith_block(records),
    }
