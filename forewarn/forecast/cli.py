"""`forewarn forecast ...`: backtest, forecast, explain."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from forewarn.cliutil import country
from forewarn.data import readers
from forewarn.forecast import change, protocol, registry, report, service
from forewarn.settings import get_settings

app = typer.Typer(help="Mass-killing onset forecasts: backtest against the EWP, forecast, "
                  "explain.", no_args_is_help=True)
console = Console()


def _engine():
    from forewarn.store.db import engine_for, upgrade

    engine = engine_for(get_settings().db_url)
    upgrade(engine)
    return engine


def _panel() -> pd.DataFrame:
    try:
        return service.load_panel(get_settings().raw_dir)
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _check_model(name: str) -> str:
    if name not in registry.MODELS:
        console.print(f"[red]Unknown model '{name}'.[/red] Known: {', '.join(registry.MODELS)}")
        raise typer.Exit(2)
    return name


def print_summary(summary: dict) -> None:
    t = Table(title=f"Backtest 1994-{summary['years'][1]}: {summary['evaluated']} country-years, "
              f"{summary['onsets']} onsets (same rows as the EWP's FOOS record)")
    for col in ("metric", summary["model"], "EWP FOOS", "ratio", "95% interval",
                "P(better) country-years", "P(better) onsets"):
        t.add_column(col, justify="right")
    for r in report.metric_rows(summary):
        iv = r["interval"]
        t.add_row(r["metric"], report.fmt(r["model"], r["metric"]),
                  report.fmt(r["ewp"], r["metric"]), f"{r['ratio']:.2f}",
                  "–" if iv is None else
                  f"{report.fmt(iv[0], r['metric'])}–{report.fmt(iv[1], r['metric'])}",
                  "–" if r["p_better_cy"] is None else f"{r['p_better_cy']:.3f}",
                  "–" if r["p_better_onsets"] is None else f"{r['p_better_onsets']:.3f}")
    console.print(t)
    d = Table(title="AUC by decade")
    for col in ("decade", summary["model"], "EWP FOOS"):
        d.add_column(col, justify="right")
    for row in summary["decade_auc"]:
        d.add_row(row["decade"], f"{row['model']:.3f}", f"{row['ewp']:.3f}")
    console.print(d)
    y = Table(title="Catch by outcome year (onsets ranked within the top k)")
    for col in ("year", "onsets", "top10", "top20", "top30", "EWP top30"):
        y.add_column(col, justify="right")
    ewp_by_year = {r["year"]: r for r in summary["ewp"]["catch_by_year"]}
    for r in summary["catch_by_year"]:
        if r["onsets"]:
            y.add_row(str(r["year"]), str(r["onsets"]), str(r["top10"]), str(r["top20"]),
                      str(r["top30"]), str(ewp_by_year[r["year"]]["top30"]))
    console.print(y)
    c = Table(title="Calibration (score of the outcome year vs onset in that year)")
    for col in ("risk band", "n", "mean risk", "observed", "onsets", "EWP n", "EWP mean",
                "EWP observed"):
        c.add_column(col, justify="right")
    for ours, theirs in zip(summary["calibration"], summary["ewp"]["calibration"], strict=True):
        c.add_row(f"{ours['low']:.3f}–{ours['high']:.3f}", str(ours["n"]),
                  "–" if ours["mean_risk"] is None else f"{ours['mean_risk']:.4f}",
                  "–" if ours["observed"] is None else f"{ours['observed']:.4f}",
                  str(ours["onsets"]), str(theirs["n"]),
                  "–" if theirs["mean_risk"] is None else f"{theirs['mean_risk']:.4f}",
                  "–" if theirs["observed"] is None else f"{theirs['observed']:.4f}")
    console.print(c)


def _country_plots(panel, preds, foos_raw, which: str, out_dir: Path) -> int:
    from forewarn.forecast import plots

    onsets = panel[panel["mk_onset"] == 1].groupby("iso3")["year"].apply(list).to_dict()
    last = preds["year"].max()
    if which == "all":
        chosen = sorted(preds["iso3"].unique())
    else:  # countries with an onset in the evaluated years, and the latest top 30
        chosen = sorted({i for i, ys in onsets.items() if any(y >= 1994 for y in ys)}
                        | set(preds.loc[(preds["year"] == last) & (preds["rank"] <= 30),
                                        "iso3"]))
    for iso3 in chosen:
        mine = preds[preds["iso3"] == iso3].assign(source="backtest")
        if mine.empty:
            continue
        ccode = int(mine["ccode"].iloc[0])
        e = foos_raw[foos_raw["ccode"] == ccode]
        ewp = pd.DataFrame({"year": e["year"] - 1, "risk": e["risk_prev"]}).dropna()
        plots.country_plot(iso3, str(mine["ewp_name"].iloc[-1]), mine,
                           onsets.get(iso3, []), out_dir, ewp)
    return len(chosen)


@app.command("backtest")
def backtest_cmd(
    model: str = typer.Option(registry.DEFAULT_MODEL, "--model", help="Model name "
                              f"({', '.join(registry.MODELS)})."),
    output: Path | None = typer.Option(None, "--output", help="Write predictions as CSV: "
                                       "ccode, ewp_name, year (origin T), risk, rank."),
    retune_every: int = typer.Option(registry.RETUNE_EVERY, help="Choose hyperparameters "
                                     "afresh every k origins (1 = at every origin)."),
    bootstrap: int = typer.Option(1000, help="Bootstrap resamples for intervals (0 = none)."),
    plots: bool = typer.Option(True, help="Write PNG and SVG plots."),
    country_plots: str = typer.Option("top", help="Risk-over-time plots: top|all|none."),
    store: bool = typer.Option(True, help="Store the predictions in the database."),
) -> None:
    """Rolling-origin backtest (T = 1993..2023, fit on years <= T-2), scored like the EWP."""
    _check_model(model)
    settings = get_settings()
    panel = _panel()
    origins = protocol.origins()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task(f"backtest {model}", total=len(origins))
        result = service.backtest(panel, model, retune_every,
                                  on_origin=lambda t: progress.update(
                                      task, advance=1, description=f"backtest {model}: {t}"))
    if output is not None:
        service.export_csv(result.predictions, output)
        console.print(f"Predictions: {output}")
    foos = protocol.read_foos(settings.raw_dir / readers.EWP_FOOS)
    scored = protocol.score_like_ewp(result.predictions, foos)
    summary = report.summarise(scored, foos, model, result.seconds, n_boot=bootstrap)
    summary["model_version"] = result.version
    summary["cpu_seconds"] = result.cpu_seconds
    print_summary(summary)
    console.print(f"Backtest fits: {result.seconds:.1f} s wall clock, {result.cpu_seconds:.1f} s "
                  f"CPU, for {len(origins)} origins (hyperparameters chosen every "
                  f"{retune_every} origin(s)).")
    artifacts = {}
    if plots:
        from forewarn.forecast import plots as figures

        out_dir = settings.artifacts_dir / "forecast"
        artifacts["catch"] = figures.catch_plot(summary, out_dir)
        artifacts["calibration"] = figures.calibration_plot(summary, out_dir)
        if country_plots != "none":
            n = _country_plots(panel, result.predictions, readers.read_ewp_foos(
                settings.raw_dir / readers.EWP_FOOS), country_plots, out_dir)
            artifacts["countries_dir"] = str(out_dir / "countries")
            console.print(f"{n} country plots in {out_dir / 'countries'}")
        console.print(f"Plots: {out_dir}")
    if store:
        from forewarn.store.db import transaction

        with transaction(_engine()) as session:
            run = service.store_run(session, "backtest", model, result.version,
                                    result.predictions, seconds=result.seconds,
                                    params=result.params, summary=summary, artifacts=artifacts)
            console.print(f"Stored backtest run {run.id} ({result.version}).")


def print_comparison(cmp: dict, year: int) -> None:
    t = Table(title=f"Forecast from {year} (onset in {year + 1}-{year + 2}) beside the EWP's "
              "published 2025 ranking")
    for col in ("rank", "country", "risk", "EWP rank", "EWP risk"):
        t.add_column(col, justify="right")
    for r in cmp["table"][:30]:
        t.add_row(str(r["rank"]), r["ewp_name"], f"{r['risk']:.4f}", str(r["ewp_rank"]),
                  f"{r['ewp_risk']:.4f}")
    console.print(t)
    console.print(f"Spearman rank correlation with the EWP ({cmp['countries']} countries): "
                  f"{cmp['spearman']:.3f}; top-{cmp['top']} overlap: {cmp['top_overlap']}")
    console.print(f"Only in our top {cmp['top']}: {', '.join(cmp['only_ours']) or '–'}")
    console.print(f"Only in the EWP's top {cmp['top']}: {', '.join(cmp['only_ewp']) or '–'}")


def run_forecast(model: str = registry.DEFAULT_MODEL, store: bool = True,
                 plots: bool = True) -> dict:
    settings = get_settings()
    panel = _panel()
    with console.status(f"fitting {model} on all years with a known outcome"):
        result = service.forecast(panel, model)
    cmp = service.compare_with_ewp(result.predictions, settings.raw_dir / readers.EWP_FINAL,
                                   result.year)
    print_comparison(cmp, result.year)
    if store:
        from forewarn.store.db import transaction

        with transaction(_engine()) as session:
            run = service.store_run(session, "forecast", model, result.version,
                                    result.predictions, params=result.params,
                                    summary={"ewp_comparison": cmp, "year": result.year},
                                    explanations=result.explanations,
                                    explained_year=result.year)
            console.print(f"Stored forecast run {run.id} ({result.version}), trained through "
                          f"{result.trained_through}.")
        if plots:
            _forecast_plots(panel, result)
    return cmp


def _forecast_plots(panel: pd.DataFrame, result: service.ForecastResult, top: int = 30) -> None:
    """Risk over time for the forecast's top countries: stored backtest plus the forecast."""
    from forewarn.forecast import plots as figures
    from forewarn.store.db import session_factory

    settings = get_settings()
    out_dir = settings.artifacts_dir / "forecast"
    foos = readers.read_ewp_foos(settings.raw_dir / readers.EWP_FOOS)
    latest = result.predictions[result.predictions["year"] == result.year]
    onsets = panel[panel["mk_onset"] == 1].groupby("iso3")["year"].apply(list).to_dict()
    with session_factory(_engine())() as session:
        for row in latest[latest["rank"] <= top].itertuples(index=False):
            history = pd.DataFrame(service.risk_history(session, row.iso3, result.name))
            e = foos[foos["ccode"] == row.ccode]
            ewp = pd.DataFrame({"year": e["year"] - 1, "risk": e["risk_prev"]}).dropna()
            figures.country_plot(row.iso3, row.ewp_name, history, onsets.get(row.iso3, []),
                                 out_dir, ewp)
    console.print(f"Risk-over-time plots for the top {top}: {out_dir / 'countries'}")


@app.command("forecast")
def forecast_cmd(
    model: str = typer.Option(registry.DEFAULT_MODEL, "--model", help="Model name."),
    store: bool = typer.Option(True, help="Store the forecast and explanations."),
    plots: bool = typer.Option(True, help="Risk-over-time plots (PNG, SVG) for the top 30."),
) -> None:
    """Fit on all data and forecast from the latest year; compare with the EWP's ranking."""
    run_forecast(_check_model(model), store, plots)


@app.command("explain")
def explain_cmd(
    iso3: str = typer.Argument(..., callback=country, help="Country ISO3 code, e.g. SDN."),
    top: int = typer.Option(12, help="How many predictors to show."),
    model: str | None = typer.Option(None, "--model", help="Model (default: latest stored)."),
) -> None:
    """Why a country's latest forecast is what it is, and what moved since last year."""
    from forewarn.store.db import session_factory

    with session_factory(_engine())() as session:
        e = service.explanation(session, iso3, model)
        run = change.latest_run(session, "forecast", model) if e is None else None
        known = run.model_name if run is not None else None
    if e is None:
        console.print(f"[red]No stored forecast explanation for {iso3.upper()}[/red]" + (
            f" (the {known} forecast does not cover it)." if known else
            ". Run `forewarn forecast forecast` first."))
        raise typer.Exit(1)
    console.print(f"[bold]{e['name']}[/bold] ({e['iso3']}), data of {e['year']}: risk "
                  f"{e['risk']:.4f} (log-odds {e['logit']:.3f} = base {e['base']:.3f} + "
                  "contributions)")
    t = Table(title="Largest contributions to the log-odds")
    for col in ("predictor", "value", "contribution", "risk factor"):
        t.add_column(col, justify="right")
    for it in e["contributions"][:top]:
        t.add_row(it["label"], "–" if it["value"] is None else f"{it['value']:.3g}",
                  f"{it['contribution']:+.3f}", it["risk_factor"] or "–")
    console.print(t)
    console.print("By risk factor: " + ", ".join(f"{k} {v:+.3f}" for k, v in
                                                  e["by_risk_factor"].items()))
    ch = e.get("change")
    if ch:
        t = Table(title=f"Change since {ch['previous_year']}: risk {ch['previous_risk']:.4f} → "
                  f"{e['risk']:.4f} (log-odds {ch['delta_logit']:+.3f})")
        for col in ("predictor", "before", "now", "moved", "contribution", "risk factor"):
            t.add_column(col, justify="right")
        for it in ch["contributions"][:top]:
            t.add_row(it["label"],
                      "–" if it["previous"] is None else f"{it['previous']:.3g}",
                      "–" if it["value"] is None else f"{it['value']:.3g}",
                      "yes" if it["moved"] else "no", f"{it['contribution']:+.3f}",
                      it["risk_factor"] or "–")
        console.print(t)


@app.command("models")
def models_cmd() -> None:
    """List the available models."""
    for name, spec in registry.MODELS.items():
        mark = " (default)" if name == registry.DEFAULT_MODEL else ""
        console.print(f"[bold]{name}[/bold]{mark}: {spec.description}")


def setup(con: Console) -> None:
    """First-run step for `forewarn setup`: a forecast, and a backtest if none is stored."""
    from forewarn.store.db import session_factory

    run_forecast(registry.DEFAULT_MODEL)
    with session_factory(_engine())() as session:
        have = service.backtest_summary(session) is not None
    if not have:
        con.print("No backtest stored yet: running it (about a minute).")
        backtest_cmd(model=registry.DEFAULT_MODEL, output=None,
                     retune_every=registry.RETUNE_EVERY, bootstrap=1000, plots=True,
                     country_plots="top", store=True)
