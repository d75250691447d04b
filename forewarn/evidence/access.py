"""The evidence register's view of the access-control contract (docs/CONVENTIONS.md):
forewarn.security's names, and the few helpers the register builds on them."""

from __future__ import annotations

from forewarn.security import (  # noqa: F401  (re-exported for the register's modules)
    ANONYMOUS,
    REDACTED,
    SYSTEM,
    AccessDenied,
    EncryptedText,
    Principal,
    SensitiveMixin,
    Sensitivity,
    for_role,
    principal_of,
    redact,
    set_principal,
)
from forewarn.security import audit as _audit

LEVELS = [s.value for s in Sensitivity]


def actor_name(actor) -> str:
    """A principal's username, or the string given."""
    return getattr(actor, "username", None) or str(actor or "anonymous")


def may_read(principal, level) -> bool:
    return (principal or ANONYMOUS).may_read(Sensitivity(level))


def readable_levels(principal) -> list[str]:
    return [s.value for s in Sensitivity if may_read(principal, s)]


def check_level(value: str | None) -> str:
    """A sensitivity name, validated (default internal)."""
    value = (value or "internal").strip().lower()
    if value not in LEVELS:
        raise ValueError(f"sensitivity must be one of {', '.join(LEVELS)} (got {value!r})")
    return value


def audit(session, actor, action: str, target_type: str, target_id=None, before=None,
          after=None, note: str = "") -> None:
    """Append to the hash-chained audit log (forewarn.security.audit.record)."""
    _audit.record(session, actor, action, target_type, target_id, before=before, after=after,
                  note=note)
