"""The one ownership check for writes: `edit:any`, or `edit:own` on a record one created.

Adding to a record (a finding to an incident, an incident to a situation, a decision on its
legal proposals, a working copy of a source) is a write to that record, so it goes through
here as an edit would. Records name their creator in `created_by` (a username).
"""

from __future__ import annotations

from forewarn.security.principal import Principal
from forewarn.security.sensitivity import AccessDenied


def owner_of(record) -> str | None:
    return getattr(record, "created_by", None)


def may_edit(principal: Principal, owner: str | None) -> bool:
    if principal.is_system or principal.can("edit:any"):
        return True
    return principal.can("edit:own") and owner is not None and owner == principal.username


def check(principal: Principal, record_or_owner) -> None:
    """AccessDenied (a 403 in the web app) unless PRINCIPAL may change RECORD_OR_OWNER (a
    record with `created_by`, or the owner's username)."""
    owner = (record_or_owner if isinstance(record_or_owner, str) or record_or_owner is None
             else owner_of(record_or_owner))
    if not may_edit(principal, owner):
        raise AccessDenied(f"Your role ({principal.role}) may not change a record created by "
                           f"{owner or 'someone else'}.")
