"""`forewarn user …` and the first-admin step of `forewarn setup`."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.security.accounts import authenticate
from forewarn.security.models import AuditEntry, User

from .test_audit import _cli


def test_user_commands_end_to_end(tmp_path):
    from forewarn.store.db import make_engine

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    r = _cli(url, "user", "add", "ana", "--role", "analyst", "--password", "a long password 1")
    assert r.exit_code == 0 and "Created ana (analyst)" in r.output, r.output
    assert _cli(url, "user", "add", "ana", "--password", "a long password 1").exit_code == 1
    assert _cli(url, "user", "add", "bob", "--role", "boss", "--password", "x" * 12
                ).exit_code == 2
    assert _cli(url, "user", "add", "short", "--password", "short").exit_code == 1
    r = _cli(url, "user", "add", "gen", "--generate")
    assert r.exit_code == 0 and "shown once" in r.output
    assert "ana" in _cli(url, "user", "list").output
    assert _cli(url, "user", "set-role", "ana", "reviewer").exit_code == 0
    r = _cli(url, "user", "reset-password", "ana")
    new = r.output.split("shown once): ")[1].split()[0]
    assert _cli(url, "user", "disable", "ana").exit_code == 0
    assert _cli(url, "user", "disable", "nobody").exit_code == 1
    r = _cli(url, "user", "token", "gen", "--name", "cron")
    assert r.exit_code == 0 and "fw_" in r.output
    engine = make_engine(url)
    with Session(engine) as s:
        ana = s.scalar(select(User).where(User.username == "ana"))
        assert ana.role == "reviewer" and not ana.active
        assert authenticate(s, "ana", new) is None  # disabled
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions == ["user_add", "user_add", "user_set_role", "user_reset_password",
                       "user_disable", "token_create"]
    assert _cli(url, "user", "enable", "ana").exit_code == 0
    with Session(engine) as s:
        assert authenticate(s, "ana", new) is not None
    assert _cli(url, "audit", "verify").exit_code == 0
    engine.dispose()


def test_setup_creates_one_admin_and_says_how_to_sign_in(tmp_path, monkeypatch):
    from forewarn.security import cli
    from forewarn.settings import get_settings
    from forewarn.store.db import engine_for, make_engine

    url = f"sqlite:///{tmp_path / 'setup.db'}"
    monkeypatch.setenv("FOREWARN_DATABASE_URL", url)
    monkeypatch.setenv("FOREWARN_SECRET_KEY", "setup-test")
    monkeypatch.delenv("FOREWARN_ADMIN_PASSWORD", raising=False)
    get_settings.cache_clear()
    engine_for.cache_clear()
    try:
        console = Console(record=True, width=200)
        cli.setup(console)
        first = console.export_text()
        password = first.split("write it down): ")[1].split()[0]
        cli.setup(console)
        assert "Admin account exists (admin)" in console.export_text()
    finally:
        get_settings.cache_clear()
    assert "/login" in first
    engine = make_engine(url)
    with Session(engine) as s:
        assert s.scalars(select(User.role)).all() == ["admin"]
        assert authenticate(s, "admin", password).role == "admin"
    engine.dispose()
