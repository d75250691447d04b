"""Risk-factor scores and the overall profile, computed from indicator ratings.

The rule is deliberately simple, so that anyone can check it by hand:

1. **Indicator points.** absent = 0, present = 1, serious = 2. "Not assessed" (or not rated)
   indicators are left out — they count neither for nor against.
2. **Risk-factor level** = the highest rating among its assessed indicators (one serious
   indicator makes the factor *serious*); *not assessed* when none of them is.
3. **Risk-factor score** (0-100) = points ÷ (2 × assessed indicators) × 100: how much of what
   was assessed is present, serious counting double. **Coverage** = assessed ÷ all indicators.
4. **Trend** of a factor: *worsening* if more of its indicators worsen than improve,
   *improving* if the reverse, else *stable*. **Confidence**: the lowest among its indicators.
5. **Overall profile** for a view (all atrocity crimes RF1-14; genocide RF1-10; crimes against
   humanity RF1-8, 11, 12; war crimes RF1-8, 13, 14):
   - *serious* if any crime-specific factor of the view is serious, or at least half of the
     view's assessed factors are serious;
   - otherwise *present* if any assessed factor is present or serious;
   - otherwise *absent* if anything was assessed; else *not assessed*.
   The overall score is the mean of the assessed factors' scores, shown with its coverage.
6. **Minimum coverage** (profile_rule.yaml): a view gets a level only when enough of its
   factors are assessed, its crime-specific ones included; below that it reads *too little
   assessed* (level `insufficient`) with what is missing, and the level the rule would give
   is kept apart as `provisional_level` for analysts.

This is an aid to structured judgement, not a probability: the Framework of Analysis itself
says the more factors and indicators present, the greater the risk, and leaves the weighing to
analysts.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from forewarn.assess.catalog import CRIME_VIEWS, Framework
from forewarn.assess.catalog_shapes import ProfileRuleIn
from forewarn.catalog.validation import validate

POINTS = {"absent": 0, "present": 1, "serious": 2}
LEVELS = ("absent", "present", "serious")
CONF_ORDER = ("low", "medium", "high")

RULE_TEXT = [
    "Indicator points: absent 0, present 1, serious 2; not-assessed indicators are left out.",
    "Risk-factor level: the highest rating among its assessed indicators.",
    "Risk-factor score (0-100): points ÷ (2 × assessed indicators) × 100; coverage = assessed "
    "÷ all indicators.",
    "Trend: worsening if more indicators worsen than improve, improving if the reverse, else "
    "stable. Confidence: the lowest of its indicators.",
    "Overall (per crime view): serious if any crime-specific factor is serious or at least half "
    "the assessed factors are serious; else present if any factor is present or serious; else "
    "absent; not assessed when nothing in the view was assessed. Overall score: mean of the "
    "assessed factors' scores.",
]


@cache
def minimum_coverage() -> dict[str, dict]:
    """The minimums of profile_rule.yaml, per crime view."""
    text = (resources.files("forewarn.assess") / "profile_rule.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    validate(ProfileRuleIn, data, "profile_rule.yaml")
    return data["minimum_coverage"]


def coverage_rule_text() -> str:
    parts = []
    for view, m in minimum_coverage().items():
        need = f"{m['min_factors']} of {len(CRIME_VIEWS[view][1])} factors assessed"
        if m["required"]:
            need += f", including {' and '.join(m['required'])}"
        parts.append(f"{CRIME_VIEWS[view][0]}: {need}")
    return ("Minimum coverage before a view gets a level (otherwise it reads 'too little "
            "assessed'): " + "; ".join(parts) + ".")


RULE_TEXT.append(coverage_rule_text())


def factor_profile(factor, ratings: dict[str, dict]) -> dict:
    assessed = [ratings[i.id] for i in factor.indicators
                if i.id in ratings and ratings[i.id]["rating"] in POINTS]
    total = len(factor.indicators)
    out = {"id": factor.id, "title": factor.title, "indicators": total,
           "assessed": len(assessed), "coverage": round(len(assessed) / total, 3),
           "level": "not_assessed", "score": None, "trend": None, "confidence": None,
           "counts": {lvl: sum(r["rating"] == lvl for r in assessed) for lvl in LEVELS}}
    if not assessed:
        return out
    points = sum(POINTS[r["rating"]] for r in assessed)
    out["level"] = max((r["rating"] for r in assessed), key=POINTS.__getitem__)
    out["score"] = round(100 * points / (2 * len(assessed)), 1)
    worse = sum(r.get("trend") == "worsening" for r in assessed)
    better = sum(r.get("trend") == "improving" for r in assessed)
    if any(r.get("trend") for r in assessed):
        out["trend"] = ("worsening" if worse > better else
                        "improving" if better > worse else "stable")
    confs = [r["confidence"] for r in assessed if r.get("confidence")]
    out["confidence"] = min(confs, key=CONF_ORDER.index) if confs else None
    return out


def view_profile(framework: Framework, factors: dict[str, dict], view: str) -> dict:
    label, ids = CRIME_VIEWS[view]
    members = [factors[fid] for fid in ids]
    assessed = [f for f in members if f["level"] != "not_assessed"]
    out = {"view": view, "label": label, "factors": list(ids), "assessed_factors": len(assessed),
           "assessed_ids": [f["id"] for f in assessed],
           "coverage": round(len(assessed) / len(ids), 3), "level": "not_assessed",
           "provisional_level": None, "score": None,
           "reason": "nothing in this view has been assessed"}
    if not assessed:
        return out
    _label(framework, out, view, assessed)
    need = minimum_coverage()[view]
    gaps = [fid for fid in need["required"] if fid not in out["assessed_ids"]]
    if len(assessed) < need["min_factors"] or gaps:
        out["provisional_level"], out["level"] = out["level"], "insufficient"
        missing = [f"{len(assessed)} of {len(ids)} factors assessed, {need['min_factors']} "
                   "needed"] if len(assessed) < need["min_factors"] else []
        if gaps:
            missing.append(f"{', '.join(gaps)} not assessed")
        out["reason"] = "too little assessed for a level: " + "; ".join(missing)
    return out


def _label(framework: Framework, out: dict, view: str, assessed: list) -> None:
    """The level the rule gives from what was assessed (before the coverage minimum)."""
    ids = CRIME_VIEWS[view][1]
    specific = {fid for fid in ids if framework.factor(fid).category == "specific"}
    serious = [f["id"] for f in assessed if f["level"] == "serious"]
    serious_specific = [fid for fid in serious if fid in specific]
    out["score"] = round(sum(f["score"] for f in assessed) / len(assessed), 1)
    if serious_specific:
        out["level"] = "serious"
        out["reason"] = f"crime-specific factor serious: {', '.join(serious_specific)}"
    elif len(serious) * 2 >= len(assessed):
        out["level"] = "serious"
        out["reason"] = f"{len(serious)} of {len(assessed)} assessed factors serious"
    elif any(f["level"] == "present" for f in assessed) or serious:
        present = [f["id"] for f in assessed if f["level"] in ("present", "serious")]
        out["level"] = "present"
        out["reason"] = f"factors present: {', '.join(present)}"
    else:
        out["level"] = "absent"
        out["reason"] = f"all {len(assessed)} assessed factors absent"


def compute_profile(framework: Framework, ratings: list[dict]) -> dict:
    """Factor scores and the four crime views from a snapshot's ratings (list of dicts)."""
    by_id = {r["indicator"]: r for r in ratings}
    factors = {f.id: factor_profile(f, by_id) for f in framework.factors}
    return {"factors": [factors[f.id] for f in framework.factors],
            "views": {v: view_profile(framework, factors, v) for v in CRIME_VIEWS}}
