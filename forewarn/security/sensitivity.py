"""One mechanism that keeps records from readers without clearance.

Every ORM statement run through a Session gets, via `do_orm_execute`, a loader criterion on
every `SensitiveMixin` entity it touches (selects, joins, relationship loads, ORM updates and
deletes): `sensitivity IN (levels the session's principal may read)`. The principal is
`session.info["principal"]`; a session without one is anonymous and sees only `public`.
`SYSTEM` sees everything. Raw SQL (`text()`, `engine.connect()`) bypasses this: don't use it for
sensitive tables.
"""

from __future__ import annotations

from sqlalchemy import Enum, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, with_loader_criteria

from forewarn.security.principal import ANONYMOUS, Principal, Sensitivity


class AccessDenied(PermissionError):
    """The principal may not do this; the web app answers 403."""


class SensitiveMixin:
    """Add to a model to give it a `sensitivity` column (default internal) that every query
    through a Session is filtered on automatically."""

    sensitivity: Mapped[Sensitivity] = mapped_column(
        Enum(Sensitivity, native_enum=False, length=12, name="sensitivity",
             values_callable=lambda e: [m.value for m in e]),
        default=Sensitivity.internal, index=True)


def principal_of(session: Session) -> Principal:
    return session.info.get("principal") or ANONYMOUS


def set_principal(session: Session, principal: Principal) -> Session:
    session.info["principal"] = principal
    return session


@event.listens_for(Session, "do_orm_execute")
def _filter_by_clearance(state) -> None:
    if not (state.is_select or state.is_update or state.is_delete) or state.is_column_load:
        return
    principal = principal_of(state.session)
    if principal.is_system:
        return
    levels = [level.value for level in principal.levels]
    state.statement = state.statement.options(with_loader_criteria(
        SensitiveMixin, lambda cls: cls.sensitivity.in_(levels), include_aliases=True))


@event.listens_for(Session, "before_flush")
def _guard_declassification(session: Session, _context, _instances) -> None:
    """Lowering a record's sensitivity publishes it to a wider audience: needs `publish`.
    Writing above one's clearance is allowed (a public witness report may be confidential)."""
    principal = principal_of(session)
    if principal.is_system:
        return
    for obj in session.dirty:
        if not isinstance(obj, SensitiveMixin) or obj.sensitivity is None:
            continue
        level = Sensitivity(obj.sensitivity)
        history = inspect(obj).attrs.sensitivity.history
        if not history.deleted:
            continue
        old = Sensitivity(history.deleted[0])
        if level < old and not principal.can("publish"):
            raise AccessDenied(f"lowering sensitivity from {old} to {level} needs 'publish'")
