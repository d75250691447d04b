"""Sign-in and sign-out (pages and JSON API), one's own account and API tokens, and the admin
pages for the audit log and the accounts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from forewarn.security import accounts, audit
from forewarn.security.deps import (
    LIMITERS,
    CurrentPrincipal,
    TokenBucket,
    rate_limit,
    require,
    require_login,
    shared_sessions,
)
from forewarn.security.middleware import cookie_secure
from forewarn.security.models import ApiToken, AuditEntry, User
from forewarn.web.deps import SessionDep
from forewarn.web.render import render, twin

router = APIRouter()
login_limit = rate_limit("login", per_minute=10, burst=10)
LOGIN_FAILED = "Wrong username or password, or too many failed attempts: wait and try again."
PAGE_SIZE = 100


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, never `//host` or `/\\host` (open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


# Failed logins that change no account (unknown names, locked or disabled accounts) are
# written to the audit log at this rate at most, all callers together: a flood from many
# addresses cannot grow the log without bound. Failures that count towards an account's
# lockout are always written (the lockout bounds them).
_failed_login_audit = LIMITERS.setdefault(
    "audit-login-failed", TokenBucket(per_minute=2, burst=20, name="audit-login-failed"))


def _sign_in(session, request: Request, username: str, password: str):
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


def _set_session_cookie(response, request: Request, cookie: str) -> None:
    response.set_cookie(accounts.SESSION_COOKIE, cookie, max_age=accounts.SESSION_HOURS * 3600,
                        path="/", httponly=True, secure=cookie_secure(request),
                        samesite="strict")


def _sign_out(session, request: Request, principal, response) -> None:
    accounts.end_session(session, request.cookies.get(accounts.SESSION_COOKIE))
    if principal.is_authenticated:
        audit.record(session, principal, "logout", "user", principal.user_id)
    session.commit()
    response.delete_cookie(accounts.SESSION_COOKIE, path="/", httponly=True,
                           secure=cookie_secure(request), samesite="strict")


@twin(router, "/login", "login.html", tags=["accounts"])
def login_page(request: Request, principal: CurrentPrincipal, next: str = "/"):
    """The sign-in form (JSON: who is signed in now)."""
    return {"user": principal.public_dict(), "next": _safe_next(next), "error": None,
            "login_api": "/api/auth/login"}


@router.post("/login", include_in_schema=False, dependencies=[Depends(login_limit)])
def login_form(request: Request, session: SessionDep, username: str = Form(""),
               password: str = Form(""), next: str = Form("/")):
    principal, cookie = _sign_in(session, request, username, password)
    if principal is None:
        return render(request, "login.html", {"user": None, "next": _safe_next(next),
                                              "error": LOGIN_FAILED}, status_code=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session_cookie(response, request, cookie)
    return response


logout_limit = rate_limit("logout", per_minute=30, burst=30)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(logout_limit)])
def logout_form(request: Request, session: SessionDep, principal: CurrentPrincipal):
    response = RedirectResponse("/", status_code=303)
    _sign_out(session, request, principal, response)
    return response


@router.post("/api/auth/login", tags=["accounts"], dependencies=[Depends(login_limit)])
def api_login(body: LoginIn, request: Request, session: SessionDep):
    """Sign in; sets the session cookie (send the `forewarn_csrf` cookie back as
    `X-CSRF-Token`). Scripts should use an API token (`Authorization: Bearer …`) instead."""
    principal, cookie = _sign_in(session, request, body.username, body.password)
    if principal is None:
        raise HTTPException(401, LOGIN_FAILED)
    response = JSONResponse({"user": principal.public_dict()})
    _set_session_cookie(response, request, cookie)
    return response


@router.post("/api/auth/logout", tags=["accounts"], dependencies=[Depends(logout_limit)])
def api_logout(request: Request, session: SessionDep, principal: CurrentPrincipal):
    """End this browser session."""
    response = JSONResponse({"signed_out": True})
    _sign_out(session, request, principal, response)
    return response


@router.get("/api/auth/me", tags=["accounts"])
def api_me(principal: CurrentPrincipal):
    """Who the caller is: username, role, permissions and clearance (anonymous if not signed
    in)."""
    return principal.public_dict()


def _tokens(session, user_id: int) -> list[dict]:
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                           .order_by(ApiToken.id))
    return [{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at,
             "last_used_at": t.last_used_at, "revoked": t.revoked_at is not None} for t in rows]


@twin(router, "/account", "account.html", tags=["accounts"])
def account(request: Request, session: SessionDep,
            principal=Depends(require_login)):
    """The signed-in account: role, permissions and API tokens."""
    return {"user": principal.public_dict(), "tokens": _tokens(session, principal.user_id),
            "new_token": None}


def _new_token(session, principal, name: str) -> str:
    user = session.get(User, principal.user_id)
    row, plain = accounts.create_token(session, user, name)
    audit.record(session, principal, "token_create", "api_token", row.id, after={"name": name})
    session.commit()
    return plain


@router.post("/account/tokens", include_in_schema=False)
def account_new_token(request: Request, session: SessionDep, name: str = Form("token"),
                      principal=Depends(require_login)):
    plain = _new_token(session, principal, name or "token")
    return render(request, "account.html", {"user": principal.public_dict(),
                                            "tokens": _tokens(session, principal.user_id),
                                            "new_token": plain})


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def account_revoke_token(token_id: int, session: SessionDep, principal=Depends(require_login)):
    _revoke(session, principal, token_id)
    return RedirectResponse("/account", status_code=303)


@router.get("/api/auth/tokens", tags=["accounts"])
def api_tokens(session: SessionDep, principal=Depends(require_login)):
    """The caller's API tokens (never the tokens themselves)."""
    return _tokens(session, principal.user_id)


@router.post("/api/auth/tokens", tags=["accounts"], status_code=201)
def api_new_token(body: TokenIn, session: SessionDep, principal=Depends(require_login)):
    """Create an API token for the caller; the token is shown only in this response."""
    return {"name": body.name, "token": _new_token(session, principal, body.name)}


def _revoke(session, principal, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != principal.user_id and not principal.can("manage:users")):
        raise HTTPException(404, "No such token.")
    if row.revoked_at is None:
        row.revoked_at = accounts.now()
        audit.record(session, principal, "token_revoke", "api_token", row.id)
    session.commit()


@router.delete("/api/auth/tokens/{token_id}", tags=["accounts"])
def api_revoke_token(token_id: int, session: SessionDep, principal=Depends(require_login)):
    """Revoke one of the caller's API tokens."""
    _revoke(session, principal, token_id)
    return {"revoked": token_id}


@twin(router, "/admin/audit", "admin_audit.html", tags=["admin"])
def audit_log(request: Request, session: SessionDep, principal=Depends(require("audit:read")),
              page: int = Query(1, ge=1, le=1_000_000), action: str | None = Query(None,
                                                                                   max_length=60)):
    """The audit log, newest first, with the result of verifying its hash chain."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    rows = session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    total = session.scalar(select(func.count()).select_from(AuditEntry))
    verdict = audit.verify(session)
    entries = [{"seq": e.seq, "at": e.at, "actor": e.actor, "actor_id": e.actor_id,
                "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
                "before": e.before, "after": e.after, "note": e.note, "hash": e.hash}
               for e in rows]
    return {"verified": verdict.ok, "verdict": str(verdict), "total": total, "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)), "action": action, "entries": entries}


@twin(router, "/admin/users", "admin_users.html", tags=["admin"])
def user_list(request: Request, session: SessionDep, principal=Depends(require("manage:users"))):
    """Every account with its role and state (manage them with `forewarn user …`)."""
    users = session.scalars(select(User).order_by(User.username))
    return {"users": [{"username": u.username, "display_name": u.display_name, "role": u.role,
                       "active": u.active, "locked": (accounts._aware(u.locked_until)
                                                      or accounts.now()) > accounts.now(),
                       "created_at": u.created_at, "last_login_at": u.last_login_at}
                      for u in users]}
