"""Derived records follow their parent's sensitivity: the one mechanism, not a rule per route.

A record made from another (a report's attachments and the evidentiary copy of each upload, a
source's working copies, an incident created from a report) can show what its parent shows,
so it must never stay readable by people the parent was raised away from. A capability
declares each relation once, next to its models:

    follows(ReportAttachment, Report, lambda ids: ReportAttachment.report_id.in_(ids))

and whenever a parent's sensitivity is raised, every child below the new level is raised to
it in the same flush, transitively (an attachment's evidence source, then that source's
working copies). Lowering a parent (publishing) never lowers a child: each is published on its
own. Children the session cannot see are already above its clearance (only the highest level
can be hidden from someone allowed to write), so the filtered search misses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session, attributes
from sqlalchemy.orm.util import identity_key

from forewarn.security.principal import Sensitivity
from forewarn.security.sensitivity import SensitiveMixin

_RULES: list[tuple[type, type, Callable]] = []


def follows(child: type, parent: type, where: Callable) -> None:
    """CHILD rows matching WHERE(parent ids) take PARENT's level when it is raised."""
    _RULES.append((child, parent, where))


def floor(level, *parents) -> Sensitivity:
    """The level a new derived record needs: its own or its parents', whichever is higher."""
    levels = [Sensitivity(level or "internal")]
    levels += [Sensitivity(p.sensitivity) for p in parents if p is not None
               and getattr(p, "sensitivity", None) is not None]
    return max(levels, key=lambda s: s.rank)


def _raised(obj) -> Sensitivity | None:
    history = inspect(obj).attrs.sensitivity.history
    if not history.added or history.added[0] is None:
        return None
    new = Sensitivity(history.added[0])
    old = history.deleted[0] if history.deleted else None
    return new if old is None or new > Sensitivity(old) else None


@event.listens_for(Session, "before_flush")
def _follow_parents(session: Session, _context, _instances) -> None:
    queue = [(type(o), [o.id], level) for o in list(session.dirty)
             if isinstance(o, SensitiveMixin) and o.id is not None and (level := _raised(o))]
    with session.no_autoflush:
        while queue:
            cls, ids, level = queue.pop()
            lower = [s for s in Sensitivity if s < level]
            for child, parent, where in _RULES:
                if not issubclass(cls, parent):
                    continue
                found = list(session.scalars(select(child.id).where(
                    where(ids), child.sensitivity.in_(lower))))
                if not found:
                    continue
                table = child.__table__
                session.execute(update(table).where(table.c.id.in_(found))
                                .values(sensitivity=level))
                for cid in found:
                    loaded = session.identity_map.get(identity_key(child, cid))
                    if loaded is not None:
                        attributes.set_committed_value(loaded, "sensitivity", level)
                queue.append((child, found, level))
