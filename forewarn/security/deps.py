"""FastAPI dependencies: who is calling, what they may do, and how often.

    from forewarn.security.deps import CurrentPrincipal, require, rate_limit

    @router.post("/api/things", dependencies=[Depends(require("create"))])
    @router.post("/report", dependencies=[Depends(rate_limit("submit", per_minute=5))])

A mutating route must depend on `require(...)`, or on `rate_limit(...)` when it is meant for
the public (e.g. a witness submission form); the authorisation-matrix test enforces this.
"""

from __future__ import annotations

import secrets
import threading
import time
import zlib
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from forewarn.security import crypto, sequence
from forewarn.security.accounts import SESSION_COOKIE, resolve
from forewarn.security.models import RateLimitBucket
from forewarn.security.principal import SYSTEM, Principal
from forewarn.security.sensitivity import set_principal

PRINCIPAL_STATE = "principal"


def resolve_request(request: Request) -> Principal:
    """Read the bearer token or session cookie once per request (the middleware usually has)."""
    cached = getattr(request.state, PRINCIPAL_STATE, None)
    if cached is not None:
        return cached

    with request.app.state.sessions() as session:
        set_principal(session, SYSTEM)
        principal = resolve(session, request.headers.get("authorization"),
                            request.cookies.get(SESSION_COOKIE))
    setattr(request.state, PRINCIPAL_STATE, principal)
    return principal


def get_principal(request: Request) -> Principal:
    return resolve_request(request)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(*permissions: str):
    """A dependency that lets the request through only if the principal has every PERMISSION:
    401 for anonymous callers, 403 for signed-in callers without it."""

    def check(principal: CurrentPrincipal) -> Principal:
        missing = [p for p in permissions if not principal.can(p)]
        if missing:
            if not principal.is_authenticated:
                raise HTTPException(401, "Sign in to do this.",
                                    headers={"WWW-Authenticate": "Bearer"})
            raise HTTPException(403, f"Your role ({principal.role}) lacks: "
                                f"{', '.join(missing)}.")
        return principal

    check.forewarn_permissions = permissions
    check.__name__ = f"require_{'_'.join(permissions)}".replace(":", "_")
    return check


def require_login(principal: CurrentPrincipal) -> Principal:
    if not principal.is_authenticated:
        raise HTTPException(401, "Sign in to do this.", headers={"WWW-Authenticate": "Bearer"})
    return principal


require_login.forewarn_permissions = ()


class TokenBucket:
    """Token buckets per (name, key): PER_MINUTE refills a minute, BURST at most.

    Given the app's session factory (`take(key, sessions)`), buckets live in the database
    (table security_rate_limit), so every worker of `serve --workers N` shares them and
    restarts do not reset them; without one (scripts, unit use) they live in this process."""

    def __init__(self, per_minute: float, burst: int | None = None, name: str = ""):
        self.rate = per_minute / 60.0
        self.capacity = float(burst or max(1, int(per_minute)))
        self.name = name
        self.epoch = ""  # changed by reset(): old rows no longer match
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _next(self, tokens: float, last: float, now: float) -> tuple[float, float]:
        """(tokens left after this request, wait): wait 0 means allowed."""
        tokens = min(self.capacity, tokens + max(now - last, 0.0) * self.rate)
        if tokens >= 1:
            return tokens - 1, 0.0
        return tokens, (1 - tokens) / self.rate

    def take(self, key: str, sessions=None) -> float:
        """0 if allowed, else the seconds until a token is available."""
        if sessions is not None:
            return self._take_shared(key, sessions)
        with self._lock:
            now = time.monotonic()
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens, wait = self._next(tokens, last, now)
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 50_000:  # forget idle clients
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 600}
            return wait

    def _take_shared(self, key: str, sessions) -> float:
        hashed = crypto.sign(f"{self.epoch}:{key}", "rate-limit")
        name = self.name[:60] or "default"
        with sessions() as s:
            set_principal(s, SYSTEM)
            # One writer per bucket at a time, on SQLite and PostgreSQL alike.
            sequence.lock_chain(s, RateLimitBucket.__tablename__,
                                int(hashed[:8], 16) ^ zlib.crc32(name.encode()))
            row = s.get(RateLimitBucket, (name, hashed))
            now = time.time()
            if row is None:
                row = RateLimitBucket(name=name, key=hashed, tokens=self.capacity, updated=now)
                s.add(row)
            row.tokens, wait = self._next(row.tokens, row.updated, now)
            row.updated = now
            s.commit()
        return wait

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self.epoch = secrets.token_hex(4)


def shared_sessions(request: Request):
    """The app's session factory, for buckets held in the database (None outside an app)."""
    return getattr(request.app.state, "sessions", None)


LIMITERS: dict[str, TokenBucket] = {}


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit(name: str, per_minute: float, burst: int | None = None):
    """A dependency allowing each client PER_MINUTE requests to endpoints sharing NAME; 429
    with Retry-After beyond that."""
    bucket = LIMITERS.setdefault(name, TokenBucket(per_minute, burst, name))

    def limit(request: Request) -> None:
        wait = bucket.take(client_key(request), shared_sessions(request))
        if wait:
            raise HTTPException(429, "Too many requests; wait a little and try again.",
                                headers={"Retry-After": str(int(wait) + 1)})

    limit.forewarn_rate_limit = name
    limit.__name__ = f"rate_limit_{name}"
    return limit
