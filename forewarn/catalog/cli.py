"""`forewarn catalog …`: replace the wording of the Framework of Analysis catalogue.

The packaged `framework_of_analysis.yaml` is a paraphrase. An administrator who holds the
official text can load it over the paraphrase, keyed by the same ids (RF1…RF14, RF1.1…):

    forewarn catalog load official.yaml     # validate, then store; a bad file changes nothing
    forewarn catalog check official.yaml    # validate only
    forewarn catalog reset                  # back to the packaged paraphrase

The file lists `risk_factors` (all 14, by `id`, optional `title`/`summary`) with their
`indicators` (by `id`, with `text`, optional `confirmed`). See forewarn/assess/catalog.py.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from forewarn.data.errors import CatalogError
from forewarn.settings import get_settings

app = typer.Typer(help="Reference catalogues: load official wording over the Framework of "
                  "Analysis paraphrase.", no_args_is_help=True)
console = Console()


@app.command("load")
def load(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Replace the Framework of Analysis wording with FILE (same ids); validated first."""
    load_wording_command(file)


@app.command("check")
def check(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Validate FILE against the catalogue without loading it."""
    load_wording_command(file, check_only=True)


@app.command("reset")
def reset() -> None:
    """Remove loaded wording: back to the packaged paraphrase."""
    reset_wording_command()


# Shared with `forewarn assess catalog-load` and `catalog-reset`.
def load_wording_command(file: Path, check_only: bool = False) -> None:
    from forewarn.assess import service

    try:
        if check_only:
            warnings = service.check_wording(file)
        else:
            warnings = service.load_wording(file, get_settings().data_dir, actor="command line")
    except CatalogError as exc:
        console.print(f"[red]{exc.source}: not loaded, nothing changed.[/red]")
        for p in exc.problems:
            console.print(f"  • {p}")
        raise typer.Exit(2) from None
    for w in warnings:
        console.print(f"[yellow]warning:[/yellow] {w}")
    if check_only:
        console.print(f"{file} is valid.")
        return
    _audit(file)
    console.print(f"Loaded wording from {file}; the Framework pages now show it "
                  "(marked as loaded wording).")


def _audit(file: Path) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from forewarn.assess import service
    from forewarn.security import SYSTEM
    from forewarn.store.db import engine_for, session_factory

    try:
        session = session_factory(engine_for(get_settings().db_url))()
        session.info["principal"] = SYSTEM  # the command line is the server's administrator
        with session as s, s.begin():
            service.record_wording_load(s, file)
    except SQLAlchemyError:  # no database yet: the file is loaded all the same
        console.print("[yellow]No database to record this in the audit log.[/yellow]")


def reset_wording_command() -> None:
    from forewarn.assess import service

    done = service.reset_wording(get_settings().data_dir)
    console.print("Back to the packaged paraphrase." if done else "No loaded wording to reset.")
