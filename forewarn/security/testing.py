"""Test support for the authorisation matrix: seed one record of every sensitive model at every
sensitivity level, each carrying marker strings, and enumerate the app's routes with the
permissions they require.

A model whose required columns the automatic seeder cannot fill registers a factory:

    from forewarn.security.testing import seed_factory

    @seed_factory(Incident)
    def _incident(session, level, marker):        # put MARKER in its text fields
        return Incident(title=marker, sensitivity=level, country=...)

Factories live in `forewarn/<pkg>/seeds.py` (imported by `discover()`).
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fastapi.routing import APIRoute
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    inspect,
    select,
)
from sqlalchemy.orm import Session

from forewarn.security.crypto import EncryptedText, encrypted_attributes
from forewarn.security.principal import Principal, Sensitivity
from forewarn.security.sensitivity import SensitiveMixin

MARKER_RE = re.compile(r"FWSEC([a-z]+)X[0-9a-f]{8}")
FACTORIES: dict[type, Callable] = {}
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
_counter = itertools.count(1)  # distinct numbers and dates, so unique constraints hold


def seed_factory(model: type):
    """Register FN(session, level, marker) → an unsaved MODEL instance at LEVEL."""

    def register(fn):
        FACTORIES[model] = fn
        return fn

    return register


def discover() -> None:
    """Import every capability's models and seeds (factories)."""
    import forewarn  # lazy: test-only
    from forewarn.store.db import all_models  # lazy: test-only

    all_models()
    for _ in forewarn.capability_modules("seeds"):
        pass  # importing registers the factories


def sensitive_models(*bases) -> list[type]:
    if not bases:
        from forewarn.store.base import Base  # lazy: test-only

        bases = (Base,)
    found = {m.class_ for b in bases for m in b.registry.mappers
             if issubclass(m.class_, SensitiveMixin)}
    return sorted(found, key=lambda c: c.__name__)


def marker(level: Sensitivity | str) -> str:
    """A string that shows up in any page or export that leaks the record it was put in."""
    return f"FWSEC{Sensitivity(level).value}X{secrets.token_hex(4)}"


def levels_in(text: str) -> set[str]:
    return set(MARKER_RE.findall(text))


@dataclass
class Seeded:
    model: type
    level: Sensitivity
    marker: str
    obj: object


def _value(session, column, level, mark, parents):
    kind = column.type
    if column.foreign_keys:
        fk = next(iter(column.foreign_keys))
        return _parent(session, fk.column.table, level, parents).__dict__[fk.column.key]
    if isinstance(kind, Enum):
        return kind.enums[0] if not kind.enum_class else list(kind.enum_class)[0]
    if isinstance(kind, EncryptedText):
        return marker(Sensitivity.confidential)  # confidential fields: readable at top only
    if isinstance(kind, String):  # Text, Unicode are Strings too
        length = kind.length or 10_000
        # PostgreSQL enforces the length (SQLite does not): never longer than the column.
        return mark if length >= len(mark) else (mark[:5] + secrets.token_hex(8))[:length]
    if isinstance(kind, Boolean):
        return False
    n = next(_counter)
    if isinstance(kind, DateTime):
        return datetime.now(UTC) - timedelta(days=n)
    if isinstance(kind, Date):
        return date.today() - timedelta(days=n)
    if isinstance(kind, Integer):
        return 2000 + n if column.key.endswith("year") else n
    if isinstance(kind, Float | Numeric):
        return 0.5
    if isinstance(kind, JSON):
        return {"note": mark}
    if isinstance(kind, LargeBinary):
        return mark.encode()
    raise TypeError(f"cannot invent a value for {column} ({kind!r})")


def _parent(session, table, level, parents):
    if table.name in parents:
        return parents[table.name]
    if table.name == "country":
        parents["country"] = seed_country(session)
        return parents["country"]
    cls = next(m.class_ for m in _all_mappers() if m.local_table is table)
    parents[table.name] = auto_instance(session, cls, level, marker(level), parents)
    return parents[table.name]


def _all_mappers():
    from forewarn.store.base import Base  # lazy: test-only

    return list(Base.registry.mappers)


def auto_instance(session, cls, level, mark, parents=None):
    """An instance of CLS with every required column filled (text columns get MARK)."""
    parents = parents if parents is not None else {}
    obj = cls()
    for column in inspect(cls).columns:
        if column.primary_key and column.autoincrement in (True, "auto") \
                and isinstance(column.type, Integer) and not column.foreign_keys:
            continue
        if column.key == "sensitivity":
            continue
        text_like = isinstance(column.type, String | EncryptedText)
        if not text_like and (column.nullable or column.default is not None
                              or column.server_default is not None) and not column.foreign_keys:
            continue
        if column.foreign_keys and column.nullable:
            continue
        attr = inspect(cls).get_property_by_column(column).key
        setattr(obj, attr, _value(session, column, level, mark, parents))
    if isinstance(obj, SensitiveMixin):
        obj.sensitivity = level
    session.add(obj)
    session.flush()
    return obj


def seed_country(session):
    from forewarn.data import countries  # lazy: test-only
    from forewarn.store.models import Country  # lazy: test-only

    found = session.scalar(select(Country).where(Country.iso3 == "MMR"))
    if found:
        return found
    c = countries.get("MMR")
    country = Country(iso3="MMR", name=c.name if c else "Myanmar", cow_code=775, gw_code=775,
                      region="Asia", iso_numeric=104, note="")
    session.add(country)
    session.flush()
    return country


def seed(session: Session, models: list[type]) -> list[Seeded]:
    """One record of each model at each level (session's principal must be SYSTEM)."""
    out = []
    for model in models:
        for level in Sensitivity:
            mark = marker(level)
            factory = FACTORIES.get(model)
            try:
                with session.begin_nested():
                    obj = (factory(session, level, mark) if factory
                           else auto_instance(session, model, level, mark))
                    obj.sensitivity = level
                    session.add(obj)
                    session.flush()
            except Exception as exc:
                raise RuntimeError(f"cannot seed {model.__name__}: {exc}. Register a "
                                   "@seed_factory for it in forewarn/<pkg>/seeds.py") from exc
            out.append(Seeded(model, level, mark, obj))
    session.commit()
    return out


def secret_markers(seeded: list[Seeded]) -> set[str]:
    return {getattr(s.obj, k) for s in seeded for k in encrypted_attributes(s.model)
            if getattr(s.obj, k, None)}


@dataclass
class Endpoint:
    """One route as the app serves it: full path, methods, and router-level dependencies."""

    path: str
    methods: set[str]
    route: APIRoute
    extra: tuple = ()


def app_routes(app) -> list[Endpoint]:
    """Every API route of APP, including those of included routers (at any depth)."""
    out: list[Endpoint] = []

    def walk(routes, prefix: str, deps: tuple) -> None:
        for r in routes:
            inner = getattr(r, "original_router", None)
            if inner is not None:  # FastAPI ≥0.13x includes routers lazily
                ctx = r.include_context
                walk(inner.routes, prefix + (ctx.prefix or ""),
                     deps + tuple(d.dependency for d in ctx.dependencies))
            elif isinstance(r, APIRoute):
                out.append(Endpoint(prefix + r.path, set(r.methods), r, deps))

    walk(app.router.routes, "", ())
    return out


def route_permissions(endpoint: Endpoint) -> tuple[set[str], bool]:
    """(permissions required via `require(...)` / `require_login`, whether a rate limit
    guards it)."""
    perms, limited = set(), False
    calls = list(endpoint.extra)
    stack = [endpoint.route.dependant]
    while stack:
        dep = stack.pop()
        calls.append(dep.call)
        stack.extend(dep.dependencies)
    for call in calls:
        required = getattr(call, "forewarn_permissions", None)
        if required is not None:
            perms.update(required or {"@login"})
        limited = limited or hasattr(call, "forewarn_rate_limit")
    return perms, limited


def allowed(principal: Principal, perms: set[str]) -> bool:
    return all(principal.is_authenticated if p == "@login" else principal.can(p)
               for p in perms)


PARAM_RE = re.compile(r"{([^}:]+)(?::[^}]+)?}")


def urls_for(route: Endpoint, objects: list) -> list[str]:
    """Concrete URLs for ROUTE: its path with parameters filled from each object (by attribute
    name, or the object's id for `id`/`*_id`), falling back to the seeded country."""
    names = PARAM_RE.findall(route.path)
    if not names:
        return [route.path]
    urls = set()
    country = next((o for o in objects if type(o).__name__ == "Country"), None)
    for obj in objects:
        values = {}
        for name in names:
            for source in (obj, country):
                if source is None:
                    continue
                value = getattr(source, name, None)
                if value is None and (name == "id" or name.endswith("_id")) and source is obj:
                    value = getattr(source, "id", None)
                if value is not None:
                    values[name] = str(getattr(value, "value", value))
                    break
        if len(values) == len(names):
            urls.add(PARAM_RE.sub(lambda m, v=values: v[m.group(1)], route.path))
    return sorted(urls)
