"""The `forewarn` command line: data, database, import, serve, and each capability's commands."""

from __future__ import annotations

import importlib
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import forewarn
from forewarn.cliutil import ForewarnTyper, quiet_help_types
from forewarn.settings import get_settings
from forewarn.web import fulltext  # keeps the search index in step with every write

quiet_help_types()  # help texts list choices, not Python types (<bool>, <str>)
# Every user error ends as one line on stderr with exit code 1 or 2 (forewarn/cliutil.py).
app = ForewarnTyper(
    help="Forewarn: atrocity-crime early warning, assessment, response planning and "
    "documentation.",
    no_args_is_help=True,
    add_completion=False,
)
data_app = typer.Typer(help="Fetch and verify the source data.", no_args_is_help=True)
db_app = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(db_app, name="db")
console = Console()


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)


def _engine():
    from forewarn.store.db import engine_for

    return engine_for(get_settings().db_url)


@data_app.command("fetch")
def data_fetch(
    from_dir: Path = typer.Option(None, "--from", help="Import from this local mirror instead "
                                  "of downloading (e.g. ../shared/data)."),
) -> None:
    """Download every source (or copy it from a mirror) and verify its sha256."""
    from forewarn.data.sources import fetch, load_sources

    settings = get_settings()
    mirror = from_dir or settings.mirror
    sources = load_sources()
    failed = 0
    with progress_bar() as bar:
        task = bar.add_task("Fetching sources", total=len(sources))

        def step(src, result):
            nonlocal failed
            if result.startswith("failed"):
                failed += 1
                console.print(f"[red]✗[/red] {src.file}: {result}")
            bar.advance(task)

        fetch(settings.raw_dir, mirror, progress=step)
    console.print(f"{len(sources) - failed} of {len(sources)} sources verified in "
                  f"{settings.raw_dir}")
    if failed:
        raise typer.Exit(1)


@data_app.command("status")
def data_status() -> None:
    """List every source as present (sha256 verified), missing or corrupt."""
    from forewarn.data.sources import status

    rows = status(get_settings().raw_dir)
    table = Table("state", "file", "licence")
    colour = {"verified": "green", "missing": "yellow", "corrupt": "red"}
    for r in rows:
        table.add_row(f"[{colour[r.state]}]{r.state}[/]", r.source.file, r.source.licence)
    console.print(table)
    counts = {s: sum(r.state == s for r in rows) for s in colour}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts["corrupt"] or counts["missing"]:
        raise typer.Exit(1)


@data_app.command("sources")
def data_sources() -> None:
    """Every source with its origin, licence and citation."""
    from forewarn.data.sources import load_sources

    for s in load_sources():
        console.print(f"[bold]{s.file}[/bold]\n  origin: {s.origin_url or s.derived_from}\n"
                      f"  licence: {s.licence}\n  cite: {s.citation}")


@db_app.command("init")
def db_init() -> None:
    """Create the database (if needed) and bring its schema up to date."""
    from forewarn.store.db import upgrade

    upgrade(_engine())
    console.print(f"Database ready: {get_settings().db_url}")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads")) -> None:
    """Apply migrations up to REVISION (default: all heads)."""
    from forewarn.store.db import upgrade

    upgrade(_engine(), revision)
    console.print("Schema upgraded.")


@db_app.command("reindex")
def db_reindex() -> None:
    """Rebuild the full-text search index from every stored record."""
    from forewarn.store.db import transaction

    with transaction(_engine()) as session:
        n = fulltext.reindex_all(session.connection())
    console.print(f"Search index rebuilt: {n} entries.")


@app.command("import")
def import_data() -> None:
    """Load the panels (EWP, UCDP, UNHCR, episodes) into the database, all or nothing."""
    from forewarn.data.errors import DataError
    from forewarn.data.importer import import_all
    from forewarn.store.db import upgrade

    engine = _engine()
    upgrade(engine)
    with progress_bar() as bar:
        task = bar.add_task("Importing", total=4)
        try:
            results = import_all(engine, get_settings().raw_dir,
                                 progress=lambda t: bar.update(task, advance=1, description=t))
        except DataError as exc:
            console.print(f"[red]Import failed, nothing changed:[/red] {exc}")
            raise typer.Exit(2) from None
    for r in results:
        console.print(f"{r.table}: {r.rows} rows from {r.source_file}")


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Run the web app and JSON API."""
    import uvicorn

    uvicorn.run("forewarn.web.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info")


# Capabilities whose data others build on come first (accounts before seeded records).
SETUP_ORDER = ["security", "forecast", "respond", "assess", "evidence", "monitor", "reports"]


@app.command("setup")
def setup() -> None:
    """Prepare a fresh installation after `import`: each capability's first-run step (first
    admin account, forecasts, demonstration records). Safe to run again."""
    for name in SETUP_ORDER:
        cli = importlib.import_module(f"forewarn.{name}.cli")
        step = getattr(cli, "setup", None)
        if step is not None:
            console.rule(f"setup: {name}")
            step(console)


@app.command("version")
def version() -> None:
    """Print the version."""
    console.print(forewarn.__version__)


def _mount_capabilities() -> None:
    """Each sub-package with a cli.py adds its commands: `app` as `forewarn <pkg>`, or a dict
    `apps` of group name → Typer for commands that belong at the top level (e.g. `user`)."""
    for pkg, cli in forewarn.capability_modules("cli"):
        groups = getattr(cli, "apps", None) or {pkg: cli.app}
        for name, sub in groups.items():
            app.add_typer(sub, name=name)


_mount_capabilities()
