"""Sign-in and sign-out pages, one's own account and API tokens, and the admin pages for the
audit log and the accounts (the same sign-in and tokens as JSON: api.py; what both do:
account_actions.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from forewarn.security import accounts, audit
from forewarn.security.account_actions import (
    LOGIN_FAILED,
    login_limit,
    logout_limit,
    new_token,
    revoke_token,
    set_session_cookie,
    sign_in,
    sign_out,
    token_rows,
)
from forewarn.security.deps import CurrentPrincipal, require, require_login
from forewarn.security.models import AuditEntry, User
from forewarn.web.deps import SessionDep
from forewarn.web.render import render, twin

router = APIRouter()
PAGE_SIZE = 100


def _safe_next(target: str | None) -> str:
    """Only same-site paths, never `//host` or `/\\host` (open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@twin(router, "/login", "login.html", tags=["accounts"])
def login_page(request: Request, principal: CurrentPrincipal, next: str = "/"):
    """The sign-in form (JSON: who is signed in now)."""
    return {"user": principal.public_dict(), "next": _safe_next(next), "error": None,
            "login_api": "/api/auth/login"}


@router.post("/login", include_in_schema=False, dependencies=[Depends(login_limit)])
def login_form(request: Request, session: SessionDep, username: str = Form(""),
               password: str = Form(""), next: str = Form("/")):
    principal, cookie = sign_in(session, request, username, password)
    if principal is None:
        return render(request, "login.html", {"user": None, "next": _safe_next(next),
                                              "error": LOGIN_FAILED}, status_code=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, request, cookie)
    return response


@router.post("/logout", include_in_schema=False, dependencies=[Depends(logout_limit)])
def logout_form(request: Request, session: SessionDep, principal: CurrentPrincipal):
    response = RedirectResponse("/", status_code=303)
    sign_out(session, request, principal, response)
    return response


@twin(router, "/account", "account.html", tags=["accounts"])
def account(request: Request, session: SessionDep,
            principal=Depends(require_login)):
    """The signed-in account: role, permissions and API tokens."""
    return {"user": principal.public_dict(), "tokens": token_rows(session, principal.user_id),
            "new_token": None}


@router.post("/account/tokens", include_in_schema=False)
def account_new_token(request: Request, session: SessionDep, name: str = Form("token"),
                       principal=Depends(require_login)):
    plain = new_token(session, principal, name or "token")
    return render(request, "account.html", {"user": principal.public_dict(),
                                            "tokens": token_rows(session, principal.user_id),
                                            "new_token": plain})


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def account_revoke_token(token_id: int, session: SessionDep, principal=Depends(require_login)):
    revoke_token(session, principal, token_id)
    return RedirectResponse("/account", status_code=303)


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
