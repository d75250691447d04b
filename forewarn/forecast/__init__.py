"""Mass-killing onset forecasting, scored against the Early Warning Project's own record.

Models (scikit-learn estimators, `registry.MODELS`): an EWP-style elastic-net logit
(`linear.ElasticNetLogit`), LightGBM trees (`trees.BoostedTrees`) and their blend
(`ensemble.CalibratedEnsemble`, the default). Features (`features`): the EWP predictors plus
UCDP deaths, UNHCR/IDMC displacement and episode history, all of year T. Protocol
(`protocol`): rolling origins 1993-2023, fit on years <= T-2, scored like the EWP.

Typed read interface for other capabilities (`types`): `StoredForecasts()` is a
`ForecastReader` returning `ForecastRow`, `RiskPoint` and `Explanation` (frozen dataclasses, one
name per field); the web pages read only through it. Scoring of a published record:
`read_foos`, `score_all`, `catch_by_year`, `calibration_table`, and the Goldsmith et al.
(2013) share of onsets in their year's top 5% (`year_cutoffs`, `top_share_caught`,
`TOP_SHARE`); predictor labels:
`risk_factors()`. The EWP's own published forecast, typed the same way:
`published_forecast(raw_dir) -> PublishedForecast | None` (year, rows of `ForecastRow`,
by_iso3, outcome_years) and `published_history(raw_dir, iso3) -> list[RiskPoint]`.

Read API (dicts; all read stored runs; nothing is fitted per request). Results are
written by `forewarn forecast backtest` and `forewarn forecast forecast` (or `forewarn setup`).

- ``latest_forecast(session, model=None) -> list[dict]``
  one dict per country, ranked: iso3, name, ewp_name, ccode, risk (probability of a new onset
  in year+1 or year+2), rank (1 = highest), year (origin: latest predictor year),
  model_version, previous_risk (same model, origin year-1), change (risk - previous_risk).
- ``risk_history(session, iso3, model=None) -> list[dict]``
  year (origin), risk, rank, source ("backtest" for 1993-2023, "forecast" for the latest
  year), model_version; sorted by year.
- ``explanation(session_or_forecast_result, iso3, model=None, year=None) -> dict | None``
  iso3, year, risk, logit, base, contributions (list of {predictor, label, value,
  contribution (to the log-odds), risk_factor "RF1".."RF14", indicator, also}, largest
  first; base + sum of contributions = logit), by_risk_factor {RF id: summed contribution},
  change {previous_year, previous_risk, previous_logit, delta_logit, delta_risk, base_change,
  contributions (per predictor: value, previous, contribution to the change, moved,
  risk_factor), by_risk_factor}, name, model_version.
- ``backtest_summary(session, model=None) -> dict | None``
  model, model_version, evaluated (5,032), onsets (39), years, seconds, metrics {auc, aupr,
  brier, log_loss, top10, top20, top30}, intervals / intervals_onsets (95% bootstrap, metric
  → [lo, hi]), p_better / p_better_onsets (bootstrap probability of beating the EWP), ratios,
  decade_auc, catch_curve [{k, caught}], catch_by_year, calibration, goldsmith_top5 {model,
  ewp, cutoffs, interval, interval_ewp, p_better}, ewp {the same for the EWP's FOOS
  forecasts}, plots {catch|calibration: {png, svg}}, retune_every.
- ``risk_change(session, iso3, model=None) -> dict | None`` and ``risk_changes(session,
  model=None) -> {iso3: dict}``: THE change figure every page and capability shows (country
  page headline, home-page movers, the planner): year, risk, previous_year, previous_risk
  (the forecast made from the year before's data: the backtest's origin, as the risk chart
  shows), previous_source, change (probability), compares (what is compared, in words).
- ``plot_paths(session, model=None) -> dict[str, Path]`` e.g. "catch.svg" → file.
- ``ewp_comparison(session, model=None) -> dict | None`` latest forecast vs the EWP's 2025
  ranking: spearman, top_overlap (of top 30), only_ours, only_ewp, table.
"""

from forewarn.forecast.change import risk_change, risk_changes
from forewarn.forecast.explain import risk_factors
from forewarn.forecast.metrics import (
    TOP_SHARE,
    calibration_table,
    catch_by_year,
    score_all,
    top_share_caught,
    year_cutoffs,
)
from forewarn.forecast.protocol import read_foos
from forewarn.forecast.published import (
    PublishedForecast,
    published_forecast,
    published_history,
)
from forewarn.forecast.service import (
    backtest_summary,
    ewp_comparison,
    explanation,
    latest_forecast,
    plot_paths,
    risk_history,
)
from forewarn.forecast.types import (
    Change,
    Contribution,
    Explanation,
    ForecastReader,
    ForecastRow,
    RiskPoint,
    StoredForecasts,
)

__all__ = ["TOP_SHARE", "Change", "Contribution", "Explanation", "ForecastReader", "ForecastRow",
           "PublishedForecast", "RiskPoint", "StoredForecasts", "backtest_summary",
           "calibration_table", "catch_by_year", "ewp_comparison", "explanation",
           "latest_forecast", "plot_paths", "published_forecast", "published_history",
           "read_foos", "risk_change", "risk_changes", "risk_factors", "risk_history",
           "score_all", "top_share_caught", "year_cutoffs"]
