"""Request hygiene for the whole app: who is calling, CSRF, security headers.

- The principal (bearer token or session cookie) is resolved once per request into
  `request.state.principal`; `SessionDep` sessions carry it, templates show it.
- CSRF: signed double-submit cookie. Every unsafe request (POST/PUT/PATCH/DELETE) made without a
  bearer token must echo the `forewarn_csrf` cookie in the `X-CSRF-Token` header or in a
  `csrf_token` form field (first field of multipart forms, so uploads are not buffered).
- Headers: a CSP without inline script or style, X-Frame-Options DENY, nosniff, a strict
  Referrer-Policy, HSTS over HTTPS, and `Cache-Control: no-store` for signed-in callers.
"""

from __future__ import annotations

import hmac
import re
import secrets

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from forewarn.security import crypto
from forewarn.security.deps import resolve_request
from forewarn.security.sensitivity import AccessDenied

CSRF_COOKIE = "forewarn_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
# Swagger UI and ReDoc (served from local files) start with an inline bootstrap script and
# inject styles; those pages hold no records, so they alone get a looser policy.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
            "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            "frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
_MULTIPART_TOKEN = re.compile(rb'name="csrf_token"\r\n(?:[^\r\n]+\r\n)*?\r\n([A-Za-z0-9_.\-]+)\r\n')
_PREFIX_LIMIT = 64 * 1024
MAX_ID = 2**63 - 1  # the largest id either database can hold


def new_csrf_token() -> str:
    raw = secrets.token_urlsafe(24)
    return f"{raw}.{crypto.sign(raw, 'csrf')}"


def csrf_token_valid(token: str | None) -> bool:
    if not token or token.count(".") != 1:
        return False
    raw, sig = token.split(".")
    return crypto.signature_ok(raw, sig, "csrf")


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return (path.startswith("/api/") or path.endswith(".json")
            or "application/json" in request.headers.get("accept", "")
            or "application/json" in request.headers.get("content-type", ""))


def cookie_secure(request: Request) -> bool:
    """Secure cookies except over plain HTTP to this machine (`make run` on 127.0.0.1)."""
    host = (request.url.hostname or "").lower()
    return request.url.scheme == "https" or host not in ("127.0.0.1", "localhost", "::1")


def _error(request: Request, status: int, detail: str):
    if _wants_json(request):
        return JSONResponse({"error": detail, "status": status}, status_code=status)
    from forewarn.web.render import templates

    return templates.TemplateResponse(request, "error.html",
                                      {"status": status, "detail": detail}, status_code=status)


async def _submitted_token(request: Request, receive):
    """The CSRF token sent with the request, and a `receive` that replays what was read."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header, receive
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None, receive
    buffered, body, more = [], b"", True
    while more:
        message = await receive()
        buffered.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if ctype.startswith("multipart/") and (_MULTIPART_TOKEN.search(body)
                                               or len(body) > _PREFIX_LIMIT):
            break

    async def replay():
        return buffered.pop(0) if buffered else await receive()

    if ctype.startswith("multipart/"):
        found = _MULTIPART_TOKEN.search(body)
        return (found.group(1).decode() if found else None), replay
    from urllib.parse import parse_qs

    values = parse_qs(body.decode("latin-1")).get(CSRF_FIELD)
    return (values[0] if values else None), replay


class SecurityMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        path = scope["path"]
        if _id_out_of_range(path):  # no record can have it: not found, before any query
            return await _error(request, 404, "Not found.")(scope, receive, send)
        static = path.startswith("/static/")
        principal = None if static else await run_in_threadpool(resolve_request, request)
        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = not csrf_token_valid(cookie)
        token = new_csrf_token() if fresh else cookie
        request.state.csrf_token = token
        bearer = request.headers.get("authorization", "").lower().startswith("bearer ")
        if scope["method"] not in SAFE_METHODS and not bearer:
            sent, receive = await _submitted_token(request, receive)
            if fresh or not sent or not hmac.compare_digest(sent, cookie):
                response = _error(request, 403, "The form's security token is missing or "
                                  "stale: reload the page and submit again.")
                return await response(scope, receive, self._wrap(send, request, None, token,
                                                                 fresh, path))
        await self.app(scope, receive, self._wrap(send, request, principal, token, fresh, path))

    @staticmethod
    def _wrap(send, request, principal, token, fresh, path):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                present = {k.lower() for k, _ in headers}

                def add(name: str, value: str) -> None:
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))

                add("content-security-policy",
                    DOCS_CSP if path.startswith(DOCS_PATHS) else CSP)
                add("x-frame-options", "DENY")
                add("x-content-type-options", "nosniff")
                add("referrer-policy", "same-origin")
                add("cross-origin-opener-policy", "same-origin")
                add("permissions-policy", "camera=(), microphone=(), geolocation=()")
                if request.url.scheme == "https":
                    add("strict-transport-security", "max-age=31536000")
                if principal is not None and principal.is_authenticated:
                    add("cache-control", "no-store")
                if fresh:
                    secure = "; Secure" if cookie_secure(request) else ""
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={token}; Path=/; "
                                    f"SameSite=Strict{secure}".encode()))
            await send(message)

        return send_with_headers


async def _access_denied(request: Request, exc: AccessDenied):
    return _error(request, 403, str(exc) or "Not allowed.")


def _id_out_of_range(path: str) -> bool:
    parts = [part.split(".", 1)[0] for part in path.split("/")]  # "/x/{id}.json" too
    return any(part.isdigit() and len(part) > 18 and int(part) > MAX_ID for part in parts)


async def _out_of_range(request: Request, exc: Exception):
    """A number no database column can hold (e.g. an id above 2^63-1 in a query or body)."""
    return _error(request, 422, "A number in the request is out of range.")


def install(app: FastAPI) -> None:
    """Called by create_app: keys from the app's settings, the middleware, 403 on AccessDenied."""
    crypto.configure(app.state.settings)
    app.add_middleware(SecurityMiddleware)
    app.add_exception_handler(AccessDenied, _access_denied)
    from sqlalchemy.exc import DataError

    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)
