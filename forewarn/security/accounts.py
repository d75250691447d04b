"""Passwords (argon2), lockout with backoff, login sessions, API tokens, and turning a request's
cookie or bearer token into a Principal."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from forewarn.security import crypto
from forewarn.security.models import ApiToken, LoginSession, User
from forewarn.security.principal import ANONYMOUS, ROLES, Principal, for_role

SESSION_COOKIE = "forewarn_session"
SESSION_HOURS = 12
MAX_FAILURES = 5  # then locked for 30 s, doubling with every further failure, up to an hour
MIN_PASSWORD = 10
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
_dummy: dict[PasswordHasher, str] = {}


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the argon2 parameters (tests use cheap ones; production keeps the default)."""
    global _hasher
    _hasher = hasher


def _dummy_hash() -> str:
    if _hasher not in _dummy:
        _dummy[_hasher] = _hasher.hash("not a real password, only spends a real check's time")
    return _dummy[_hasher]


def now() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"passwords need at least {MIN_PASSWORD} characters")


def create_user(session: Session, username: str, password: str, role: str = "viewer",
                display_name: str = "") -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    username = username.strip()
    if not username or len(username) > 80:
        raise ValueError("usernames are 1 to 80 characters")
    if session.scalar(select(User).where(User.username == username)):
        raise ValueError(f"user {username!r} already exists")
    check_password_policy(password)
    user = User(username=username, password_hash=_hasher.hash(password), role=role,
                display_name=display_name, active=True, failed_logins=0)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Reset a password: also ends the user's sessions and unlocks the account."""
    check_password_policy(password)
    user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until = 0, None
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def lock_seconds(failures: int) -> int:
    if failures < MAX_FAILURES:
        return 0
    return min(30 * 2 ** (failures - MAX_FAILURES), 3600)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user if USERNAME/PASSWORD are right and the account is active and not locked.
    Every failure counts towards the lockout; the answer never says which part was wrong."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    locked = user is not None and (_aware(user.locked_until) or now()) > now()
    if user is None or not user.active or locked:
        try:  # spend the time of a real check, so timing does not tell who exists
            _hasher.verify(_dummy_hash(), password)
        except VerificationError:
            pass
        return None  # a locked account's counter is not raised further by more guesses
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins = (user.failed_logins or 0) + 1
        wait = lock_seconds(user.failed_logins)
        if wait:
            user.locked_until = now() + timedelta(seconds=wait)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now()
    return user


def start_session(session: Session, user: User) -> str:
    """A new login session; returns the cookie value (random id + signature)."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=sha256(token), user_id=user.id, created_at=now(),
                             expires_at=now() + timedelta(hours=SESSION_HOURS)))
    session.execute(delete(LoginSession).where(LoginSession.expires_at < now()))
    session.flush()
    return f"{token}.{crypto.sign(token)}"


def end_session(session: Session, cookie: str | None) -> None:
    token = _verified_cookie(cookie)
    if token:
        session.execute(delete(LoginSession).where(LoginSession.token_hash == sha256(token)))


def _verified_cookie(cookie: str | None) -> str | None:
    if not cookie or "." not in cookie:
        return None
    token, _, sig = cookie.rpartition(".")
    return token if crypto.signature_ok(token, sig) else None


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token; the plain token is returned once and never stored."""
    plain = "fw_" + secrets.token_urlsafe(32)
    row = ApiToken(token_hash=sha256(plain), prefix=plain[:10], name=name[:80] or "token",
                   user_id=user.id, created_at=now())
    session.add(row)
    session.flush()
    return row, plain


def principal_for(user: User, via: str) -> Principal:
    return for_role(user.role, user.username, user.id, via)


def resolve(session: Session, authorization: str | None, cookie: str | None) -> Principal:
    """The principal of a request: a valid bearer token, else a valid session cookie, else
    anonymous. Disabled accounts, revoked tokens and expired sessions count as anonymous."""
    if authorization and authorization.lower().startswith("bearer "):
        plain = authorization[7:].strip()
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == sha256(plain),
                                                    ApiToken.revoked_at.is_(None)))
        if row is None or not row.user.active:
            return ANONYMOUS
        last = _aware(row.last_used_at)
        if last is None or now() - last > timedelta(minutes=5):
            row.last_used_at = now()
            session.commit()
        return principal_for(row.user, "token")
    token = _verified_cookie(cookie)
    if token:
        row = session.scalar(select(LoginSession)
                             .where(LoginSession.token_hash == sha256(token)))
        if row is not None and _aware(row.expires_at) > now() and row.user.active:
            return principal_for(row.user, "session")
    return ANONYMOUS


def end_all(session: Session, user: User) -> None:
    """End every session and revoke every token of USER (disabled accounts)."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    for row in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                      ApiToken.revoked_at.is_(None))):
        row.revoked_at = now()
