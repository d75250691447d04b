"""What the sign-in pages and the JSON API (pages.py, api.py) both do: sign in and out with
the session cookie, list, create and revoke API tokens; rate limits shared by both."""

from __future__ import annotations

from fastapi import HTTPException, Request
from sqlalchemy import select

from forewarn.security import accounts, audit
from forewarn.security.deps import LIMITERS, TokenBucket, rate_limit, shared_sessions
from forewarn.security.middleware import cookie_secure
from forewarn.security.models import ApiToken, User

login_limit = rate_limit("login", per_minute=10, burst=10)
logout_limit = rate_limit("logout", per_minute=30, burst=30)
LOGIN_FAILED = "Wrong username or password, or too many failed attempts: wait and try again."


# Failed logins that change no account (unknown names, locked or disabled accounts) are
# written to the audit log at this rate at most, all callers together: a flood from many
# addresses cannot grow the log without bound. Failures that count towards an account's
# lockout are always written (the lockout bounds them).
_failed_login_audit = LIMITERS.setdefault(
    "audit-login-failed", TokenBucket(per_minute=2, burst=20, name="audit-login-failed"))


def sign_in(session, request: Request, username: str, password: str):
    name = username.strip()
    before = session.scalar(select(User.failed_logins).where(User.username == name))
    user = accounts.authenticate(session, username, password)
    if user is None:
        after = session.scalar(select(User.failed_logins).where(User.username == name))
        counted = after is not None and after != before
        if counted or not _failed_login_audit.take("all", shared_sessions(request)):
            audit.record(session, "anonymous", "login_failed", "user", username[:80])
        session.commit()
        return None, None
    cookie = accounts.start_session(session, user)
    principal = accounts.principal_for(user, "session")
    audit.record(session, principal, "login", "user", user.id)
    session.commit()
    return principal, cookie


def set_session_cookie(response, request: Request, cookie: str) -> None:
    response.set_cookie(accounts.SESSION_COOKIE, cookie, max_age=accounts.SESSION_HOURS * 3600,
                        path="/", httponly=True, secure=cookie_secure(request),
                        samesite="strict")


def sign_out(session, request: Request, principal, response) -> None:
    accounts.end_session(session, request.cookies.get(accounts.SESSION_COOKIE))
    if principal.is_authenticated:
        audit.record(session, principal, "logout", "user", principal.user_id)
    session.commit()
    response.delete_cookie(accounts.SESSION_COOKIE, path="/", httponly=True,
                           secure=cookie_secure(request), samesite="strict")


def token_rows(session, user_id: int) -> list[dict]:
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                           .order_by(ApiToken.id))
    return [{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at,
             "last_used_at": t.last_used_at, "revoked": t.revoked_at is not None} for t in rows]


def new_token(session, principal, name: str) -> str:
    user = session.get(User, principal.user_id)
    row, plain = accounts.create_token(session, user, name)
    audit.record(session, principal, "token_create", "api_token", row.id, after={"name": name})
    session.commit()
    return plain


def revoke_token(session, principal, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != principal.user_id and not principal.can("manage:users")):
        raise HTTPException(404, "No such token.")
    if row.revoked_at is None:
        row.revoked_at = accounts.now()
        audit.record(session, principal, "token_revoke", "api_token", row.id)
    session.commit()
