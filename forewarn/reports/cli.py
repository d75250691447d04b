"""`forewarn reports`: import offline reports, export, purge contact details, and the setup
step (which applies the contact retention)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from forewarn.settings import get_settings

app = typer.Typer(help="Public and field reports: import, export, retention.",
                  no_args_is_help=True)
console = Console()


def _session():
    from forewarn.security import SYSTEM, set_principal
    from forewarn.store.db import engine_for, session_factory, upgrade

    engine = engine_for(get_settings().db_url)
    upgrade(engine)
    session = session_factory(engine)()
    return set_principal(session, SYSTEM)


@app.command("import")
def import_reports(path: Path = typer.Argument(..., help="CSV file of offline reports.")) -> None:
    """Import reports from a CSV file, all or nothing (row-level errors are listed)."""
    from forewarn.data.errors import DataError
    from forewarn.reports.importer import import_csv

    with _session() as session:
        try:
            n = import_csv(session, get_settings().data_dir, path, "cli import")
        except DataError as exc:
            session.rollback()
            console.print(f"[red]Import failed, nothing changed:[/red] {exc}")
            raise typer.Exit(2) from None
        session.commit()
    console.print(f"{n} report(s) imported from {path.name}; they wait in the triage queue.")


@app.command("purge-contacts")
def purge_contacts(days: int = typer.Option(None, help="Retention in days (default: "
                                            "FOREWARN_REPORTS_CONTACT_RETENTION_DAYS).")) -> None:
    """Delete reporter names and contact details older than the retention period."""
    from forewarn.reports.config import get_report_settings
    from forewarn.reports.protection import purge_contacts as purge

    days = get_report_settings().contact_retention_days if days is None else days
    with _session() as session:
        n = purge(session, days)
        session.commit()
    console.print(f"Contact details deleted from {n} report(s) older than {days} days."
                  if days > 0 else "Retention disabled (0 days): nothing deleted.")


@app.command("export")
def export(out: Path = typer.Argument(..., help="File to write."),
           personal: bool = typer.Option(False, help="Include reporter names and contacts "
                                         "(where the reporter consented)."),
           fmt: str = typer.Option("csv", "--format", help="csv, hxl (CSV with HXL hashtags) "
                                   "or geojson.")) -> None:
    """Export every report (personal data left out unless --personal)."""
    import json

    from forewarn.reports import exports

    writers = {"csv": exports.export_csv, "hxl": exports.export_hxl,
               "geojson": lambda s, include_personal: json.dumps(
                   exports.export_geojson(s, include_personal), ensure_ascii=False)}
    if fmt not in writers:
        console.print(f"[red]Unknown format {fmt!r}[/red]: one of {', '.join(writers)}")
        raise typer.Exit(2)
    with _session() as session:
        out.write_text(writers[fmt](session, include_personal=personal), encoding="utf-8")
        session.commit()
    console.print(f"Written {out}")


def setup(console: Console) -> None:
    """First run and every run after: apply the contact retention now (`forewarn serve` then
    applies it hourly through its scheduler; no cron job needed)."""
    from forewarn.reports.config import get_report_settings
    from forewarn.reports.protection import purge_contacts as purge

    days = get_report_settings().contact_retention_days
    with _session() as session:
        n = purge(session, days)
        session.commit()
    console.print(f"reports: contact retention {days} days; {n} report(s) purged. Public form "
                  "at /report.")


@app.command("smtp-intake")
def smtp_intake(host: str = typer.Option("127.0.0.1", help="Address to listen on."),
                port: int = typer.Option(2525, help="Port (25 needs privileges)."),
                recipient: list[str] = typer.Option(
                    [], help="Accept mail only for these addresses (default: any).")) -> None:
    """Forewarn's own SMTP endpoint: each e-mail becomes a report (attachments stripped of
    EXIF/GPS in the working copies), with the web form's rate and spam rules."""
    import signal
    import threading

    from forewarn.reports.channels import Intake
    from forewarn.reports.config import get_report_settings
    from forewarn.reports.email_intake import controller
    from forewarn.security import crypto
    from forewarn.store.db import engine_for, session_factory, upgrade

    settings = get_settings()
    crypto.configure(settings)
    engine = engine_for(settings.db_url)
    upgrade(engine)
    intake = Intake(session_factory(engine), settings.data_dir, get_report_settings())
    server = controller(intake, host, port, tuple(recipient))
    server.start()
    console.print(f"SMTP intake listening on {host}:{port}", highlight=False)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
