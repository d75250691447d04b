"""Accounts for tests that sign in: users per role, the CSRF token, a login by form."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

PASSWORD = "correct horse battery staple"


def make_users(engine, roles=("viewer", "analyst", "reviewer", "admin")) -> dict[str, int]:
    """One user per role, named after it; returns their ids."""
    from forewarn.security.accounts import create_user

    with Session(engine) as s:
        ids = {role: create_user(s, role, PASSWORD, role).id for role in roles}
        s.commit()
    return ids


def csrf(client, page: str = "/login") -> str:
    """The CSRF cookie's value (a GET of PAGE sets it when the client has none yet)."""
    from forewarn.security.middleware import CSRF_COOKIE

    if CSRF_COOKIE not in client.cookies:
        client.get(page)
    return client.cookies[CSRF_COOKIE]


def login(client, username: str, password: str = PASSWORD):
    """Sign in through the login form; returns the response (303 on success)."""
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf(client), "next": "/account"},
                       follow_redirects=False)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with empty rate-limit buckets (they are process-wide)."""
    from forewarn.security.deps import LIMITERS

    for bucket in LIMITERS.values():
        bucket.reset()


def app_settings(engine, tmp_path, secret: str):
    """Settings for an app on ENGINE with its own data dir and secret (encryption configured)."""
    from forewarn.security import crypto
    from forewarn.settings import Settings

    settings = Settings(data_dir=tmp_path / "app", secret_key=secret,
                        database_url=engine.url.render_as_string(hide_password=False))
    crypto.configure(settings)
    return settings


def bearer_tokens(session: Session, roles) -> dict[str, dict[str, str]]:
    """One user per role in SESSION (not committed); role → Authorization header."""
    from forewarn.security.accounts import create_token, create_user

    out = {}
    for role in roles:
        user = create_user(session, role, "a-long-test-password-1", role)
        out[role] = {"Authorization": f"Bearer {create_token(session, user, 'test')[1]}"}
    return out
