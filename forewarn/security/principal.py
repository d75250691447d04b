"""Who is asking: roles and permissions from roles.yaml, and the principals built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml


class Sensitivity(StrEnum):
    """How much harm a record could do if it reached the wrong reader. Ordered:
    public < internal < restricted < confidential."""

    public = "public"
    internal = "internal"
    restricted = "restricted"
    confidential = "confidential"

    @property
    def rank(self) -> int:
        return _ORDER.index(self.value)

    def __lt__(self, other):  # str comparison would be alphabetical
        return self.rank < Sensitivity(other).rank

    def __le__(self, other):
        return self.rank <= Sensitivity(other).rank

    def __gt__(self, other):
        return self.rank > Sensitivity(other).rank

    def __ge__(self, other):
        return self.rank >= Sensitivity(other).rank

    __hash__ = str.__hash__


_ORDER = ["public", "internal", "restricted", "confidential"]


@cache
def role_table() -> dict:
    """roles.yaml: levels, permission descriptions and role → permissions."""
    text = (resources.files("forewarn.security") / "roles.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    assert table["levels"] == _ORDER, "roles.yaml levels must match Sensitivity"
    known = set(table["permissions"])
    for role, perms in table["roles"].items():
        unknown = set(perms) - known
        assert not unknown, f"role {role}: unknown permissions {sorted(unknown)}"
    return table


ROLES = ("viewer", "analyst", "reviewer", "custodian", "admin")
ALL_PERMISSIONS = frozenset(role_table()["permissions"])


def permissions_of(role: str) -> frozenset[str]:
    try:
        return frozenset(role_table()["roles"][role])
    except KeyError:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}") from None


@dataclass(frozen=True)
class Principal:
    """The caller: an account (via session cookie or API token), anonymous, or the system."""

    username: str
    role: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    user_id: int | None = None
    via: str = "anonymous"  # anonymous | session | token | system | test

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.is_system

    @property
    def is_system(self) -> bool:
        return self.via == "system"

    @property
    def levels(self) -> tuple[Sensitivity, ...]:
        """The sensitivity levels this principal may read."""
        return tuple(s for s in Sensitivity if self.can(f"read:{s.value}"))

    @property
    def clearance(self) -> Sensitivity | None:
        return self.levels[-1] if self.levels else None

    def may_read(self, level: str | Sensitivity) -> bool:
        return self.can(f"read:{Sensitivity(level).value}")

    def public_dict(self) -> dict:
        return {"username": self.username, "role": self.role, "authenticated":
                self.is_authenticated, "permissions": sorted(self.permissions),
                "clearance": self.clearance.value if self.clearance else None}


def for_role(role: str, username: str | None = None, user_id: int | None = None,
             via: str = "test") -> Principal:
    return Principal(username or role, role, permissions_of(role), user_id, via)


ANONYMOUS = Principal("anonymous", "anonymous", permissions_of("anonymous"))
# Batch jobs (imports, scheduled forecasts, migrations) pass SYSTEM explicitly: it reads everything.
SYSTEM = Principal("system", "system", ALL_PERMISSIONS, None, "system")
