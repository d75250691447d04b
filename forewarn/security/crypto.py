"""Keys outside the database, confidential columns encrypted at rest, and redaction.

The key comes from FOREWARN_SECRET_KEY (comma-separated for rotation: the first encrypts, all
decrypt) or else from `<data dir>/secret.key`, created once with mode 0600. Losing it makes the
encrypted columns unreadable: back it up separately from the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text, event, inspect
from sqlalchemy.orm import Mapper, attributes
from sqlalchemy.types import TypeDecorator

from forewarn.security.principal import ANONYMOUS, Principal
from forewarn.settings import get_settings

REDACTED = "[redacted]"
KEY_FILE = "secret.key"
_active: dict[str, object] = {}


def configure(settings) -> None:
    """Use these settings' key from now on (the app and CLI call this at start)."""
    _active["settings"] = settings
    _secrets.cache_clear()
    _fernet.cache_clear()


def _settings():
    if "settings" not in _active:
        _active["settings"] = get_settings()
    return _active["settings"]


def key_file(data_dir: Path) -> bytes:
    """Read (or create, 0600) the key file in DATA_DIR."""
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_urlsafe(48).encode())
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        os.chmod(path, 0o600)  # never readable by group or others
    return path.read_bytes().strip()


@cache
def _secrets() -> tuple[bytes, ...]:
    settings = _settings()
    if settings.secret_key:
        parts = [p.strip().encode() for p in settings.secret_key.split(",") if p.strip()]
        if parts:
            return tuple(parts)
    return (key_file(settings.data_dir),)


def derive(purpose: str, secret: bytes | None = None) -> bytes:
    """A 32-byte subkey for PURPOSE, so one secret never serves two uses directly."""
    return hmac.new(secret or _secrets()[0], purpose.encode(), hashlib.sha256).digest()


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derive("fernet", s)))
                        for s in _secrets()])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ValueError("cannot decrypt a confidential field: wrong FOREWARN_SECRET_KEY "
                         "or key file?") from None


def sign(value: str, purpose: str = "session") -> str:
    return hmac.new(derive(purpose), value.encode(), hashlib.sha256).hexdigest()[:32]


def signature_ok(value: str, signature: str, purpose: str = "session") -> bool:
    return hmac.compare_digest(sign(value, purpose), signature)


class EncryptedText(TypeDecorator):
    """Text stored Fernet-encrypted (AES-128-CBC + HMAC-SHA256). Not searchable in SQL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value == REDACTED:
            # A redacted placeholder must never overwrite the real value.
            raise ValueError("refusing to store the redaction placeholder in an encrypted field")
        return encrypt(str(value))

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


def redact(value, principal: Principal | None):
    """VALUE if PRINCIPAL may read confidential fields, else the placeholder."""
    if value is None:
        return None
    return value if (principal or ANONYMOUS).can("read:confidential") else REDACTED


@cache
def encrypted_attributes(cls) -> tuple[str, ...]:
    mapper = inspect(cls)
    return tuple(p.key for p in mapper.column_attrs
                 if any(isinstance(c.type, EncryptedText) for c in p.columns))


def _redact_loaded(target, context, *_attrs) -> None:
    """Confidential fields are replaced by the placeholder as objects load, for principals
    without `read:confidential`, so no page, JSON or export can show them by mistake."""
    keys = encrypted_attributes(type(target))
    if not keys:
        return
    session = getattr(context, "session", None)  # no context on some refreshes
    principal = (session.info.get("principal") if session else None) or ANONYMOUS
    if principal.can("read:confidential"):
        return
    for key in keys:
        if target.__dict__.get(key) is not None:
            attributes.set_committed_value(target, key, REDACTED)


event.listen(Mapper, "load", _redact_loaded)
event.listen(Mapper, "refresh", _redact_loaded)


SEALED = b"FWSEALED1\n"  # marks a file encrypted by seal_bytes (older files are plain)


def seal_bytes(data: bytes, context: bytes = b"") -> bytes:
    """DATA encrypted with AES-256-GCM under the current key (files at rest, e.g. originals of
    witness media); CONTEXT (e.g. the sha256 the file is stored under) is authenticated too,
    so a sealed file cannot be swapped for another."""
    nonce = os.urandom(12)
    return SEALED + nonce + AESGCM(derive("sealed-file")).encrypt(nonce, data, context)


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(SEALED)


def open_sealed(blob: bytes, context: bytes = b"") -> bytes:
    """The plain bytes of a sealed file (any configured key may have sealed it)."""
    body = blob[len(SEALED):]
    nonce, token = body[:12], body[12:]
    for secret in _secrets():
        try:
            return AESGCM(derive("sealed-file", secret)).decrypt(nonce, token, context)
        except InvalidTag:
            continue
    raise ValueError("cannot decrypt a sealed file: altered, or wrong FOREWARN_SECRET_KEY / "
                     "key file")
