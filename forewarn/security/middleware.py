"""Request hygiene for the whole app: who is calling, CSRF, security headers.

- The principal (bearer token or session cookie) is resolved once per request into
  `request.state.principal`; `SessionDep` sessions carry it, templates show it.
- CSRF: signed double-submit cookie bound to the login session (a token minted for one session,
  or for no session, is refused with another), plus the browser's own word: an unsafe request
  whose `Sec-Fetch-Site` says cross-site, or whose `Origin` is another site, is refused. Every
  unsafe request (POST/PUT/PATCH/DELETE) made without a bearer token must echo the
  `forewarn_csrf` cookie in the `X-CSRF-Token` header or in a `csrf_token` form field (first
  field of multipart forms, so uploads are not buffered). Signing in or out re-issues it.
- Headers: a CSP without inline script or style, X-Frame-Options DENY, nosniff, a strict
  Referrer-Policy, HSTS over HTTPS, and `Cache-Control: no-store` for signed-in callers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI, Request
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool

from forewarn.security import crypto
from forewarn.security.accounts import SESSION_COOKIE
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


def session_binding(session_cookie: str | None) -> str:
    """What a CSRF token is bound to: the login session (a hash of its cookie), or none."""
    if not session_cookie:
        return ""
    return hashlib.sha256(session_cookie.encode()).hexdigest()[:32]


def new_csrf_token(binding: str = "") -> str:
    raw = secrets.token_urlsafe(24)
    return f"{raw}.{crypto.sign(f'{raw}|{binding}', 'csrf')}"


def csrf_token_valid(token: str | None, binding: str = "") -> bool:
    if not token or token.count(".") != 1:
        return False
    raw, sig = token.split(".")
    return crypto.signature_ok(f"{raw}|{binding}", sig, "csrf")


def cross_site(request: Request) -> str | None:
    """Why the browser says this request comes from another site, or None."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site and fetch_site.lower() not in ("same-origin", "none"):
        return f"Sec-Fetch-Site: {fetch_site}"
    origin = request.headers.get("origin")
    if origin and origin != "null":
        parts = urlsplit(origin)
        if parts.netloc.lower() != (request.headers.get("host") or "").lower():
            return f"Origin: {origin}"
    elif origin == "null":
        return "Origin: null"
    return None


def _session_cookie_set(headers) -> str | None:
    """The new session cookie's value when the response sets (or clears: '') it."""
    prefix = f"{SESSION_COOKIE}=".encode()
    for name, value in headers:
        if name.lower() == b"set-cookie" and value.startswith(prefix):
            cookie = value[len(prefix):].split(b";", 1)[0].decode().strip('"')
            cleared = b"max-age=0" in value.lower() or not cookie
            return "" if cleared else cookie
    return None


def cookie_secure(request: Request) -> bool:
    """Secure cookies except over plain HTTP to this machine (`make run` on 127.0.0.1)."""
    host = (request.url.hostname or "").lower()
    return request.url.scheme == "https" or host not in ("127.0.0.1", "localhost", "::1")


def _error(request: Request, status: int, detail: str):
    # The web layer's error page (JSON or HTML), given to install(): security imports no web.
    return request.app.state.error_response(request, status, detail)


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
        fresh = not csrf_token_valid(cookie, session_binding(request.cookies.get(
            SESSION_COOKIE)))
        token = (new_csrf_token(session_binding(request.cookies.get(SESSION_COOKIE)))
                 if fresh else cookie)
        request.state.csrf_token = token
        bearer = request.headers.get("authorization", "").lower().startswith("bearer ")
        if scope["method"] not in SAFE_METHODS and not bearer:
            foreign = cross_site(request)
            sent, receive = await _submitted_token(request, receive)
            if foreign or fresh or not sent or not hmac.compare_digest(sent, cookie):
                response = _error(request, 403, "The form's security token is missing or "
                                  "stale: reload the page and submit again." if not foreign
                                  else f"Refused: a request from another site ({foreign}).")
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
                issue = token if fresh else None
                new_session = _session_cookie_set(headers)
                if new_session is not None:  # signed in or out: a token for the new session
                    issue = new_csrf_token(session_binding(new_session))
                if issue:
                    secure = "; Secure" if cookie_secure(request) else ""
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={issue}; Path=/; "
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


def install(app: FastAPI, error_response) -> None:
    """Called by create_app: keys from the app's settings, the middleware, 403 on AccessDenied;
    ERROR_RESPONSE(request, status, detail) answers refused requests (JSON or an HTML page)."""
    app.state.error_response = error_response
    crypto.configure(app.state.settings)
    app.add_middleware(SecurityMiddleware)
    app.add_exception_handler(AccessDenied, _access_denied)

    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)
