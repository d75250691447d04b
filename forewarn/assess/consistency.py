"""The consistency report: the same standard for every country.

For one indicator (e.g. RF1.1) or one risk factor (e.g. RF9), every country's latest published
rating is set beside the data behind it (the data-suggested signals of
`indicator_suggestions.yaml`, from the years each source had published on the assessment's
date: a September 2024 assessment is set beside 2023 figures, never the full-year 2024 data
that came out later). Two flags:

- **Inconsistent pair**: two countries whose data signal is the same (within `tolerance`
  signal levels; signals none/present/serious = 0/1/2) but whose published ratings differ by
  two levels or more (absent vs serious). For a factor, the rating is the factor level of the
  profile rule and the signal the strongest signal among its indicators.
- **Stale**: the latest published assessment is older than `max_age_days` (default 365).

Flags are questions for reviewers, not verdicts: the data are proxies and may be wrong.
"""

from __future__ import annotations

from datetime import date

from forewarn.assess import service, suggest
from forewarn.assess.catalog import Framework
from forewarn.assess.profile import compute_profile
from forewarn.assess.ratings import RATING_LEVELS

DEFAULT_MAX_AGE_DAYS = 365


def _latest_by_country(snapshots: list[dict]) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for s in snapshots:
        if s["iso3"] not in latest or s["as_of"] > latest[s["iso3"]]["as_of"]:
            latest[s["iso3"]] = s
    return latest


def _rating_for(framework: Framework, item: str, snap: dict) -> str:
    if "." in item:
        r = next((r for r in snap["ratings"] if r["indicator"] == item), None)
        return r["rating"] if r else "not_assessed"
    factor = next(f for f in compute_profile(framework, snap["ratings"])["factors"]
                  if f["id"] == item)
    return factor["level"]


def report(session, framework: Framework, item: str, max_age_days: int = DEFAULT_MAX_AGE_DAYS,
           tolerance: int = 0, today: date | None = None) -> dict:
    if not framework.has(item):
        raise service.NotFound(f"no risk factor or indicator {item!r} in the Framework")
    today = today or date.today()
    indicators = ([item] if "." in item else [i.id for i in framework.factor(item).indicators])
    latest = _latest_by_country(service.published(session))
    # Data behind each assessment: what had been published on the assessment's date.
    ids_by_date: dict[date, list[int]] = {}
    country_id = {}
    for iso3, snap in latest.items():
        country_id[iso3] = snap["country_id"]
        ids_by_date.setdefault(date.fromisoformat(snap["as_of"]), []).append(
            snap["country_id"])
    evaluations: dict[int, list[dict]] = {}
    for as_of, ids in ids_by_date.items():
        evaluations.update(suggest.evaluate(session, framework, None, ids, as_of=as_of))
    rows = []
    for iso3, snap in sorted(latest.items(), key=lambda kv: kv[1]["country"]):
        evs = [e for e in evaluations.get(country_id[iso3], [])
               if set(e["indicators"]) & set(indicators)]
        signal = suggest.indicator_signal(evs)
        age = (today - date.fromisoformat(snap["as_of"])).days
        rating = _rating_for(framework, item, snap)
        rows.append({"iso3": iso3, "country": snap["country"], "as_of": snap["as_of"],
                     "assessment_id": snap["assessment_id"], "version": snap["number"],
                     "rating": rating, "level": RATING_LEVELS.get(rating),
                     "data_signal": signal, "data": evs, "age_days": age,
                     "stale": age > max_age_days, "demo": snap.get("demo", False)})
    pairs = []
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            if a["level"] is None or b["level"] is None:
                continue
            if a["data_signal"] is None or b["data_signal"] is None:
                continue
            gap = abs(suggest.SIGNAL_LEVEL[a["data_signal"]]
                      - suggest.SIGNAL_LEVEL[b["data_signal"]])
            if gap <= tolerance and abs(a["level"] - b["level"]) >= 2:
                pairs.append({"countries": [a["iso3"], b["iso3"]],
                              "ratings": [a["rating"], b["rating"]],
                              "data_signals": [a["data_signal"], b["data_signal"]],
                              "reason": f"similar data ({a['data_signal']} / "
                                        f"{b['data_signal']}) but ratings {a['rating']} vs "
                                        f"{b['rating']}"})
    kind = "indicator" if "." in item else "risk_factor"
    label = (framework.indicator(item).text if kind == "indicator"
             else framework.factor(item).title)
    return {"item": item, "kind": kind, "label": label, "max_age_days": max_age_days,
            "tolerance": tolerance, "as_of": today.isoformat(), "rows": rows,
            "inconsistent_pairs": pairs, "stale": [r["iso3"] for r in rows if r["stale"]]}
