"""Who is acting, what they may do, and the audit trail, for the assessment workflow.

The one access-control mechanism is `forewarn.security` (see docs/CONVENTIONS.md). This module
adapts its `Principal` to the small `Actor` the workflow rules need (who may edit, who may
publish, the four-eyes identity) and writes to its audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forewarn.security import ANONYMOUS as ANONYMOUS_PRINCIPAL
from forewarn.security import SYSTEM as SYSTEM_PRINCIPAL
from forewarn.security import Principal, for_role
from forewarn.security.audit import record


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    permissions: frozenset[str] = frozenset()
    principal: Principal | None = field(default=None, compare=False, repr=False)

    @classmethod
    def with_role(cls, role: str, name: str, user_id: int | None = None) -> Actor:
        """An actor with ROLE's permissions for batch jobs and tests (no account needed)."""
        return actor_from_principal(for_role(role, name, user_id, via="test"))

    @property
    def key(self) -> str:
        """Identity used for the four-eyes rule (ids when known, else names)."""
        return f"id:{self.id}" if self.id is not None else f"name:{self.name}"

    def can(self, permission: str) -> bool:
        return permission in self.permissions


def actor_from_principal(principal: Principal | None) -> Actor:
    """An Actor for a `forewarn.security` principal (None → anonymous)."""
    principal = principal or ANONYMOUS_PRINCIPAL
    return Actor(id=principal.user_id, name=principal.username,
                 permissions=frozenset(principal.permissions), principal=principal)


ANONYMOUS = actor_from_principal(ANONYMOUS_PRINCIPAL)
SYSTEM = actor_from_principal(SYSTEM_PRINCIPAL)


def audit(session, actor: Actor, action: str, target_type: str, target_id,
          before=None, after=None) -> None:
    """Record ACTION in the shared, hash-chained audit log (forewarn.security.audit)."""
    record(session, actor.principal if actor.principal is not None else actor.name, action,
           target_type, target_id, before=before, after=after)
