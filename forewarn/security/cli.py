"""`forewarn user …` and `forewarn audit …`, and the first-run step of `forewarn setup`."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from forewarn.security import SYSTEM, accounts, audit, crypto, set_principal
from forewarn.security.models import AuditEntry, User
from forewarn.security.principal import ROLES

user_app = typer.Typer(help="Accounts: add, list, disable, change role, reset password.",
                       no_args_is_help=True)
audit_app = typer.Typer(help="The append-only audit log.", no_args_is_help=True)
apps = {"user": user_app, "audit": audit_app}
console = Console()
ACTOR = "cli:" + (os.environ.get("USER") or "admin")


def _session():
    from forewarn.settings import get_settings
    from forewarn.store.db import engine_for, session_factory, upgrade

    settings = get_settings()
    crypto.configure(settings)
    engine = engine_for(settings.db_url)
    upgrade(engine)
    return set_principal(session_factory(engine)(), SYSTEM)


def _user(session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        console.print(f"[red]No user {username!r}.[/red] See `forewarn user list`.")
        raise typer.Exit(1)
    return user


def _role(role: str) -> str:
    if role not in ROLES:
        console.print(f"[red]Unknown role {role!r}.[/red] Roles: {', '.join(ROLES)}")
        raise typer.Exit(2)
    return role


def _password(given: str | None, generate: bool) -> tuple[str, bool]:
    if given:
        return given, False
    if generate:
        return accounts.generate_password(), True
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True), False


@user_app.command("add")
def user_add(
    username: str,
    role: str = typer.Option("viewer", help=f"One of: {', '.join(ROLES)}."),
    name: str = typer.Option("", help="Display name."),
    password: str = typer.Option(None, help="Password (else asked, or see --generate).",
                                 envvar="FOREWARN_NEW_PASSWORD"),
    generate: bool = typer.Option(False, help="Generate a password and print it once."),
) -> None:
    """Create an account."""
    _role(role)
    plain, generated = _password(password, generate)
    with _session() as session:
        try:
            user = accounts.create_user(session, username, plain, role, name)
        except ValueError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        audit.record(session, ACTOR, "user_add", "user", user.id,
                     after={"username": username, "role": role})
        session.commit()
    console.print(f"Created {username} ({role}).")
    if generated:
        console.print(f"Password (shown once): [bold]{plain}[/bold]")


@user_app.command("list")
def user_list() -> None:
    """Every account with role and state."""
    with _session() as session:
        users = session.scalars(select(User).order_by(User.username)).all()
    table = Table("username", "role", "state", "failed logins", "last sign-in")
    for u in users:
        state = "active" if u.active else "disabled"
        table.add_row(u.username, u.role, state, str(u.failed_logins),
                      str(u.last_login_at or "never"))
    console.print(table)


def _change(username: str, action: str, **changes) -> None:
    with _session() as session:
        user = _user(session, username)
        before = {k: getattr(user, k) for k in changes}
        for key, value in changes.items():
            setattr(user, key, value)
        if changes.get("active") is False:
            accounts.end_all(session, user)
        audit.record(session, ACTOR, action, "user", user.id, before=before, after=changes)
        session.commit()


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Disable an account: it can no longer sign in; its sessions and tokens stop working."""
    _change(username, "user_disable", active=False)
    console.print(f"Disabled {username}.")


@user_app.command("enable")
def user_enable(username: str) -> None:
    """Enable a disabled account again."""
    _change(username, "user_enable", active=True, failed_logins=0, locked_until=None)
    console.print(f"Enabled {username}.")


@user_app.command("set-role")
def user_set_role(username: str, role: str) -> None:
    """Change an account's role."""
    _change(username, "user_set_role", role=_role(role))
    console.print(f"{username} is now {role}.")


@user_app.command("reset-password")
def user_reset_password(
    username: str,
    password: str = typer.Option(None, help="New password (else one is generated and printed "
                                 "once).", envvar="FOREWARN_NEW_PASSWORD"),
) -> None:
    """Set a new password (ends the account's sessions and unlocks it)."""
    plain = password or accounts.generate_password()
    with _session() as session:
        user = _user(session, username)
        try:
            accounts.set_password(session, user, plain)
        except ValueError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        audit.record(session, ACTOR, "user_reset_password", "user", user.id)
        session.commit()
    console.print(f"Password of {username} reset.")
    if not password:
        console.print(f"New password (shown once): [bold]{plain}[/bold]")


@user_app.command("token")
def user_token(username: str, name: str = typer.Option("script", help="What it is for.")):
    """Create an API token for an account (printed once; stored only as a hash)."""
    with _session() as session:
        user = _user(session, username)
        row, plain = accounts.create_token(session, user, name)
        audit.record(session, ACTOR, "token_create", "api_token", row.id, after={"name": name})
        session.commit()
    console.print(f"Token for {username} (shown once): [bold]{plain}[/bold]")


@audit_app.command("verify")
def audit_verify(against: Path | None = typer.Option(
        None, "--against", help="A checkpoint kept elsewhere (from `forewarn audit "
        "checkpoint`) to verify against instead of the one in the data directory.")) -> None:
    """Check the hash chain, its signatures and the signed checkpoint: exit 0 when intact, 1
    naming the first bad entry otherwise."""
    checkpoint = None
    if against is not None:
        import json

        checkpoint = json.loads(against.read_text(encoding="utf-8"))
    with _session() as session:
        verdict = audit.verify(session, checkpoint)
    if verdict.ok:
        console.print(f"[green]{verdict}[/green]")
        return
    console.print(f"[red]{verdict}[/red]")
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Print the signed head of the audit log (JSON) for an external witness to keep."""
    import json

    from forewarn.security import anchor

    with _session() as session:
        verdict = audit.verify(session)
        last = session.scalar(select(func.max(AuditEntry.seq)))
    if not verdict.ok:
        console.print(f"[red]{verdict}[/red]")
        raise typer.Exit(1)
    print(json.dumps(anchor.signed_head(last or 0, verdict.head), indent=1))


@audit_app.command("tail")
def audit_tail(n: int = typer.Option(20, help="How many entries.")) -> None:
    """The latest entries."""
    from forewarn.security.models import AuditEntry

    with _session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(n))
        table = Table("#", "when", "who", "action", "target")
        for e in rows:
            table.add_row(str(e.seq), str(e.at), e.actor, e.action,
                          f"{e.target_type} {e.target_id or ''}")
    console.print(table)


def setup(console: Console) -> None:
    """First run: make sure an admin exists and say how to sign in."""
    with _session() as session:
        admin = session.scalar(select(User).where(User.role == "admin", User.active.is_(True)))
        if admin is not None:
            console.print(f"Admin account exists ({admin.username}); sign in at /login. "
                          "Add people with `forewarn user add NAME --role analyst`.")
            return
        from forewarn.settings import get_settings

        given, username = get_settings().admin.password, get_settings().admin.user
        plain = given or accounts.generate_password()
        user = accounts.create_user(session, username, plain, "admin", "Administrator")
        audit.record(session, "setup", "user_add", "user", user.id,
                     after={"username": username, "role": "admin"})
        session.commit()
    console.print(f"Created the first admin account [bold]{username}[/bold].")
    if given:
        console.print("Its password is the one in FOREWARN_ADMIN_PASSWORD.")
    else:
        console.print(f"Password (shown only now, write it down): [bold]{plain}[/bold]")
    console.print("Sign in at http://127.0.0.1:8000/login once the app is running; change "
                  "roles with `forewarn user set-role`, reset with `forewarn user "
                  "reset-password`.")
