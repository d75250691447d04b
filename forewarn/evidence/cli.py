"""`forewarn evidence …`: verify the register, add sources, import incidents, show custody
logs and proposals, export dossiers; and `setup`, which seeds the demonstration situation.

Stable: `forewarn evidence verify` exits 0 when every stored source and custody chain is
intact, 1 naming each source that is not.
"""

from __future__ import annotations

import getpass
import json
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(help="Evidence register: sources, chain of custody, incidents, legal "
                  "proposals and situation dossiers.", no_args_is_help=True)
console = Console()


def _actor(by: str | None) -> str:
    return f"cli:{by or getpass.getuser()}"


@contextmanager
def _session(commit: bool = True):
    """A SYSTEM session on the configured database (the CLI runs as the operator)."""
    from forewarn.evidence.access import SYSTEM, set_principal
    from forewarn.settings import get_settings
    from forewarn.store.db import engine_for, session_factory

    settings = get_settings()
    with session_factory(engine_for(settings.db_url))() as session:
        set_principal(session, SYSTEM)
        yield session
        if commit:
            session.commit()


def _store():
    from forewarn.evidence.storage import BlobStore
    from forewarn.settings import get_settings

    return BlobStore.for_settings(get_settings())


@app.command("verify")
def verify() -> None:
    """Re-hash every stored source and check every custody chain; exit 1 naming each source
    that fails."""
    from forewarn.evidence.custody import verify as run

    with _session(commit=False) as session:
        report = run(session, _store())
    for w in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}")
    if report.ok:
        console.print(f"Evidence intact: {report.checked} sources, {report.events} custody "
                      "events.")
        return
    for p in report.problems:
        console.print(f"[red]✗[/red] {p}")
    console.print(f"[red]{len(report.problems)} problem(s)[/red] in {report.checked} sources.")
    raise typer.Exit(1)


@app.command("seal-originals")
def seal_originals() -> None:
    """Encrypt at rest the originals of witness media kept before sealing existed (each
    re-hashed first; recorded in its custody log)."""
    from sqlalchemy import select

    from forewarn.evidence import custody
    from forewarn.evidence.models import Source
    from forewarn.security import crypto
    from forewarn.settings import get_settings

    crypto.configure(get_settings())
    store, sealed = _store(), 0
    with _session() as session:
        for src in session.scalars(select(Source).where(Source.witness_media.is_(True))):
            if store.seal_existing(src.sha256):
                custody.append(session, src, "cli", "change", {"sealed_at_rest": True})
                sealed += 1
    console.print(f"Sealed {sealed} original(s) of witness media.")


@app.command("add")
def add(
    path: Path = typer.Argument(None, help="A file to register."),
    url: str = typer.Option(None, help="The URL it came from (with --fetch: fetch it now)."),
    text: str = typer.Option(None, help="Pasted text to register."),
    fetch: bool = typer.Option(False, help="Have the server fetch URL now."),
    title: str = typer.Option("", help="Title (default: file name or URL)."),
    citation: str = typer.Option("", help="How to cite it."),
    sensitivity: str = typer.Option("internal", help="public|internal|restricted|confidential"),
    reliability: str = typer.Option(None, help="A-F"),
    credibility: str = typer.Option(None, help="1-6"),
    by: str = typer.Option(None, help="Collector (default: your login name)."),
) -> None:
    """Register a file, a URL or pasted text (hashed and stored once, read-only)."""
    from forewarn.evidence import sources

    actor = _actor(by)
    kw = dict(title=title or (path.name if path else url or "pasted text"), actor=actor,
              citation=citation, sensitivity=sensitivity, reliability=reliability,
              credibility=credibility)
    try:
        with _session() as session:
            store = _store()
            if path is not None:
                result = sources.register(session, store, path.read_bytes(), kind="upload",
                                          filename=path.name,
                                          original_location=url or str(path), **kw)
            elif text is not None:
                result = sources.register_text(session, store, text,
                                               original_location=url or "", **kw)
            elif url:
                result = sources.register_url(session, store, url, fetch=fetch, **kw)
            else:
                raise sources.IntakeError("give a file, --text or --url")
            s = result.source
    except (sources.IntakeError, OSError) as exc:
        console.print(f"[red]Not registered:[/red] {exc}")
        raise typer.Exit(2) from None
    state = "already registered" if result.duplicate else "registered"
    console.print(f"Source #{s.id} {state}: sha256 {s.sha256}, {s.size} bytes, {s.media_type}")


@app.command("custody")
def custody_log(source_id: int) -> None:
    """Show a source's chain of custody."""
    from forewarn.evidence.custody import check_chain, events
    from forewarn.evidence.models import Source

    with _session(commit=False) as session:
        s = session.get(Source, source_id)
        if s is None:
            console.print(f"[red]No source #{source_id}[/red]")
            raise typer.Exit(1)
        log = events(session, s.id)
        console.print(f"[bold]#{s.id} {s.title}[/bold] sha256 {s.sha256}")
        for e in log:
            detail = json.dumps(e.detail, ensure_ascii=False, sort_keys=True)
            console.print(f"{e.seq:>4} {e.at.isoformat(timespec='seconds')} {e.action:<16} "
                          f"{e.actor}  {e.hash[:12]}  {detail[:160]}", soft_wrap=True)
        problem = check_chain(s, log)
    console.print(f"[red]{problem}[/red]" if problem else "[green]chain intact[/green]")


@app.command("import")
def import_incidents(
    path: Path,
    format: str = typer.Option("csv", help="csv (incident CSV) or ucdp (UCDP GED events)."),
    by: str = typer.Option(None, help="Who imports (default: your login name)."),
) -> None:
    """Import incidents, all or nothing: a bad row stops the import naming file, row and
    column, and nothing is written."""
    from forewarn.data.errors import DataError
    from forewarn.evidence.importers import import_csv, import_ucdp

    try:
        with _session() as session:
            result = (import_ucdp(session, _store(), path, _actor(by)) if format == "ucdp"
                      else import_csv(session, path, _actor(by)))
    except DataError as exc:
        console.print(f"[red]Import failed, nothing changed:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(str(result))


@app.command("proposals")
def proposals(incident_id: int) -> None:
    """Candidate crimes for an incident, element by element."""
    from forewarn.evidence.access import SYSTEM
    from forewarn.evidence.legal import proposals_for
    from forewarn.evidence.models import Incident

    with _session(commit=False) as session:
        inc = session.get(Incident, incident_id)
        if inc is None:
            console.print(f"[red]No incident #{incident_id}[/red]")
            raise typer.Exit(1)
        result = proposals_for(session, SYSTEM, incident=inc)
    for p in result["proposals"]:
        flag = "" if p["confirmed"] else " [yellow](unconfirmed)[/yellow]"
        console.print(f"[bold]{p['crime_id']}[/bold] {p['label']} — {p['summary']}{flag}")
        for e in p["elements"]:
            console.print(f"   {e['kind']:<10} {e['status']:<12} {e['id']}")


@app.command("dossier")
def dossier_cmd(
    situation_id: int,
    format: str = typer.Option("md", help="md, pdf or json"),
    out: Path = typer.Option(None, help="Write here (default: stdout for md/json)."),
    role: str = typer.Option("viewer", help="Redact as for this role (viewer, analyst, "
                             "reviewer, admin; anonymous = public only)."),
    by: str = typer.Option(None, help="Who exports (default: your login name)."),
) -> None:
    """Export a situation dossier, redacted for ROLE; logged as an export."""
    from forewarn.evidence import dossier, export
    from forewarn.evidence.access import ANONYMOUS, for_role
    from forewarn.evidence.models import Situation
    from forewarn.settings import get_settings

    reader = ANONYMOUS if role == "anonymous" else for_role(role, _actor(by))
    with _session() as session:
        sit = session.get(Situation, situation_id)
        if sit is None:
            console.print(f"[red]No situation #{situation_id}[/red]")
            raise typer.Exit(1)
        d = dossier.build(session, sit, reader, get_settings())
        if format == "json":
            body = json.dumps(d, indent=2, ensure_ascii=False).encode()
        elif format == "pdf":
            body = export.to_pdf(d)
        else:
            body = export.to_markdown(d).encode()
        dossier.record_export(session, d, _actor(by), format)
    if out is None and format == "pdf":
        out = Path(f"situation-{situation_id}.pdf")
    if out is None:
        typer.echo(body.decode())
    else:
        out.write_bytes(body)
        console.print(f"Wrote {out} ({len(body)} bytes)")


@app.command("profile")
def profile_cmd(situation_id: int,
                as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """A situation's derived profile: each value with the facts it rests on."""
    from forewarn.evidence.access import SYSTEM
    from forewarn.evidence.models import Situation
    from forewarn.evidence.profile import derive
    from forewarn.settings import get_settings

    with _session(commit=False) as session:
        sit = session.get(Situation, situation_id)
        if sit is None:
            console.print(f"[red]No situation #{situation_id}[/red]")
            raise typer.Exit(1)
        p = derive(session, sit, SYSTEM, get_settings())
    if as_json:
        typer.echo(json.dumps(p, indent=2, ensure_ascii=False, default=str))
        return
    for key, v in p["values"].items():
        mark = f" [yellow](set by {v['override']['by']})[/yellow]" if v["override"] else ""
        console.print(f"[bold]{key.replace('_', ' ')}[/bold]: {v['label']}{mark}")
        for b in v["basis"]:
            console.print(f"   - {b}")


@app.command("demo")
def demo() -> None:
    """Seed the demonstration situation (the 2017 attacks on the Rohingya)."""
    setup(console)


def setup(console: Console) -> None:
    """`forewarn setup`: seed the demonstration dossier (once)."""
    from forewarn.evidence.demo import seed

    with _session() as session:
        sit, created = seed(session, _store())
        sid = sit.id
    verb = "Seeded" if created else "Already present:"
    console.print(f"{verb} demonstration situation #{sid}: /situations/{sid}")
