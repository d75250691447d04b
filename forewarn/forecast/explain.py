"""Why a country's risk is what it is, and why it moved: per-predictor contributions to the
model's log-odds, grouped by Framework-of-Analysis risk factor.

Contributions are exact: for the elastic-net logit they are coefficient × standardised value,
for the trees LightGBM's TreeSHAP values (pred_contrib), and for the ensemble the same affine
blend of the two; each country's contributions plus the base value equal its log-odds. The
change since the previous year is the difference of the two years' contributions, predictor by
predictor; for the linear model it is non-zero only for predictors whose value moved, for
trees a predictor that did not move can still shift (its effect depends on the others).
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from forewarn.catalog.validation import validate
from forewarn.forecast.catalog_shapes import PredictorRiskFactorsIn

RISK_FACTOR_FILE = "predictor_risk_factors.yaml"
RISK_FACTOR_IDS = tuple(f"RF{i}" for i in range(1, 15))


@lru_cache
def risk_factors() -> dict[str, dict]:
    """predictor → {label, risk_factor, indicator?, also?, note?} from the catalogue file."""
    text = resources.files("forewarn.catalog").joinpath(RISK_FACTOR_FILE).read_text("utf-8")
    data = yaml.safe_load(text)
    validate(PredictorRiskFactorsIn, data, RISK_FACTOR_FILE)
    return data


def _num(v) -> float | None:
    v = float(v)
    return None if math.isnan(v) else v


def contributions(model, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(n × p contributions to the log-odds, n base values) for any of our estimators."""
    contrib, base = model.contributions(X)
    return np.asarray(contrib, dtype=float), np.broadcast_to(
        np.asarray(base, dtype=float), (len(X),)).copy()


def _item(name: str, value, contribution: float) -> dict:
    info = risk_factors().get(name, {})
    return {"predictor": name, "label": info.get("label", name), "value": _num(value),
            "contribution": float(contribution), "risk_factor": info.get("risk_factor"),
            "indicator": info.get("indicator"), "also": info.get("also", [])}


def by_risk_factor(items: list[dict]) -> dict[str, float]:
    out: dict[str, float] = {}
    for it in items:
        rf = it.get("risk_factor") or "unmapped"
        out[rf] = out.get(rf, 0.0) + it["contribution"]
    return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))


def explain_frame(model, rows: pd.DataFrame, columns: list[str]) -> list[dict]:
    """One explanation per row of `rows` (which hold iso3, year and the model's columns):
    contributions sorted by size, log-odds, risk, base and totals per risk factor."""
    X = rows[columns]
    contrib, base = contributions(model, X)
    logit = model.decision_function(X)
    out = []
    for i in range(len(rows)):
        items = [_item(c, X.iloc[i, j], contrib[i, j]) for j, c in enumerate(columns)
                 if contrib[i, j] != 0.0]
        items.sort(key=lambda d: -abs(d["contribution"]))
        out.append({"iso3": str(rows["iso3"].iloc[i]), "year": int(rows["year"].iloc[i]),
                    "logit": float(logit[i]), "risk": float(1 / (1 + math.exp(-logit[i]))),
                    "base": float(base[i]), "contributions": items,
                    "by_risk_factor": by_risk_factor(items)})
    return out


def _moved(a, b) -> bool:
    a, b = _num(a), _num(b)
    if a is None or b is None:
        return a is not b
    return not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def change(current: dict, previous: dict) -> dict:
    """Decompose the change in log-odds between two explanations of the same model."""
    now = {d["predictor"]: d for d in current["contributions"]}
    before = {d["predictor"]: d for d in previous["contributions"]}
    items = []
    for name in sorted(set(now) | set(before)):
        a, b = before.get(name), now.get(name)
        c_a = a["contribution"] if a else 0.0
        c_b = b["contribution"] if b else 0.0
        v_a = a["value"] if a else None
        v_b = b["value"] if b else None
        if c_b - c_a == 0.0:
            continue
        item = _item(name, np.nan, c_b - c_a)
        item.update(value=v_b, previous=v_a, moved=_moved(v_a if v_a is not None else np.nan,
                                                          v_b if v_b is not None else np.nan))
        items.append(item)
    items.sort(key=lambda d: -abs(d["contribution"]))
    return {"previous_year": previous["year"], "previous_risk": previous["risk"],
            "previous_logit": previous["logit"],
            "delta_logit": current["logit"] - previous["logit"],
            "delta_risk": current["risk"] - previous["risk"],
            "base_change": current["base"] - previous["base"],
            "contributions": items, "by_risk_factor": by_risk_factor(items)}


def explain_years(model, panel: pd.DataFrame, columns: list[str], year: int) -> dict[str, dict]:
    """iso3 → explanation of its year-T risk with the change since T-1 (when it has a T-1)."""
    now = explain_frame(model, panel[panel["year"] == year], columns)
    before = {e["iso3"]: e for e in explain_frame(model, panel[panel["year"] == year - 1],
                                                  columns)}
    out = {}
    for e in now:
        if e["iso3"] in before:
            e["change"] = change(e, before[e["iso3"]])
        out[e["iso3"]] = e
    return out
