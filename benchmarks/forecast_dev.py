"""Forecasting models on the DEVELOPMENT origins, where design choices are made.

The FOOS years (origins 1993-2023, outcomes 1994-2024) are the test set: a choice made by
looking at them is no longer tested by them. This script runs the same protocol code
(forewarn.forecast.protocol: fit on years <= T-2, predict year T, retune every k-th origin)
over the earlier origins T = 1975..1991, whose every training target and scored outcome lies
in 1993 or before, and scores outcome years Y = 1976..1992 the EWP way (risk = max of the
risks from T = Y-1 and Y-2, rank = the min of their ranks, truth mk_onset(Y)); every
country-year with a prediction from Y-1 is evaluated.

Caveat: UCDP (from 1989) and UNHCR (from 1990) features are missing on nearly every
development row, so the development origins judge the modelling choices (objective, tree
shape, blend, calibration), not the value of those sources.

    python benchmarks/forecast_dev.py [--models ensemble,gbm,...] [--baseline ensemble]
        [--retune-every 3] [--bootstrap 1000] [--out DIR] [--rerun]

Models are registry names (forewarn.forecast.registry.MODELS) or experimental candidates
defined below (CANDIDATES); each is run once and its predictions are kept as CSV in --out
(default: a cache directory), so rerunning with a new model reuses earlier runs (after a
change to the estimators, pass --rerun). The bootstrap
over country-years gives 95% intervals and P(model better than --baseline) per metric.

Record (2026-11-23, issue #3: can a default reach FOOS AUC >= 0.86 and AUPR >= 0.06?).
Development: 2,283 country-years, 44 onsets, outcome years 1976-1992, retune every 3rd origin.
The default `ensemble` there: AUC 0.700 (95% 0.633-0.762), AUPR 0.041 (0.025-0.082),
Brier 0.01898, log loss 0.0948, top-30 22 (13-33; 1,000 draws). A variant would have been
adopted only if it beat it on development AUC and AUPR without losing Brier or top-30; none
did, so nothing was run on the FOOS years and the default is unchanged (FOOS: AUC 0.853,
AUPR 0.037, Brier 0.00828, top-30 31/39, 15.3 s).
p = bootstrap P(variant better than ensemble), AUC / AUPR, 300 draws.

    variant                                       AUC    AUPR   Brier    top30  p AUC/AUPR
    ensemble (default)                            0.700  0.041  0.01898  22
    ensemble-raw (no recalibration)               0.694  0.040  0.01897  22     0.00/0.14
    ensemble-platt                                0.698  0.039  0.01920  22     0.39/0.17
    gbm (trees alone, 8 leaves)                   0.682  0.040  0.01907  22     0.16/0.48
    enet (elastic net alone)                      0.647  0.036  0.01924  17     0.02/0.21
    gbm-l4 (trees alone, 4 leaves)                0.673  0.034  0.01903  16
    gbm-l16 (trees alone, 16 leaves)              0.689  0.034  0.01918  21
    gbm-lr03 (lr 0.03, <= 500 trees)              0.666  0.035  0.01903  19
    ens-lr03 (trees lr 0.03, <= 500 trees)        0.681  0.037  0.01901  20     0.06/0.13
    ens-leaves16                                  0.701  0.036  0.01906  20     0.48/0.14
    ens-mcs10 (min_child_samples 10)              0.683  0.035  0.01905  21     0.10/0.07
    ens-cap300 (<= 300 trees; cap never binds)    0.700  0.041  0.01898  22     0.50/0.50
    ens-l2-10 (trees' L2 10)                      0.661  0.036  0.01901  21     0.02/0.22
    ens-aucstop (tree count by held-out AUC)      0.683  0.037  0.01908  17     0.15/0.14
    ens-ewptrees (trees on EWP predictors only)   0.687  0.038  0.01900  21     0.10/0.10
    ens-l1r9 (elastic net l1_ratio 0.9)           0.699  0.040  0.01899  21     0.42/0.40
    ens-linewp (elastic net on EWP predictors)    0.702  0.040  0.01900  23     0.60/0.32
    ens-alphas16 (finer elastic-net path)         0.694  0.040  0.01898  23     0.02/0.16
  needing estimator code that was not kept (class weight, half-life weights, monotone
  constraints, extra trees, path smoothing, max and residual combination):
    gbm-spw5 (trees alone, positives x5)          0.632  0.030  0.02033  21     0.04/0.11
    ens-spw5 (trees' positives x5)                0.670  0.035  0.01904  24     0.05/0.11
    ens-spw20 (trees' positives x20)              0.660  0.038  0.01901  20     0.06/0.39
    ens-mono (trees monotone in 14 predictors:    0.668  0.038  0.01901  21     0.01/0.19
      battle/UCDP deaths, displacement, coups, ongoing killing, infant mortality, ...)
    ens-hl15 (trees' rows, 15-year half-life)     0.680  0.037  0.01900  19     0.10/0.07
    ens-hl30 (30-year half-life)                  0.670  0.037  0.01900  21     0.02/0.23
    ens-extra (extremely randomised trees)        0.690  0.041  0.01901  24     0.35/0.54
    ens-extra3 (the same, 3 seeds averaged)       0.679  0.038  0.01904  21     0.18/0.31
    ens-smooth (path_smooth 10)                   0.660  0.034  0.01905  19     0.00/0.00
    ens-max (max of the members' log-odds)        0.667  0.038  0.01904  18     0.02/0.27
    ens-resid (trees boosted from the elastic     0.680  0.038  0.01907  19     0.13/0.30
      net's log-odds), ens-resid4 (4 leaves)      0.688  0.038  0.01906  18     0.29/0.36
  post hoc from the members' development predictions (ranking metrics only):
    rank average of enet and gbm                  0.690  0.035           22
    max of the two ranks                          0.683  0.032           19
    enet + mean of trees of 4, 8, 16 leaves       0.690  0.037           21
    enet + trees of 4 and 8 / of 8 and 16         0.689/0.693  0.038/0.037  20/19
    trees of 4, 8, 16 leaves averaged, no enet    0.694  0.036           18
  added 2026-11-23 (fifth session), 1,000 draws:
    ensemble-acd (plus 9 UCDP/PRIO armed-      0.680  0.037  0.01906  20     0.20/0.27
      conflict features from 1946: civil conflicts by kind, a new one, interstate war,
      history; a registry model, so `forewarn forecast backtest --model ensemble-acd`;
      run on the FOOS years only after it was turned down here, for the record: AUC 0.851,
      AUPR 0.034, Brier 0.00828, top-30 32/39 against the default's 0.853, 0.037, 0.00828, 31)
    ens-acd-nb (plus those and the neighbours')    0.670  0.034  0.01915  20     0.12/0.17
    ens-nb (plus the neighbour features)          0.649  0.034  0.01914  18     0.00/0.01
    gbm-lgbdef (LightGBM defaults: 31 leaves,     0.693  0.037  0.02161  24     0.39/0.36
      100 trees, no tuning), on EWP predictors    0.706  0.037  0.02266  22     0.60/0.35
    ens-lgbdef (the ensemble with those trees)    0.685  0.037  0.01920  22     0.26/0.34
    ensemble retuned at every origin (--retune-every 1): 0.680 / 0.035 / top-30 20, with the
      armed-conflict features 0.683 / 0.037 / 19: the cadence alone moves AUC by 0.02, the
      size of every difference above.
    trained on onset within 3 years (T+1..T+3, the newest row censored to 2; retune every
      origin): 0.680 / 0.036 / Brier 0.01971 / top-30 22 against 0.680 / 0.035 / 0.01909 / 20
      for the same cadence (P better: AUC 0.51, AUPR 0.51): the longer horizon adds positives
      but no ranking, and costs calibration.
  added 2026-11-23 (sixth session): random forests (scikit-learn's, which split on missing
  values; log-odds of the forest's probability clipped at 1e-4), 300 trees, sqrt(p) features
  per split; 300 draws unless said (estimator code not kept):
    rf (leaves >= 5 rows)                         0.725  0.035  0.02080  24     0.81/0.19
    rf-leaf10 / rf-leaf20 / rf-leaf40             0.724/0.731/0.733  0.036/0.037/0.037
                                                  Brier 0.02002/0.01946/0.01913, top-30 23/23/21
    rf-leaf20 with 150 trees                      0.733  0.037  0.01946  22     0.91/0.28
    rf-leaf20, half / a tenth of the features     0.721/0.721  0.035/0.036  top-30 21/19
    rf class-balanced (leaves >= 10)              0.707  0.034  0.04951  18     0.58/0.14
    extremely randomised trees (leaves >= 20)     0.726  0.040  0.01931  20     0.79/0.44
    ens-rf (elastic net + forest of leaf 5 / 20)  0.724/0.724  0.039/0.040  top-30 22/20
    ens3 (elastic net, the default's trees and    0.728  0.040  0.01903  20     0.98/0.44
      a leaf-20 forest, a third each; 1,000 draws; log loss 0.0934, P better 1.00);
      with the elastic net at half: 0.722 / 0.040 / 0.01902 / top-30 18
    post hoc, 2/3 default + 1/3 forest log-odds   0.730  0.041  0.01895  20
  Forests rank the middle of the list better (AUC up 0.02-0.03 in every setting tried, P
  0.8-0.98) but not the top (AUPR no better, top-30 1-4 lower), and ens3 costs 6x the time;
  not adopted. LightGBM's own random-forest mode gave raw scores that are not log-odds (AUC
  0.57). For the record, after that verdict, ens3 on the FOOS years: AUC 0.855, AUPR 0.038,
  Brier 0.00834, top-30 30/39 in 122.6 s, against the default's 0.853, 0.037, 0.00828, 31/39
  in 18.4 s.
  also (1,000 draws): the blend weight chosen by held-out log loss 0.679 / 0.039 / top-30 15
    (P 0.13/0.44); fixed at 1/3 or 2/3 on the elastic net 0.674/0.683, 0.038/0.041, top-30
    18/16; inner folds of 4 x 3 years or 2 x 6 years 0.673/0.684, 0.038/0.039, top-30 19/20.
    Drifting predictors made relative to the year's cross-country median (as Goldstone et al.
    2010 did with infant mortality): IMR added 0.684 / 0.036 / 16, IMR replaced 0.682 /
    0.036 / 21, IMR, population and country age replaced 0.679 / 0.034 / 19 (P AUC <= 0.10).
    Every change to the default's settings loses on development, as it should for a model
    picked as the best of ~40 variants there (its development scores are flattered by that
    choice); the forests' AUC gain survives that handicap, their top of the list does not.
  Not tried: a focal objective (class weighting, which pushes the same way, lost clearly) and
  a pooled onset/ongoing-episode target (an estimator sees only the protocol's target).

Record (2026-12-03, issue 25: do the new sources add signal?). Seven optional feature sets
(forewarn.forecast.predictor_sets; each lagged to year T and missing outside its source's
years), each added alone to the default, then all seven; one run each, retune every 3rd
origin, 300 bootstrap draws over country-years; load average 0.8 on 2 CPUs, fitting times
measured by the script: 2.3 s for the default, 2.4-3.5 s per variant (the seven-set run 3.4 s).
Same rule as before: adopt only what beats the default on development AUC and AUPR without
losing Brier or top-30.

    variant (years the source covers)             AUC    AUPR   Brier    top30  p AUC/AUPR  verdict
    ensemble (default)                            0.700  0.041  0.01898  22
    ens+pts (Political Terror Scale, 1976-2021)   0.691  0.041  0.01903  19     0.19/0.45   no
    ens+cirights (CIRIGHTS, 1981-2020)            0.695  0.039  0.01897  21     0.21/0.34   no
    ens+lhrs (Fariss latent scores, 1946-2021)    0.716  0.040  0.01938  23     0.65/0.43   no
    ens+tmk (Targeted Mass Killing, 1946-2020)    0.666  0.039  0.01899  20     0.00/0.20   no
    ens+coups (Powell & Thyne, 1950-2023)         0.692  0.039  0.01897  22     0.18/0.41   no
    ens+navco (NAVCO 1.3 campaigns, 1946-2019)    0.691  0.037  0.01904  24     0.26/0.18   no
    ens+reign (REIGN regimes, 1946-2020)          0.664  0.037  0.01898  19     0.01/0.10   no
    ens+all7 (all seven)                          0.728  0.038  0.01930  25     0.75/0.39   no

  No set passes: the Fariss scores and all seven together raise AUC (P 0.65 and 0.75) but
  lower AUPR and cost Brier (P better 0.01 and 0.03), the others lose AUC. The default is
  unchanged (features.DEFAULT_SETS is empty). Caveats: CIRIGHTS (from 1981) and PTS (from
  1976) are missing in most development training years, so development judges them weakly;
  the Fariss posterior is smoothed over all years, so its year-T score also reflects later
  reports, a look-ahead the rule would have had to weigh had it passed.

  After the verdict, for the record (benchmarks/forecast_vs_ewp.py, registry model
  `ensemble-sets` = the default plus all seven; 300 draws; load average 3.2): on the FOOS
  years it reaches AUC 0.872, AUPR 0.033, Brier 0.00824, top-30 35/39 and a Goldsmith top-5%
  share of 0.308 (12/39) against the default's 0.853, 0.037, 0.00828, 31/39 and 0.436 (17/39),
  in 16.6 s against 8.7 s. It ranks the middle of the list better and the top worse, as on
  development. The fast onsets of issue #3 move: Egypt 2013 above 76% of non-onsets (default
  55%), Thailand 2004 above 75% (52%), but Libya 2011 down to 50% (60%). And it shows why
  sources that stop matter: every set is missing in 2024 (the newest complete year is
  2020-2023), so its forecast from 2024 data falls to a highest risk of 3.7% (South Sudan)
  where the default gives 16.4% (Myanmar); in training, "missing" meant the early, calmer
  years.
"""

from __future__ import annotations

import argparse
import os
import time
from functools import partial
from pathlib import Path

import pandas as pd

from forewarn.forecast import features, metrics, predictor_sets, protocol, registry, service
from forewarn.forecast.ensemble import CalibratedEnsemble
from forewarn.forecast.linear import ElasticNetLogit
from forewarn.forecast.trees import BoostedTrees
from forewarn.settings import get_settings

DEV_FIRST_ORIGIN = 1975
DEV_LAST_ORIGIN = 1991  # its target (onset in 1992-93) and its training outcomes end by 1993
COLUMNS = ["auc", "aupr", "brier", "log_loss", "top30"]

def _trees(**kw) -> BoostedTrees:
    """The default model's trees (registry._trees) with some settings changed."""
    base = {"num_leaves": 8, "learning_rate": 0.1, "max_estimators": 150, "subsample": 1.0,
            "colsample_bytree": 1.0}
    return BoostedTrees(**{**base, **kw})


def _ens(trees_kw: dict | None = None, lin_kw: dict | None = None, **kw) -> CalibratedEnsemble:
    """The default ensemble (registry 'ensemble') with some settings changed."""
    return CalibratedEnsemble(ElasticNetLogit(**(lin_kw or {})), _trees(**(trees_kw or {})),
                              **{"calibration": "slope", **kw})


def _cand(name: str, description: str, build, columns=features.feature_columns
          ) -> registry.ModelSpec:
    return registry.ModelSpec(name, description, build, columns)


# Features derived from the other sources (not EWP predictors).
DERIVED = ("ucdp_sb_log2", "ucdp_ns_log2", "ucdp_os_govt_log2", "ucdp_os_nsgroup_log2",
           "ucdp_all_log2", "ucdp_os_govt_log2_chg", "ucdp_sb_log2_chg", "ucdp_all_log2_chg",
           "ucdp_all_log2_max3", "fled_log2", "idps_log2", "fled_log2_chg", "idps_log2_chg",
           "displaced_share", "ep_years_since_onset", "ep_prior_count", "ep_ongoing_state",
           "ep_ongoing_nonstate", "ep_ended_last5")

# Experimental candidates that the current estimators can express (see the module docstring
# for their development figures and for the variants that needed code not kept).
CANDIDATES: dict[str, registry.ModelSpec] = {c.name: c for c in [
    _cand("gbm-l4", "trees of 4 leaves", partial(_trees, num_leaves=4)),
    _cand("gbm-l16", "trees of 16 leaves", partial(_trees, num_leaves=16)),
    _cand("gbm-lr03", "trees, learning rate 0.03, <= 500 trees",
          partial(_trees, learning_rate=0.03, max_estimators=500)),
    _cand("ens-lr03", "ensemble, trees' learning rate 0.03, <= 500 trees",
          partial(_ens, {"learning_rate": 0.03, "max_estimators": 500})),
    _cand("ens-leaves16", "ensemble, trees of 16 leaves", partial(_ens, {"num_leaves": 16})),
    _cand("ens-mcs10", "ensemble, trees' leaves >= 10 rows",
          partial(_ens, {"min_child_samples": 10})),
    _cand("ens-cap300", "ensemble, <= 300 trees", partial(_ens, {"max_estimators": 300})),
    _cand("ens-l2-10", "ensemble, trees' L2 penalty 10", partial(_ens, {"reg_lambda": 10.0})),
    _cand("ens-aucstop", "ensemble, tree count by held-out AUC",
          partial(_ens, {"criterion": "auc"})),
    _cand("ens-ewptrees", "ensemble, trees on the EWP predictors only",
          partial(_ens, {"exclude": ("year", "year_sq", *DERIVED)})),
    _cand("ens-l1r9", "ensemble, elastic net l1_ratio 0.9",
          partial(_ens, lin_kw={"l1_ratio": 0.9})),
    _cand("ens-linewp", "ensemble, elastic net on the EWP predictors only",
          partial(_ens, lin_kw={"exclude": ("year_sq", *DERIVED)})),
    _cand("ens-alphas16", "ensemble, elastic-net penalty from 16 candidates down to 1%",
          partial(_ens, lin_kw={"n_alphas": 16, "alpha_ratio": 0.01})),
    _cand("ens-acd-nb", "ensemble, plus the armed-conflict and neighbour features", _ens,
          partial(features.feature_columns, conflicts=True, neighbours=True)),
    _cand("ens-nb", "ensemble, plus the neighbour features", _ens,
          partial(features.feature_columns, neighbours=True)),
    _cand("gbm-lgbdef", "LightGBM's defaults: 31 leaves, 100 trees, no tuning",
          partial(BoostedTrees, n_estimators=100, num_leaves=31, learning_rate=0.1,
                  subsample=1.0, colsample_bytree=1.0)),
    _cand("gbm-lgbdef-ewp", "LightGBM's defaults on the EWP predictors",
          partial(BoostedTrees, n_estimators=100, num_leaves=31, learning_rate=0.1,
                  subsample=1.0, colsample_bytree=1.0, exclude=("year", "year_sq", *DERIVED))),
    _cand("ens-lgbdef", "ensemble, trees with LightGBM's defaults",
          partial(_ens, {"n_estimators": 100, "num_leaves": 31})),
    # issue 25: the default plus one optional predictor set each (predictor_sets.SETS)
    *[_cand(f"ens+{name}", f"the default ensemble plus the {name} features", _ens,
            partial(features.feature_columns, sets=(name,)))
      for name in predictor_sets.SETS],
    _cand("ens+all7", "the default ensemble plus all seven sets", _ens,
          partial(features.feature_columns, sets=tuple(predictor_sets.SETS))),
]}


def spec_of(name: str) -> registry.ModelSpec:
    return CANDIDATES[name] if name in CANDIDATES else registry.get(name)


def evaluated_rows(panel: pd.DataFrame, preds: pd.DataFrame) -> pd.DataFrame:
    """Outcome years Y = first origin + 1 .. last origin + 1: every country-year with a
    prediction from Y-1 (as the EWP's FOOS file keeps only those)."""
    first, last = int(preds["year"].min()) + 1, int(preds["year"].max()) + 1
    rows = panel.loc[(panel["year"] >= first) & (panel["year"] <= last)
                     & panel["mk_onset"].notna(), ["year", "ccode", "mk_onset"]]
    have = preds[["ccode", "year"]].assign(year=preds["year"] + 1)
    rows = rows.merge(have, on=["ccode", "year"], how="inner")
    return rows.sort_values(["year", "ccode"]).reset_index(drop=True)


def run_dev(panel: pd.DataFrame, name: str, retune_every: int) -> tuple[pd.DataFrame, float]:
    spec = spec_of(name)
    cols = spec.columns(panel)
    years = protocol.origins(DEV_FIRST_ORIGIN, DEV_LAST_ORIGIN)
    bt = protocol.rolling_backtest(spec.build(), panel, cols, years=years,
                                   retune_every=retune_every)
    return bt.predictions, bt.seconds


def score(panel: pd.DataFrame, preds: pd.DataFrame) -> pd.DataFrame:
    return protocol.score_like_ewp(preds, evaluated_rows(panel, preds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=get_settings().raw_dir)
    parser.add_argument("--models", default=registry.DEFAULT_MODEL)
    parser.add_argument("--baseline", default=registry.DEFAULT_MODEL,
                        help="bootstrap P(better) of each model against this one")
    parser.add_argument("--retune-every", type=int, default=registry.RETUNE_EVERY)
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--out", type=Path,
                        default=get_settings().artifacts_dir / "forecast_dev")
    parser.add_argument("--rerun", action="store_true", help="ignore cached predictions")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    panel = service.load_panel(args.raw)
    names = args.models.split(",")
    if args.baseline and args.baseline not in names:
        names.append(args.baseline)
    print(f"development origins {DEV_FIRST_ORIGIN}-{DEV_LAST_ORIGIN}, retune every "
          f"{args.retune_every}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    scored: dict[str, pd.DataFrame] = {}
    secs: dict[str, str] = {}
    for name in names:
        path = args.out / f"{name}-r{args.retune_every}.csv"
        if path.exists() and not args.rerun:
            preds, secs[name] = pd.read_csv(path), "cached"
        else:
            start = time.perf_counter()
            preds, _ = run_dev(panel, name, args.retune_every)
            secs[name] = f"{time.perf_counter() - start:.1f}"
            preds[protocol.PREDICTION_COLUMNS].to_csv(path, index=False, float_format="%.10g")
            print(f"  {name}: {secs[name]} s", flush=True)
        scored[name] = score(panel, preds)

    first = next(iter(scored.values()))
    print(f"evaluated: {len(first)} country-years, {int(first['mk_onset'].sum())} onsets, "
          f"outcome years {int(first['year'].min())}-{int(first['year'].max())}\n")
    header = (f"{'model':<22} {'AUC':>6} {'AUPR':>6} {'Brier':>8} {'logloss':>8} {'top30':>5} "
              f"{'secs':>7}   95% intervals (country-years): AUC | AUPR | top-30")
    print(header)
    print("-" * len(header))
    base = scored.get(args.baseline)
    pvals: dict[str, dict] = {}
    for name, s in scored.items():
        m = metrics.score_all(s["mk_onset"], s["risk"], s["rank"])
        iv = ""
        if args.bootstrap:
            scorers = {"model": (s["risk"].to_numpy(), s["rank"].to_numpy())}
            if base is not None and name != args.baseline:
                assert s[["year", "ccode"]].equals(base[["year", "ccode"]])
                scorers["base"] = (base["risk"].to_numpy(), base["rank"].to_numpy())
            boot = metrics.bootstrap(s["mk_onset"].to_numpy(), scorers, n=args.bootstrap)
            ci = boot["interval"]["model"]
            iv = " | ".join(f"{ci[k][0]:.3f}-{ci[k][1]:.3f}" for k in ("auc", "aupr")) + \
                f" | {ci['top30'][0]:.0f}-{ci['top30'][1]:.0f}"
            if "base" in boot["p_better"]:
                pvals[name] = boot["p_better"]["base"]
        print(f"{name:<22} {m['auc']:6.3f} {m['aupr']:6.3f} {m['brier']:8.5f} "
              f"{m['log_loss']:8.4f} {m['top30']:5.0f} {secs[name]:>7}   {iv}")
    if pvals:
        print(f"\nP(model better than {args.baseline}), bootstrap over country-years:")
        for name, p in pvals.items():
            print(f"  {name:<22} " + ", ".join(f"{k} {p[k]:.2f}" for k in COLUMNS))


if __name__ == "__main__":
    main()
