"""Access control: accounts, roles, per-record sensitivity, encrypted fields and the audit log.

The names other capabilities code against (see docs/CONVENTIONS.md, "Access control"):
`Sensitivity`, `SensitiveMixin`, `EncryptedText`, `redact`, `Principal`, `ANONYMOUS`, `SYSTEM`,
`AccessDenied`; web dependencies in `forewarn.security.deps`; `forewarn.security.audit.record`.
"""

from forewarn.security.crypto import REDACTED, EncryptedText, redact
from forewarn.security.principal import (
    ANONYMOUS,
    ROLES,
    SYSTEM,
    Principal,
    Sensitivity,
    for_role,
    permissions_of,
)
from forewarn.security.sensitivity import (
    AccessDenied,
    SensitiveMixin,
    principal_of,
    set_principal,
)

__all__ = ["ANONYMOUS", "REDACTED", "ROLES", "SYSTEM", "AccessDenied", "EncryptedText",
           "Principal", "SensitiveMixin", "Sensitivity", "for_role", "permissions_of",
           "principal_of", "redact", "set_principal"]
