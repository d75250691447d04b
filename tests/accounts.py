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
