"""The authorisation matrix: every route of the real app (read from its own router, so routes
added later are covered) × anonymous and every role × every sensitivity level of every
sensitive model. Nobody may read a record above their clearance (pages, JSON twins, CSV
exports, search), see a confidential field without `read:confidential`, or change anything
their role does not allow."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from forewarn.security import ANONYMOUS, ROLES, SYSTEM, Principal, for_role, set_principal
from forewarn.security.audit import snapshot
from forewarn.security.deps import require
from forewarn.security.testing import (
    MUTATING,
    allowed,
    app_routes,
    discover,
    levels_in,
    route_permissions,
    secret_markers,
    seed,
    seed_country,
    sensitive_models,
    urls_for,
)
from forewarn.web.deps import SessionDep
from tests.live import serve_workers

from .conftest import PASSWORD, TEST_SECRET, csrf, make_users
from .probe import ProbeBase, ProbeNote

PRINCIPALS = ["anonymous", *ROLES]
QUERY_VARIANTS = ["", "?q=FWSEC&search=FWSEC&query=FWSEC&limit=1000", "?format=csv"]

probe_router = APIRouter()


@probe_router.get("/api/_probe/notes", tags=["probe"])
def probe_notes(session: SessionDep):
    """Test-only: every probe note the caller may read, with its witness field."""
    return [{"id": n.id, "title": n.title, "witness": n.witness}
            for n in session.scalars(select(ProbeNote))]


@probe_router.get("/api/_probe/notes/{id}", tags=["probe"])
def probe_note(id: int, session: SessionDep):
    n = session.get(ProbeNote, id)
    return {"title": n.title} if n else {}


@probe_router.post("/api/_probe/notes", tags=["probe"],
                   dependencies=[Depends(require("create"))])
def probe_create(session: SessionDep):
    session.add(ProbeNote(title="created"))
    session.commit()
    return {"ok": True}


leaky_router = APIRouter()


@leaky_router.get("/api/_leaky/notes")
def leaky_notes(session: SessionDep):
    """Deliberately wrong: raw SQL bypasses the filter. The matrix must catch this."""
    return [dict(r._mapping) for r in session.execute(text("SELECT title FROM probe_note"))]


@pytest.fixture(scope="module")
def world(module_engine, tmp_path_factory):
    """The whole app on each backend (SQLite and PostgreSQL), seeded at every level."""
    from forewarn.security import crypto
    from forewarn.settings import Settings
    from forewarn.web.app import create_app

    discover()
    folder = tmp_path_factory.mktemp("matrix")
    engine = module_engine
    url = engine.url.render_as_string(hide_password=False)
    ProbeBase.metadata.create_all(engine)
    settings = Settings(data_dir=folder, database_url=url, secret_key=TEST_SECRET)
    crypto.configure(settings)
    make_users(engine, ROLES)
    models = sensitive_models() + [ProbeNote]
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        country = seed_country(s)
        seeded = seed(s, models)
        objects = [country] + [x.obj for x in seeded]
        before = {(type(o).__name__, o.id): snapshot(o) for o in objects}
    app = create_app(settings)
    app.include_router(probe_router)
    clients = {}
    for name in PRINCIPALS:
        c = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        if name != "anonymous":
            r = c.post("/login", data={"username": name, "password": PASSWORD,
                                       "csrf_token": csrf(c)}, follow_redirects=False)
            assert r.status_code == 303, r.text
        clients[name] = c
    yield {"engine": engine, "app": app, "clients": clients, "seeded": seeded, "data_dir": folder,
           "objects": objects, "models": models, "before": before,
           "secret": secret_markers(seeded)}
    for c in clients.values():
        c.close()
    ProbeBase.metadata.drop_all(engine)


def principal(name: str) -> Principal:
    return ANONYMOUS if name == "anonymous" else for_role(name, user_id=1)


def leaks(body: str, who: Principal, secret: set[str]) -> list[str]:
    found = [f"{lvl} record" for lvl in sorted(levels_in(body)) if not who.may_read(lvl)]
    if not who.can("read:confidential"):
        found += ["confidential field"] if any(m in body for m in secret) else []
    return found


def scan_reads(world, routes, clients=None, current=None,
               query_variants=QUERY_VARIANTS) -> tuple[list[str], int]:
    """Every GET of ROUTES by every principal's client (the in-process ones, or CLIENTS);
    CURRENT[0], if given, names the request being made."""
    problems, requests = [], 0
    for name, client in (clients or world["clients"]).items():
        who = principal(name)
        for route in routes:
            if "GET" not in route.methods:
                continue
            perms, _ = route_permissions(route)
            for url in urls_for(route, world["objects"]):
                variants = query_variants if url == route.path else [""]
                for query in variants:
                    if current is not None:
                        current[0] = f"{name} GET {url}{query}"
                    r = client.get(url + query, headers={"accept": "*/*"})
                    requests += 1
                    for leak in leaks(r.text, who, world["secret"]):
                        problems.append(f"{name} GET {url}{query} → {r.status_code} shows a {leak}")
                    if not allowed(who, perms) and r.status_code not in (401, 403, 404, 429):
                        problems.append(f"{name} GET {url}{query} → {r.status_code}, "
                                        f"needs {sorted(perms)}")
    return problems, requests


def test_routes_are_enumerated_from_the_app(world):
    paths = {r.path for r in app_routes(world["app"])}
    assert {"/login", "/api/auth/me", "/admin/audit", "/admin/audit.json",
            "/api/_probe/notes"} <= paths
    assert len(world["seeded"]) == 4 * len(world["models"])


@contextmanager
def connections_per_request(engine, current: list[str]):
    """Yields {request: most connections it held at once}, CURRENT[0] naming the request."""
    held, peak = [0], {}

    def checkout(*_):
        held[0] += 1
        peak[current[0]] = max(peak.get(current[0], 0), held[0])

    def checkin(*_):
        held[0] -= 1

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        yield peak
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)


def test_nobody_reads_above_their_clearance(world):
    """Also: each request reads through one database connection. A second one taken while the
    first is held (the menu's review badges once opened their own session while the page
    rendered) deadlocks the pool as soon as as many requests run at once as it has
    connections: 20 signed-in clients waited out its 30 s timeout on /countries/SDN."""
    routes = app_routes(world["app"])
    current = [""]
    with connections_per_request(world["app"].state.engine, current) as peak:
        problems, requests = scan_reads(world, routes, current=current)
    assert len(peak) > 100
    assert not [k for k, n in peak.items() if n > 1], sorted(k for k, n in peak.items() if n > 1)
    gets = sum("GET" in r.methods for r in routes)
    names = ", ".join(m.__name__ for m in world["models"])
    print(f"\nmatrix: {gets} GET routes × {len(PRINCIPALS)} principals × 4 levels × "
          f"{len(world['models'])} sensitive models ({names}) = {requests} requests")
    assert not problems, "\n".join(problems[:50])


def test_the_check_sees_what_cleared_readers_may_see(world):
    """Positive control: markers do reach cleared readers, so their absence above means
    filtering, not a blind test."""
    for name in PRINCIPALS:
        who = principal(name)
        body = world["clients"][name].get("/api/_probe/notes").text
        assert levels_in(body) == {lvl.value for lvl in who.levels}, name
        assert any(m in body for m in world["secret"]) == who.can("read:confidential"), name


def test_the_check_catches_a_leaky_route(world):
    """Negative control: a route that bypasses the filter is reported."""
    world["app"].include_router(leaky_router)
    try:
        leaky = [r for r in app_routes(world["app"]) if r.path == "/api/_leaky/notes"]
        problems, _ = scan_reads(world, leaky)
    finally:
        world["app"].router.routes[:] = [
            r for r in world["app"].router.routes
            if getattr(r, "original_router", None) is not leaky_router]
    assert any("anonymous GET /api/_leaky/notes" in p and "confidential record" in p
               for p in problems)
    assert not any(p.startswith(("reviewer", "admin")) for p in problems)


def test_every_mutating_route_is_guarded(world):
    """Each POST/PUT/PATCH/DELETE needs a permission (`require`) or, if meant for the public,
    a rate limit."""
    unguarded = []
    for route in app_routes(world["app"]):
        if route.methods & MUTATING:
            perms, limited = route_permissions(route)
            if not perms and not limited:
                unguarded.append(f"{sorted(route.methods)} {route.path}")
    assert not unguarded, "mutating routes without require()/rate_limit(): " + str(unguarded)


def scan_writes(world, routes, clients=None) -> tuple[list[str], int]:
    """Every write a principal's role does not allow, tried on every seeded record."""
    problems, checked = [], 0
    for name, client in (clients or world["clients"]).items():
        who = principal(name)
        token = csrf(client)
        for route in routes:
            perms, _ = route_permissions(route)
            methods = route.methods & MUTATING
            if not methods or not perms or allowed(who, perms):
                continue
            for url in urls_for(route, world["objects"]):
                for method in methods:
                    r = client.request(method, url, json={}, headers={"X-CSRF-Token": token})
                    checked += 1
                    if r.status_code not in (401, 403):
                        problems.append(f"{name} {method} {url} → {r.status_code}")
                    for leak in leaks(r.text, who, world["secret"]):
                        problems.append(f"{name} {method} {url} shows a {leak}")
    return problems, checked


def assert_nothing_changed(world):
    with Session(world["engine"]) as s:
        set_principal(s, SYSTEM)
        for (model_name, pk), before in world["before"].items():
            model = next((m for m in world["models"] if m.__name__ == model_name), None)
            if model is not None:
                assert snapshot(s.get(model, pk)) == before, f"{model_name} {pk} changed"


def test_nobody_changes_what_their_role_does_not_allow(world):
    problems, checked = scan_writes(world, app_routes(world["app"]))
    print(f"\nmatrix: {checked} refused writes checked")
    assert checked and not problems, "\n".join(problems[:50])
    assert_nothing_changed(world)


def test_the_matrix_holds_under_four_worker_processes(world):
    """`forewarn serve --workers 4` on the same database (separate processes, each with its own
    caches and sessions): the same reads and refused writes, over HTTP, from all principals at
    once."""
    routes = [r for r in app_routes(world["app"]) if not r.path.startswith("/api/_probe")]
    env = {"FOREWARN_DATABASE_URL": world["engine"].url.render_as_string(hide_password=False),
           "FOREWARN_DATA_DIR": str(world["data_dir"]), "FOREWARN_SECRET_KEY": TEST_SECRET}
    with serve_workers(env, 4) as base:
        clients = {}
        for name in PRINCIPALS:
            # A new connection per request: requests spread over the workers, and a 500 from a
            # seeded record that real input could not make (uvicorn then closes the
            # connection) cannot break the next request.
            c = httpx.Client(base_url=base, timeout=120,
                             limits=httpx.Limits(max_keepalive_connections=0))
            if name != "anonymous":
                r = c.post("/login", data={"username": name, "password": PASSWORD,
                                           "csrf_token": csrf(c)}, follow_redirects=False)
                assert r.status_code == 303, r.text
            clients[name] = c

        def scan(name):
            one = {name: clients[name]}
            # Every URL once (the in-process scan tries the query variants).
            reads, n_reads = scan_reads(world, routes, one, query_variants=[""])
            writes, n_writes = scan_writes(world, routes, one)
            return reads + writes, n_reads, n_writes

        try:
            with ThreadPoolExecutor(len(PRINCIPALS)) as pool:
                results = list(pool.map(scan, PRINCIPALS))
        finally:
            for c in clients.values():
                c.close()
    problems = [p for found, _, _ in results for p in found]
    reads = sum(r for _, r, _ in results)
    writes = sum(w for _, _, w in results)
    print(f"\nmatrix over serve --workers 4: {reads} reads, {writes} refused writes")
    assert reads and writes and not problems, "\n".join(problems[:50])
    assert_nothing_changed(world)
