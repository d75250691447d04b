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

app = typer.Typer(help="Reference catalogues: load official wording over the Framework of "
                  "Analysis paraphrase.", no_args_is_help=True)


@app.command("load")
def load(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Replace the Framework of Analysis wording with FILE (same ids); validated first."""
    from forewarn.assess.cli import catalog_load_command

    catalog_load_command(file)


@app.command("check")
def check(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Validate FILE against the catalogue without loading it."""
    from forewarn.assess.cli import catalog_load_command

    catalog_load_command(file, check_only=True)


@app.command("reset")
def reset() -> None:
    """Remove loaded wording: back to the packaged paraphrase."""
    from forewarn.assess.cli import catalog_reset

    catalog_reset()
