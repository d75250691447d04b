"""Sign-in, sessions, tokens, lockout, CSRF, headers and rate limits through the real app."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.security.accounts import SESSION_COOKIE
from forewarn.security.models import LoginSession

from .conftest import PASSWORD, TEST_SECRET, csrf, login, make_users


@pytest.fixture(scope="module")
def web_app(module_engine, tmp_path_factory):
    from forewarn.settings import Settings
    from forewarn.web.app import create_app

    make_users(module_engine)
    url = module_engine.url.render_as_string(hide_password=False)
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("web"), database_url=url,
                               secret_key=TEST_SECRET))


@pytest.fixture
def engine(module_engine):
    return module_engine


@pytest.fixture
def client(web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app, base_url="https://testserver") as c:
        yield c


def test_login_sets_a_hardened_cookie_stored_only_as_a_hash(client, engine):
    r = login(client, "analyst")
    assert r.status_code == 303 and r.headers["location"] == "/account"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    low = cookie.lower()
    assert "httponly" in low and "secure" in low and "samesite=strict" in low
    value = client.cookies[SESSION_COOKIE]
    with Session(engine) as s:
        stored = s.scalars(select(LoginSession.token_hash)).all()
    assert stored and all(value.split(".")[0] not in h for h in stored)
    me = client.get("/api/auth/me").json()
    assert me["username"] == "analyst" and me["clearance"] == "restricted"
    assert client.get("/account").status_code == 200
    assert client.get("/").headers["cache-control"] == "no-store"


def test_forged_or_tampered_cookie_is_anonymous(client):
    login(client, "admin")
    value = client.cookies[SESSION_COOKIE]
    client.cookies.clear()
    token, _, sig = value.rpartition(".")
    flipped = sig[:-1] + ("0" if sig[-1] != "0" else "1")  # always differs from the original
    forged = [f"{token}.{flipped}", f"{token[:-1]}{'A' if token[-1] != 'A' else 'B'}.{sig}",
              f"{token}.", token]
    for bad in forged:
        client.cookies.set(SESSION_COOKIE, bad)
        assert client.get("/api/auth/me").json()["authenticated"] is False, bad
    client.cookies.set(SESSION_COOKIE, value)  # the control: the untampered cookie works
    assert client.get("/api/auth/me").json()["username"] == "admin"


def test_logout_ends_the_session_server_side(client):
    login(client, "viewer")
    stolen = client.cookies[SESSION_COOKIE]
    r = client.post("/logout", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, stolen)
    assert client.get("/api/auth/me").json()["authenticated"] is False


def test_wrong_password_is_refused_and_locks_after_repeated_failures(client, engine):
    from forewarn.security.accounts import create_user, set_password
    from forewarn.security.models import User

    with Session(engine) as s:
        create_user(s, "lockme", PASSWORD, "viewer")
        s.commit()
    for _ in range(5):
        r = login(client, "lockme", "wrong password!")
        assert r.status_code == 401 and "Wrong username or password" in r.text
    r = login(client, "lockme")  # right password, but locked now
    assert r.status_code == 401 and SESSION_COOKIE not in client.cookies
    assert login(client, "nobody").status_code == 401
    with Session(engine) as s:  # an admin's reset unlocks
        set_password(s, s.scalar(select(User).where(User.username == "lockme")), PASSWORD)
        s.commit()
    assert login(client, "lockme").status_code == 303


def test_lock_backoff_doubles_and_is_capped():
    from forewarn.security.accounts import lock_seconds

    assert [lock_seconds(n) for n in (1, 4, 5, 6, 7)] == [0, 0, 30, 60, 120]
    assert lock_seconds(50) == 3600


def test_login_is_rate_limited(client):
    codes = [login(client, "no-such-user", f"guess {i}").status_code for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[-1] == 429
    r = client.post("/api/auth/login", json={"username": "x", "password": "y"},
                    headers={"X-CSRF-Token": csrf(client)})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_csrf_token_is_required_for_forms_and_json(client):
    client.get("/login")
    r = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403 and "security token" in r.text
    r = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                    "csrf_token": "forged.token"})
    assert r.status_code == 403
    r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403
    r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD},
                    headers={"X-CSRF-Token": csrf(client)})
    assert r.status_code == 200 and r.json()["user"]["role"] == "admin"


def test_multipart_forms_carry_the_token_as_first_field(client):
    r = client.post("/login", files={"csrf_token": (None, csrf(client)),
                                     "username": (None, "admin"),
                                     "password": (None, PASSWORD)}, follow_redirects=False)
    assert r.status_code == 303


def test_api_tokens_work_as_bearer_and_can_be_revoked(client):
    login(client, "reviewer")
    r = client.post("/api/auth/tokens", json={"name": "script"},
                    headers={"X-CSRF-Token": csrf(client)})
    assert r.status_code == 201
    token = r.json()["token"]
    listed = client.get("/api/auth/tokens").json()
    assert token not in str(listed) and listed[0]["prefix"] == token[:10]
    bare = client_without_cookies(client)
    auth = {"Authorization": f"Bearer {token}"}
    assert bare.get("/api/auth/me", headers=auth).json()["username"] == "reviewer"
    assert bare.get("/api/auth/me", headers={"Authorization": "Bearer fw_nope"}).json()[
        "authenticated"] is False
    # Bearer requests need no CSRF token (browsers never add the header on their own).
    assert bare.delete(f"/api/auth/tokens/{listed[0]['id']}", headers=auth).status_code == 200
    assert bare.get("/api/auth/me", headers=auth).json()["authenticated"] is False


def client_without_cookies(client):
    client.cookies.clear()
    return client


def test_security_headers_everywhere(client):
    for path in ("/", "/login", "/static/style.css", "/nope", "/api/auth/me"):
        h = client.get(path).headers
        assert "script-src 'self'" in h["content-security-policy"], path
        assert "unsafe-inline" not in h["content-security-policy"], path
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"
        assert "max-age" in h["strict-transport-security"]


def test_templates_have_no_inline_script_or_handlers(client):
    login(client, "admin")
    for path in ("/", "/login", "/account", "/admin/audit", "/admin/users", "/sources"):
        html = client.get(path).text.lower()
        assert "<script>" not in html and " onclick=" not in html and "javascript:" not in html


def test_open_redirects_are_refused(client):
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        r = client.post("/login", data={"username": "viewer", "password": PASSWORD,
                                        "csrf_token": csrf(client), "next": target},
                        follow_redirects=False)
        assert r.headers["location"] == "/"


def test_plain_http_to_loopback_gets_a_cookie_the_browser_keeps(web_app):
    from fastapi.testclient import TestClient

    c = TestClient(web_app, base_url="http://127.0.0.1:8000")
    r = login(c, "viewer")
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "secure" not in cookie.lower() and "httponly" in cookie.lower()


def test_admin_pages_show_audit_and_users_to_admins_only(client):
    login(client, "admin")
    body = client.get("/admin/audit.json").json()
    assert body["verified"] and any(e["action"] == "login" for e in body["entries"])
    assert "intact" in client.get("/admin/audit").text
    assert {u["username"] for u in client.get("/admin/users.json").json()["users"]} >= {
        "viewer", "admin"}
    client.cookies.clear()
    login(client, "reviewer")
    assert client.get("/admin/audit.json").status_code == 403
    client.cookies.clear()
    assert client.get("/admin/audit").status_code == 401
    assert "Sign in" in client.get("/admin/audit").text
