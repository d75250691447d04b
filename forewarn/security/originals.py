"""Who may open an original: the unaltered evidentiary copy of an item, above all witness
media (field-report photos and recordings still carrying GPS, camera and device metadata).

Analysts work on working copies; the bytes of an evidentiary copy go only to a principal with
`custody:originals` (the custodian role, administrators) or, for items that are not witness
media, to the source's own custodian or the person who registered it. Every opening is
written to the item's custody log by the caller (forewarn.evidence.sources.read_bytes).
"""

from __future__ import annotations

from forewarn.security.principal import Principal
from forewarn.security.sensitivity import AccessDenied

PERMISSION = "custody:originals"


def may_open(principal: Principal, source) -> bool:
    """May PRINCIPAL have the bytes of SOURCE (anything with copy, witness_media, custodian
    and created_by)?"""
    if getattr(source, "copy", "evidentiary") != "evidentiary" or principal.is_system:
        return True
    if principal.can(PERMISSION):
        return True
    if getattr(source, "witness_media", False) or not principal.is_authenticated:
        return False
    return principal.username in (source.custodian, source.created_by)


def check(principal: Principal, source) -> None:
    if not may_open(principal, source):
        kind = "witness media" if getattr(source, "witness_media", False) else "evidence"
        raise AccessDenied(f"the original of this {kind} is opened only by its custodian or a "
                           f"role with '{PERMISSION}'; work on a working copy")
