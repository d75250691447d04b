"""Forewarn's forecasting models against the Early Warning Project's own fully-out-of-sample
(FOOS) record, on the same 5,032 country-years (1994-2024, 39 onsets).

For each model: the 31-origin backtest is run, its predictions are exported to CSV in the
format of `forewarn forecast backtest --output` (ccode, ewp_name, year, risk, rank), and that
CSV file, read back, is what is scored. `--csv FILE` scores a CSV the CLI exported instead
(no backtest is run). The EWP row is the EWP's own FOOS file scored by the same code.

    python benchmarks/forecast_vs_ewp.py [--raw DIR] [--models ensemble,enet,...]
        [--retune-every 3] [--csv FILE] [--bootstrap 1000] [--out DIR]

Besides the EWP's metrics it prints, for the first model and the EWP: the Goldsmith et al.
(2013) metric (share of onsets in each outcome year's top 5%) with bootstrap intervals, and
the same scores against two other labels of an onset (forewarn.forecast.labels: Targeted
Mass Killing onsets to 2020, UCDP one-sided violence reaching 1,000 deaths from 1990) beside
the EWP's label, each on the country-years that label covers: the same predictions, and the
model retrained on that label (marked "*"; the same origins, only the target changes).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from forewarn.data import readers
from forewarn.forecast import labels, metrics, protocol, registry, report, service
from forewarn.settings import get_settings

COLUMNS = ["auc", "aupr", "brier", "log_loss", "top30"]
AUC_AIM, AUPR_AIM = 0.86, 0.06  # issue #3's aims for the default model


def print_leverage(name: str, scored: pd.DataFrame, foos: pd.DataFrame) -> None:
    """How much of AUC and AUPR single onsets decide (39 onsets in 5,032 rows); `scored` has
    the FOOS file's rows in its order, whose country names it borrows."""
    assert scored[["year", "ccode"]].equals(foos[["year", "ccode"]])
    y, p = scored["mk_onset"].to_numpy(), scored["risk"].to_numpy()
    pos = metrics.onset_positions(y, p)
    auc, best = metrics.auc(y, p), pos.iloc[0]
    print(f"{name}: the best-placed onset is at pooled rank {int(best['pooled_rank'])} of "
          f"{len(y)}; AUPR {metrics.average_precision(y, p):.3f}, or "
          f"{metrics.average_precision_best_first(y, p):.3f} were it first (aim {AUPR_AIM})")
    gap = (AUC_AIM - auc) * len(pos)  # in units of one onset's share of non-onsets below
    low = pos.sort_values("share_below").head(3)
    print(f"  AUC {auc:.3f}; the aim {AUC_AIM} is {gap:.2f} onset(s) of share away. Lowest "
          "onsets (outcome year, country, share of non-onsets below): "
          + "; ".join(f"{int(foos['year'].iloc[r])} {foos['ewp_name'].iloc[r]} {sh:.2f}"
                      for r, sh in zip(low["row"], low["share_below"], strict=True)))


def print_goldsmith(scorers: dict[str, pd.DataFrame], n_boot: int) -> None:
    """Share of onsets in each outcome year's top 5% (Goldsmith et al. 2013) per scorer, with
    95% intervals and P(first better), bootstrap over country-years."""
    first = next(iter(scorers.values()))
    y = first["mk_onset"].to_numpy()
    cuts = {n: metrics.year_cutoffs(s["year"]) for n, s in scorers.items()}
    boot = metrics.bootstrap_top_share(
        y, {n: (s["rank"].to_numpy(), cuts[n]) for n, s in scorers.items()}, n=n_boot) \
        if n_boot else None
    cut_range = f"{cuts[next(iter(cuts))].min()}-{cuts[next(iter(cuts))].max()}"
    print(f"Goldsmith et al. (2013): share of onsets in their year's top 5% (top "
          f"{cut_range} countries a year)")
    names = list(scorers)
    for n, s in scorers.items():
        share = metrics.top_share_caught(s["mk_onset"], s["rank"], cuts[n])
        iv = boot["interval"][n] if boot else (float("nan"),) * 2
        caught = int(round(share * s["mk_onset"].sum()))
        p = (f"; P({names[0]} better) {boot['p_better'][n]:.2f}"
             if boot and n in boot["p_better"] else "")
        print(f"  {n:<16} {share:.3f} ({caught}/{int(s['mk_onset'].sum())}), 95% "
              f"{iv[0]:.3f}-{iv[1]:.3f}{p}")


def retrained(panel: pd.DataFrame, name: str, onsets: pd.DataFrame, retune_every: int,
              foos: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """The model's backtest trained on another label (origins up to the label's last year
    less one), as FOOS-like rows (year Y, ccode, ewp_name, risk, rank) for the label's years."""
    relabelled = labels.with_label(panel, onsets)
    last = int(onsets["year"].max())
    spec = registry.get(name)
    bt = protocol.rolling_backtest(spec.build(), relabelled, spec.columns(relabelled),
                                   years=protocol.origins(last=min(protocol.LAST_ORIGIN,
                                                                   last - 1)),
                                   retune_every=retune_every)
    rows = foos[foos["year"] <= last]
    return protocol.score_like_ewp(bt.predictions, rows), bt.seconds


def print_labels(name: str, scored: pd.DataFrame, foos: pd.DataFrame, raw: Path,
                 n_boot: int, panel: pd.DataFrame | None = None,
                 retune_every: int = registry.RETUNE_EVERY) -> None:
    """The first model and the EWP scored against the three labels of an onset; with the
    panel, also the model retrained on each other label ("<name>*")."""
    other = labels.load(raw)
    print("Robustness to the label (same predictions, other truths; rows the label covers)")
    print(f"  {'label':<13} {'scorer':<10} {'rows':>5} {'onsets':>6} {'AUC':>6} {'AUPR':>6} "
          f"{'Brier':>8} {'top30':>5} {'top5%':>6}   AUC 95% (n={n_boot})")
    for key, title in labels.LABELS.items():
        trained, boot_t = None, None
        if key == "ewp":
            a, b = scored, foos
        else:
            a, b = labels.aligned(scored, foos, other[key])
            if panel is not None:
                fresh, secs = retrained(panel, name, other[key], retune_every, foos)
                trained, _ = labels.aligned(fresh, foos, other[key])
                print(f"  ({name} retrained on {key}: {secs:.1f} s)")
        y = a["mk_onset"].to_numpy()
        boot = metrics.bootstrap(y, {"m": (a["risk"].to_numpy(), a["rank"].to_numpy()),
                                     "e": (b["risk"].to_numpy(), b["rank"].to_numpy())},
                                 n=n_boot) if n_boot else None
        scorers = [(name, a, "m"), ("EWP FOOS", b, "e")]
        if trained is not None:
            assert trained[["year", "ccode"]].equals(a[["year", "ccode"]])
            boot_t = metrics.bootstrap(y, {"t": (trained["risk"].to_numpy(),
                                                 trained["rank"].to_numpy()),
                                           "e": (b["risk"].to_numpy(), b["rank"].to_numpy())},
                                       n=n_boot) if n_boot else None
            if boot_t:
                boot["interval"]["t"] = boot_t["interval"]["t"]
            scorers.insert(1, (f"{name}*", trained, "t"))
        for who, s, k in scorers:
            m = metrics.score_all(s["mk_onset"], s["risk"], s["rank"])
            g = metrics.top_share_caught(s["mk_onset"], s["rank"],
                                         metrics.year_cutoffs(s["year"]))
            iv = boot["interval"][k]["auc"] if boot else (float("nan"),) * 2
            print(f"  {key:<13} {who[:10]:<10} {len(s):5d} {int(y.sum()):6d} {m['auc']:6.3f} "
                  f"{m['aupr']:6.3f} {m['brier']:8.5f} {m['top30']:5.0f} {g:6.3f}   "
                  f"{iv[0]:.3f}-{iv[1]:.3f}")
        if trained is not None and boot_t:
            p = boot_t["p_better"]["e"]
            print(f"  {'':<13} P({name}* better than EWP): AUC {p['auc']:.2f}, AUPR "
                  f"{p['aupr']:.2f}, top-30 {p['top30']:.2f}")
        if boot:
            p = boot["p_better"]["e"]
            print(f"  {'':<13} P({name} better than EWP): AUC {p['auc']:.2f}, AUPR "
                  f"{p['aupr']:.2f}, top-30 {p['top30']:.2f}   [{title}, "
                  f"{int(a['year'].min())}-{int(a['year'].max())}]")


def score_csv(path: Path, foos: pd.DataFrame) -> dict:
    scored = protocol.score_like_ewp(service.read_predictions_csv(path), foos)
    out = metrics.score_all(scored["mk_onset"], scored["risk"], scored["rank"])
    out["decades"] = report.decade_auc(scored)
    out["scored"] = scored
    return out


def fmt_row(name: str, m: dict, seconds: str, cpu: str) -> str:
    return (f"{name:<16} {m['auc']:7.3f} {m['aupr']:7.3f} {m['brier']:9.5f} "
            f"{m['log_loss']:8.4f} {m['top30']:7.0f} {seconds:>9} {cpu:>8}   "
            + " ".join(f"{v:.3f}" for v in m["decades"].values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=get_settings().raw_dir)
    parser.add_argument("--models", default=",".join(registry.MODELS))
    parser.add_argument("--retune-every", type=int, default=registry.RETUNE_EVERY)
    parser.add_argument("--csv", type=Path, help="score this exported CSV instead")
    parser.add_argument("--bootstrap", type=int, default=1000,
                        help="resamples for P(better than EWP) of the first model (0: none)")
    parser.add_argument("--out", type=Path, help="where to keep the CSVs (default: temp)")
    args = parser.parse_args()

    foos = protocol.read_foos(args.raw / readers.EWP_FOOS)
    ewp = metrics.score_all(foos["mk_onset"], foos["risk"], foos["rank"])
    ewp["decades"] = report.decade_auc(foos)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="forecast_bench_"))
    out_dir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    print(f"EWP FOOS rows: {len(foos)} country-years, {int(foos['mk_onset'].sum())} onsets; "
          f"load average at start {load:.1f} on {os.cpu_count()} CPUs")

    results: list[tuple[str, dict, str, str]] = []
    if args.csv:
        results.append((args.csv.name, score_csv(args.csv, foos), "–", "–"))
    else:
        start = time.perf_counter()
        panel = service.load_panel(args.raw)
        print(f"panel built in {time.perf_counter() - start:.1f} s; retune every "
              f"{args.retune_every} origin(s)")
        for name in args.models.split(","):
            result = service.backtest(panel, name, args.retune_every)
            csv = service.export_csv(result.predictions, out_dir / f"{name}.csv")
            results.append((name, score_csv(csv, foos), f"{result.seconds:.1f}",
                            f"{result.cpu_seconds:.1f}"))
            print(f"  {name}: {result.seconds:.1f} s wall, {result.cpu_seconds:.1f} s CPU → "
                  f"{csv}", flush=True)

    header = (f"{'model':<16} {'AUC':>7} {'AUPR':>7} {'Brier':>9} {'logloss':>8} "
              f"{'top-30':>7} {'seconds':>9} {'CPU s':>8}   AUC by decade 94-03 04-13 14-24")
    print()
    print(header)
    print("-" * len(header))
    print(fmt_row("EWP FOOS", ewp, "–", "–"))
    for name, m, secs, cpu in results:
        print(fmt_row(name, m, secs, cpu))
    print()
    print("ratio to EWP (AUC, AUPR, top-30: >1 better; Brier, log loss: <1 better)")
    for name, m, _, _ in results:
        print(f"{name:<16} " + " ".join(f"{k} {m[k] / ewp[k]:.2f}" for k in COLUMNS))
    if args.bootstrap and results:
        name, m, _, _ = results[0]
        scored = m["scored"]
        print()
        for mode in ("country_years", "onsets"):
            boot = metrics.bootstrap(scored["mk_onset"].to_numpy(),
                                     {"model": (scored["risk"], scored["rank"]),
                                      "ewp": (foos["risk"], foos["rank"])},
                                     n=args.bootstrap, mode=mode)
            p = boot["p_better"]["ewp"]
            print(f"P({name} better than EWP), bootstrap over {mode.replace('_', '-')} "
                  f"(n={args.bootstrap}): " + ", ".join(f"{k} {p[k]:.3f}" for k in COLUMNS))
    if results:
        print()
        print_leverage(results[0][0], results[0][1]["scored"], foos)
        print_leverage("EWP FOOS", foos, foos)
        print()
        print_goldsmith({**{n: m["scored"] for n, m, _, _ in results}, "EWP FOOS": foos},
                        args.bootstrap)
        print()
        start = time.perf_counter()
        print_labels(results[0][0], results[0][1]["scored"], foos, args.raw, args.bootstrap,
                     panel if not args.csv else None, args.retune_every)
        print(f"  ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
