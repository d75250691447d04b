"""Anti-abuse challenges that need no third-party service.

A challenge is a signed, expiring token. It can be answered in either of two ways:

- proof of work (`pow.js` in the browser, or a partner app): find a counter such that
  sha256("<token>:<counter>") starts with `bits` zero bits — cheap once, costly in bulk;
- a small arithmetic question, for the form without JavaScript: the token carries only a keyed
  hash of the answer, so the answer cannot be read from the page.

Each token is accepted once (its nonce is recorded in `report_challenge_spent`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forewarn.reports.models import ChallengeSpent
from forewarn.security.crypto import derive


def signing_key() -> bytes:
    """The key the report form's challenges are signed with (derived from the app's secret)."""
    return derive("reports-challenge")


class ChallengeFailed(ValueError):
    """The challenge was missing, wrong, expired or already used (message id for gettext)."""


@dataclass(frozen=True)
class Challenge:
    token: str
    bits: int
    question: tuple[int, int]  # "What is a plus b?"
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def issue(secret: bytes, bits: int, ttl_seconds: int, now: float | None = None) -> Challenge:
    now = time.time() if now is None else now
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    expires = int(now) + ttl_seconds
    body = {"n": nonce, "e": expires, "b": bits, "a": _mac(secret, "answer", nonce, str(a + b))}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return Challenge(f"{payload}.{_mac(secret, 'token', payload)}", bits, (a, b), expires)


def leading_zero_bits(digest: bytes) -> int:
    n = 0
    for byte in digest:
        if byte == 0:
            n += 8
            continue
        return n + 8 - byte.bit_length()
    return n


def solve(token: str, bits: int) -> int:
    """A proof-of-work counter for TOKEN (what pow.js does; used by tests and partner apps)."""
    counter = 0
    while leading_zero_bits(hashlib.sha256(f"{token}:{counter}".encode()).digest()) < bits:
        counter += 1
    return counter


def _verify_token(secret: bytes, token: str, now: float) -> dict:
    payload, _, mac = (token or "").partition(".")
    if not payload or not hmac.compare_digest(mac, _mac(secret, "token", payload)):
        raise ChallengeFailed("The security check is missing or invalid. Please try again.")
    body = json.loads(_unb64(payload))
    if body["e"] < now:
        raise ChallengeFailed("The security check has expired. Please answer the new one.")
    return body


def check(secret: bytes, token: str, *, counter: str | None = None, answer: str | None = None,
          now: float | None = None) -> str:
    """Verify a solved challenge; returns its nonce (to spend) or raises ChallengeFailed."""
    now = time.time() if now is None else now
    body = _verify_token(secret, token, now)
    if counter not in (None, ""):
        digest = hashlib.sha256(f"{token}:{counter.strip()}".encode()).digest()
        if leading_zero_bits(digest) >= body["b"]:
            return body["n"]
    if answer not in (None, ""):
        given = answer.strip()
        if hmac.compare_digest(body["a"], _mac(secret, "answer", body["n"], given)):
            return body["n"]
        raise ChallengeFailed("The answer to the security question is wrong. Please try again.")
    raise ChallengeFailed("Please answer the security question.")


def spend(session: Session, nonce: str, expires_at: int) -> None:
    """Record NONCE as used, in SESSION's transaction; a second use raises ChallengeFailed."""

    now = datetime.now(UTC)
    session.execute(delete(ChallengeSpent).where(ChallengeSpent.expires_at < now))
    try:
        with session.begin_nested():
            session.add(ChallengeSpent(nonce=nonce, expires_at=datetime.fromtimestamp(
                expires_at, UTC) + timedelta(seconds=1)))
    except IntegrityError:
        raise ChallengeFailed("This security check was already used. Please answer the new "
                              "one.") from None


def expiry_of(token: str) -> int:
    return int(json.loads(_unb64(token.partition(".")[0]))["e"])
