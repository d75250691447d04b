"""`forewarn monitor …` commands for alerts, rules, feeds and analysts' corrections (the
training and ingestion commands are in cli.py; both register on the same Typer app)."""

from __future__ import annotations

from pathlib import Path

import typer

from forewarn.cliutil import UserError, iso_date, one_of
from forewarn.monitor.cli import _engine, app, console

ACTIONS = ("acknowledge", "dismiss", "reopen", "assign", "annotate")


def _country(session, country_id: int) -> str:
    """'SDN (Sudan)' for a country row id: the CLI never shows internal ids."""
    from forewarn.store.models import Country

    row = session.get(Country, country_id)
    return f"{row.iso3} ({row.name})" if row else "?"


@app.command("alerts")
def alerts_cmd(day: str = typer.Option(None, callback=iso_date,
                                       help="Re-evaluate the rules on this day first "
                                       "(ingestion and `serve` do it by themselves)."),
               status: str = typer.Option("new", callback=one_of(
                   "new", "acknowledged", "dismissed", "all"),
                   help="new, acknowledged, dismissed or all")):
    """List the alerts inbox (and, with --day, evaluate the rules on that day first)."""
    from datetime import date

    from sqlalchemy.orm import Session

    from forewarn.monitor import alerts
    from forewarn.monitor.riskfactors import signal_label

    engine = _engine()
    if day:
        created = alerts.refresh(engine, [date.fromisoformat(day)])
        console.print(f"{len(created)} new alerts")
    shown = alerts.inbox(engine, None if status == "all" else status or None)
    if not shown:
        console.print(f"No {'' if status == 'all' else status + ' '}alerts.")
    with Session(engine) as s:
        for a in shown:
            extra = f" assigned to {a.assigned_to}" if a.assigned_to else ""
            console.print(f"#{a.id} {a.day} {_country(s, a.country_id)} "
                          f"{signal_label(a.signal)}: {a.count} (expected {a.expected:.2f}, "
                          f"{a.baseline} baseline) \\[{a.status}{extra}]")


@app.command("alert")
def alert_act(alert_id: int,
              action: str = typer.Argument(..., callback=one_of(*ACTIONS),
                                           help="acknowledge, dismiss, reopen, assign or "
                                           "annotate"),
              value: str = typer.Argument("", help="assign: the username; annotate: the note"),
              by: str = typer.Option("cli")) -> None:
    """Act on an alert: acknowledge, dismiss, reopen, assign USER or annotate NOTE."""
    from forewarn.monitor import alerts

    try:
        a = alerts.act(_engine(), alert_id, action, by, value)
    except LookupError:
        raise UserError(f"no alert {alert_id} (see `forewarn monitor alerts --status all`)"
                        ) from None
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
