"""Backtest summaries: every metric for a model and for the EWP's FOOS record, computed by the
same code on the same 5,032 country-years, with bootstrap intervals and the probability that
the model beats the EWP."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forewarn.forecast import metrics

DECADES = ((1994, 2003), (2004, 2013), (2014, 2024))
CATCH_MAX_K = 60


def _catch_curve(scored: pd.DataFrame) -> list[dict]:
    ranks = scored.loc[scored["mk_onset"] == 1, "rank"].to_numpy()
    return [{"k": k, "caught": int((ranks <= k).sum())} for k in range(1, CATCH_MAX_K + 1)]


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and np.isnan(v) else
                 v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def decade_auc(scored: pd.DataFrame) -> dict[str, float]:
    out = {}
    for lo, hi in DECADES:
        part = scored[(scored["year"] >= lo) & (scored["year"] <= hi)]
        out[f"{lo}-{hi}"] = metrics.auc(part["mk_onset"], part["risk"])
    return out


def summarise(scored: pd.DataFrame, ewp: pd.DataFrame, model: str, seconds: float,
              n_boot: int = 1000, seed: int = 0) -> dict:
    """Metrics of `scored` (year, ccode, mk_onset, risk, rank) beside the EWP's on the same
    rows; raises if the rows differ."""
    key = ["year", "ccode"]
    if not scored[key].reset_index(drop=True).equals(ewp[key].reset_index(drop=True)):
        raise ValueError("model and EWP were not scored on the same country-years")
    y = scored["mk_onset"].to_numpy()
    scorers = {"model": (scored["risk"].to_numpy(), scored["rank"].to_numpy()),
               "ewp": (ewp["risk"].to_numpy(), ewp["rank"].to_numpy())}
    boot = {mode: metrics.bootstrap(y, scorers, n=n_boot, mode=mode, seed=seed)
            for mode in ("country_years", "onsets")} if n_boot else {}
    ours = metrics.score_all(y, *scorers["model"])
    theirs = metrics.score_all(y, *scorers["ewp"])
    cut = metrics.year_cutoffs(scored["year"])
    top = {"model": (scorers["model"][1], cut), "ewp": (scorers["ewp"][1], cut)}
    top_boot = metrics.bootstrap_top_share(y, top, n=n_boot, seed=seed) if n_boot else None
    dec_ours, dec_ewp = decade_auc(scored), decade_auc(ewp)

    def iv(mode, who):
        return boot[mode]["interval"][who] if boot else None

    return {
        "model": model, "evaluated": int(len(scored)), "onsets": int(y.sum()),
        "years": [int(scored["year"].min()), int(scored["year"].max())],
        "seconds": float(seconds), "metrics": ours, "n_boot": n_boot,
        "intervals": iv("country_years", "model"),
        "intervals_onsets": iv("onsets", "model"),
        "p_better": boot["country_years"]["p_better"]["ewp"] if boot else None,
        "p_better_onsets": boot["onsets"]["p_better"]["ewp"] if boot else None,
        "ratios": {m: (ours[m] / theirs[m] if theirs[m] else None) for m in ours},
        "decade_auc": [{"decade": d, "model": dec_ours[d], "ewp": dec_ewp[d]} for d in dec_ours],
        "catch_curve": _catch_curve(scored),
        "catch_by_year": _records(metrics.catch_by_year(scored)),
        "calibration": _records(metrics.calibration_table(y, scored["risk"])),
        # Goldsmith et al. (2013): share of onsets in their year's top 5% of risk
        "goldsmith_top5": {
            "model": metrics.top_share_caught(y, *top["model"]),
            "ewp": metrics.top_share_caught(y, *top["ewp"]),
            "cutoffs": [int(cut.min()), int(cut.max())],
            "interval": top_boot["interval"]["model"] if top_boot else None,
            "interval_ewp": top_boot["interval"]["ewp"] if top_boot else None,
            "p_better": top_boot["p_better"]["ewp"] if top_boot else None},
        "ewp": {
            "model": "EWP published (FOOS)", "metrics": theirs,
            "intervals": iv("country_years", "ewp"),
            "intervals_onsets": iv("onsets", "ewp"),
            "catch_curve": _catch_curve(ewp),
            "catch_by_year": _records(metrics.catch_by_year(ewp)),
            "calibration": _records(metrics.calibration_table(y, ewp["risk"])),
        },
    }


LABELS = {"auc": "AUC", "aupr": "AUPR", "brier": "Brier", "log_loss": "Log loss",
          "top10": "Top-10", "top20": "Top-20", "top30": "Top-30"}


def metric_rows(summary: dict) -> list[dict]:
    """One row per metric: model, EWP, ratio, model interval, P(model better) both ways."""
    rows = []
    for m, label in LABELS.items():
        ours, theirs = summary["metrics"][m], summary["ewp"]["metrics"][m]
        iv = (summary.get("intervals") or {}).get(m)
        rows.append({
            "metric": label, "model": ours, "ewp": theirs,
            "ratio": ours / theirs if theirs else float("nan"),
            "interval": iv,
            "p_better_cy": (summary.get("p_better") or {}).get(m),
            "p_better_onsets": (summary.get("p_better_onsets") or {}).get(m),
        })
    top = summary.get("goldsmith_top5")
    if top:  # stored backtests from before issue 25 lack it
        rows.append({"metric": "Goldsmith top-5% share", "model": top["model"],
                     "ewp": top["ewp"],
                     "ratio": top["model"] / top["ewp"] if top["ewp"] else float("nan"),
                     "interval": top["interval"], "p_better_cy": top["p_better"],
                     "p_better_onsets": None})
    return rows


def fmt(value: float, metric: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if metric.startswith("Top"):
        return f"{value:.0f}"
    return f"{value:.5f}" if metric == "Brier" else f"{value:.3f}"
