"""`forewarn assess …`: the catalogue, import/export, suggestions, consistency, demo seed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

# The wording commands are `forewarn catalog`'s; these two are the same under `assess`.
from forewarn.catalog.cli import load_wording_command, reset_wording_command
from forewarn.cliutil import country, one_of
from forewarn.cliutil import country as check_country
from forewarn.settings import get_settings

app = typer.Typer(help="Framework of Analysis assessments: catalogue, import/export, "
                  "data-suggested indicators and the consistency report.", no_args_is_help=True)
console = Console()
DEMO_FILE = "demo_assessments.yaml"


def _engine():
    from forewarn.store.db import engine_for

    return engine_for(get_settings().db_url)


def _session():
    from forewarn.security import SYSTEM
    from forewarn.store.db import session_factory

    session = session_factory(_engine())()
    session.info["principal"] = SYSTEM  # the command line is the server's administrator
    return session


def _framework():
    from forewarn.assess.catalog import load_framework

    return load_framework(get_settings().data_dir)


@app.command("catalog-load")
def catalog_load(file: Path = typer.Argument(..., exists=True, dir_okay=False),
                 check: bool = typer.Option(False, "--check", help="Validate only.")) -> None:
    """Replace the Framework's wording (e.g. with the official text), keyed by the same ids."""
    load_wording_command(file, check)


@app.command("catalog-reset")
def catalog_reset() -> None:
    """Go back to the packaged paraphrase."""
    reset_wording_command()


@app.command("export")
def export(fmt: str = typer.Option("yaml", "--format", callback=one_of("yaml", "json", "csv"),
                                   help="yaml, json or csv"),
           country: str = typer.Option(None, callback=check_country,
                                       help="Only this country (ISO3)."),
           out: Path = typer.Option(None, "--out", "-o", help="File (default: stdout).")) -> None:
    """Write every assessment (working copies) as YAML, JSON or CSV."""
    from forewarn.assess import transfer
    from forewarn.assess.access import SYSTEM, audit

    with _session() as s, s.begin():
        text = transfer.dumps(transfer.records(s, SYSTEM, country), fmt)
        audit(s, SYSTEM, "assessment.export", "assessment", None,
              after={"format": fmt, "country": country})
    if out:
        out.write_text(text, encoding="utf-8")
        console.print(f"Wrote {out}")
    else:
        typer.echo(text, nl=False)


@app.command("import")
def import_(file: Path = typer.Argument(..., exists=True, dir_okay=False),
            fmt: str = typer.Option(None, "--format", help="yaml, json or csv (default: from "
                                    "the file extension)")) -> None:
    """Create or revise assessments from a file written by `export`; all or nothing."""
    from forewarn.assess import transfer
    from forewarn.assess.access import Actor

    fmt = fmt or {".yml": "yaml", ".yaml": "yaml", ".json": "json", ".csv": "csv"}.get(
        file.suffix.lower(), "yaml")
    actor = Actor.with_role("admin", "command line")
    try:
        with _session() as s, s.begin():
            recs = transfer.loads(file.read_text(encoding="utf-8"), fmt)
            result = transfer.import_records(s, actor, _framework(), recs, file.name)
    except transfer.TransferError as exc:
        console.print(f"[red]{file}: not imported, nothing changed.[/red]")
        for p in exc.problems:
            console.print(f"  • {p}")
        raise typer.Exit(2) from None
    console.print(f"{result['records']} records: {result['created']} created, "
                  f"{result['revised']} revised.")


@app.command("suggest")
def suggest_cmd(iso3: str = typer.Argument(..., callback=country, help="Country ISO3 code."),
                year: int = typer.Option(None, help="Data up to this year.")) -> None:
    """Data-suggested indicators for a country (never ratings: for the analyst to weigh)."""
    from forewarn.assess import service, suggest

    framework = _framework()
    with _session() as s:
        c = service.country_by_iso3(s, iso3)
        by_ind = suggest.for_country(s, framework, c.id, year)
    table = Table("indicator", "signal", "value", "year", "source", title=f"{c.name}")
    for iid in sorted(by_ind, key=framework.order().__getitem__):
        for e in by_ind[iid]:
            table.add_row(iid, e["signal"], "" if e["value"] is None else f"{e['value']:g}",
                          str(e["year"] or ""), f"{e['label']} ({e['dataset']})")
    console.print(table)


@app.command("consistency")
def consistency_cmd(item: str, max_age_days: int = typer.Option(365)) -> None:
    """Every country's latest published rating of ITEM (RF9 or RF9.1) beside its data."""
    from forewarn.assess import consistency

    with _session() as s:
        rep = consistency.report(s, _framework(), item.upper(), max_age_days)
    table = Table("country", "as of", "rating", "data signal", "stale", title=rep["label"])
    for r in rep["rows"]:
        table.add_row(r["country"], r["as_of"], r["rating"], r["data_signal"] or "no data",
                      "stale" if r["stale"] else "")
    console.print(table)
    for p in rep["inconsistent_pairs"]:
        console.print(f"[yellow]check:[/yellow] {' / '.join(p['countries'])}: {p['reason']}")


def seed_demo(session, framework) -> list[str]:
    """Create the demonstration assessments that are missing; return what was created."""
    from datetime import date

    from sqlalchemy import select

    from forewarn.assess import service, transfer
    from forewarn.assess.access import Actor
    from forewarn.assess.models import Assessment
    from forewarn.assess.ratings import Content

    text = (resources.files("forewarn.assess") / DEMO_FILE).read_text(encoding="utf-8")
    analyst = Actor.with_role("analyst", "Demonstration analyst")
    reviewer = Actor.with_role("reviewer", "Demonstration reviewer")
    created = []
    for rec in transfer.loads(text, "yaml"):
        country = service.country_by_iso3(session, rec["iso3"])
        as_of = date.fromisoformat(rec["as_of"])
        if session.scalar(select(Assessment.id).where(Assessment.country_id == country.id,
                                                      Assessment.as_of == as_of)):
            continue
        content = Content(summary=rec["summary"], ratings=rec["ratings"])
        a = service.create(session, analyst, framework, rec["iso3"], as_of, content,
                           sensitivity=rec["sensitivity"], demo=True,
                           note="demonstration assessment from public UN reports")
        service.submit(session, analyst, a)
        service.publish(session, reviewer, a, "demonstration: checked against the cited reports")
        created.append(f"{rec['iso3']} {rec['as_of']}")
    return created


def setup(console: Console) -> None:
    """`forewarn setup`: seed the demonstration assessments (safe to run again)."""
    from sqlalchemy import func, select

    from forewarn.store.models import Country

    with _session() as s, s.begin():
        if not s.scalar(select(func.count()).select_from(Country)):
            console.print("No countries yet: run `forewarn import` first.")
            return
        created = seed_demo(s, _framework())
    console.print(f"Demonstration assessments: {', '.join(created) if created else 'present'} "
                  "(marked as demonstrations; see /framework).")
