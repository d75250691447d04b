"""CSRF tokens bound to the login session plus Origin/Sec-Fetch-Site checks; rate limits held
in the database (shared by every worker); a bounded audit log under failed-login floods."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forewarn.security.deps import LIMITERS, TokenBucket
from forewarn.security.middleware import CSRF_COOKIE
from forewarn.security.models import AuditEntry, RateLimitBucket

from .conftest import PASSWORD, TEST_SECRET, csrf, login, make_users


@pytest.fixture(scope="module")
def web_app(module_engine, tmp_path_factory):
    from forewarn.settings import Settings
    from forewarn.web.app import create_app

    make_users(module_engine)
    url = module_engine.url.render_as_string(hide_password=False)
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("hard"), database_url=url,
                               secret_key=TEST_SECRET))


@pytest.fixture
def client(web_app):
    with TestClient(web_app, base_url="https://testserver") as c:
        yield c


def test_a_token_from_before_sign_in_is_refused_after_it(client):
    anonymous_token = csrf(client)
    assert login(client, "analyst").status_code == 303
    fresh = client.cookies[CSRF_COOKIE]
    assert fresh != anonymous_token  # re-issued for the new session
    _replace_csrf_cookie(client, anonymous_token)  # as if planted by an attacker
    r = client.post("/api/auth/tokens", json={"name": "x"},
                    headers={"X-CSRF-Token": anonymous_token})
    assert r.status_code == 403
    token = r.cookies[CSRF_COOKIE]  # the refusal re-issues a token bound to this session
    _replace_csrf_cookie(client, token)
    assert token != anonymous_token
    r = client.post("/api/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token})
    assert r.status_code in (200, 201), r.text


def _replace_csrf_cookie(client, value: str) -> None:
    for c in [c for c in client.cookies.jar if c.name == CSRF_COOKIE]:
        client.cookies.jar.clear(c.domain, c.path, c.name)
    client.cookies.set(CSRF_COOKIE, value)


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"},
                                     {"Sec-Fetch-Site": "same-site"},
                                     {"Origin": "https://evil.example"}, {"Origin": "null"}])
def test_cross_site_requests_are_refused_even_with_a_token(client, headers):
    token = csrf(client)
    r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD},
                    headers={"X-CSRF-Token": token, **headers})
    assert r.status_code == 403 and "another site" in r.text


def test_same_origin_browser_requests_pass(client):
    r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD},
                    headers={"X-CSRF-Token": csrf(client), "Sec-Fetch-Site": "same-origin",
                             "Origin": "https://testserver"})
    assert r.status_code == 200


def test_rate_limits_live_in_the_database_for_every_worker(client, web_app, module_engine):
    codes = [login(client, "no-such-user", f"guess {i}").status_code for i in range(11)]
    assert codes[-1] == 429
    with Session(module_engine) as s:
        assert s.scalar(select(func.count()).select_from(RateLimitBucket).where(
            RateLimitBucket.name == "login")) >= 1
    # Another worker process has its own (empty) in-memory objects but the same database.
    other_worker = TokenBucket(10, 10, "login")
    other_worker.epoch = LIMITERS["login"].epoch
    assert other_worker.take("testclient", web_app.state.sessions) > 0
    assert TokenBucket(10, 10, "login").take("testclient") == 0  # memory alone would allow


def test_failed_logins_of_unknown_names_cannot_grow_the_audit_log_unbounded(client,
                                                                            module_engine):
    def count():
        with Session(module_engine) as s:
            return s.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "login_failed"))

    start = count()
    for i in range(60):
        LIMITERS["login"].reset()  # as if from 60 different addresses
        assert login(client, f"nobody-{i}", "guess").status_code == 401
    assert count() - start <= 21
    start = count()
    for _ in range(3):  # failures that count towards a real account's lockout: all written
        LIMITERS["login"].reset()
        login(client, "viewer", "wrong password")
    assert count() - start == 3
