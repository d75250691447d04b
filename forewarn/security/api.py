"""Sign-in, sign-out, who am I and API tokens as JSON under /api/auth/… (the pages: pages.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

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
from forewarn.security.deps import CurrentPrincipal, require_login
from forewarn.web.deps import SessionDep

router = APIRouter()


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)


@router.post("/api/auth/login", tags=["accounts"], dependencies=[Depends(login_limit)])
def api_login(body: LoginIn, request: Request, session: SessionDep):
    """Sign in; sets the session cookie (send the `forewarn_csrf` cookie back as
    `X-CSRF-Token`). Scripts should use an API token (`Authorization: Bearer …`) instead."""
    principal, cookie = sign_in(session, request, body.username, body.password)
    if principal is None:
        raise HTTPException(401, LOGIN_FAILED)
    response = JSONResponse({"user": principal.public_dict()})
    set_session_cookie(response, request, cookie)
    return response


@router.post("/api/auth/logout", tags=["accounts"], dependencies=[Depends(logout_limit)])
def api_logout(request: Request, session: SessionDep, principal: CurrentPrincipal):
    """End this browser session."""
    response = JSONResponse({"signed_out": True})
    sign_out(session, request, principal, response)
    return response


@router.get("/api/auth/me", tags=["accounts"])
def api_me(principal: CurrentPrincipal):
    """Who the caller is: username, role, permissions and clearance (anonymous if not signed
    in)."""
    return principal.public_dict()


@router.get("/api/auth/tokens", tags=["accounts"])
def api_tokens(session: SessionDep, principal=Depends(require_login)):
    """The caller's API tokens (never the tokens themselves)."""
    return token_rows(session, principal.user_id)


@router.post("/api/auth/tokens", tags=["accounts"], status_code=201)
def api_new_token(body: TokenIn, session: SessionDep, principal=Depends(require_login)):
    """Create an API token for the caller; the token is shown only in this response."""
    return {"name": body.name, "token": new_token(session, principal, body.name)}


@router.delete("/api/auth/tokens/{token_id}", tags=["accounts"])
def api_revoke_token(token_id: int, session: SessionDep, principal=Depends(require_login)):
    """Revoke one of the caller's API tokens."""
    revoke_token(session, principal, token_id)
    return {"revoked": token_id}
