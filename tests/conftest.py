"""Shared fixtures: databases on both backends, and the real data fetched from the mirror.

PostgreSQL: FOREWARN_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres) must
reach a server that lets us create databases. Each test gets a fresh database. On a user's
machine without a server the PostgreSQL half is skipped with a plain message; under CI
(CI=true) a missing server is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from forewarn.store.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parents[1]
# Tests never touch the user's own data directory (~/.local/share/forewarn): code that falls
# back on the default settings gets a fresh, empty one for this run.
os.environ["FOREWARN_DATA_DIR"] = tempfile.mkdtemp(prefix="forewarn-tests-")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_ADMIN_URL = os.environ.get("FOREWARN_TEST_PG_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
_skipped: list[str] = []


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: nothing may skip for a missing service)")
    _skipped.append(reason)
    pytest.skip(reason)


def _pg_admin():
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _unavailable(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {str(exc).strip()[:120]}")


def _pg_url(dbname: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def _pg_template():
    """One migrated PostgreSQL database per session; each test clones it (fast) instead of
    running every migration again."""
    admin = _pg_admin()
    name = f"forewarn_tmpl_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    eng = make_engine(_pg_url(name))
    upgrade(eng)
    eng.dispose()
    try:
        yield name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def pg_database():
    """A fresh, empty PostgreSQL database URL; dropped afterwards."""
    admin = _pg_admin()
    name = f"forewarn_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "forewarn.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    eng.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A migrated database on each backend, cloned from a per-session template."""
    if request.param == "sqlite":
        target = tmp_path / "forewarn.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), target)
        return f"sqlite:///{target}"
    template = request.getfixturevalue("_pg_template")
    admin = _pg_admin()
    name = f"forewarn_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    request.addfinalizer(drop)
    return _pg_url(name)


@pytest.fixture
def engine(db_url):
    """A migrated engine on each backend (upgrade is a no-op on the cloned schema)."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def _mirror() -> Path | None:
    for candidate in (os.environ.get("FOREWARN_MIRROR"), ROOT.parent / "shared" / "data"):
        if candidate and Path(candidate, "manifest.json").exists():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def raw_dir(tmp_path_factory) -> Path:
    """The real sources, fetched once per session from the mirror and verified by sha256."""
    from forewarn.data.sources import fetch

    mirror = _mirror()
    if mirror is None:
        _unavailable("real data mirror not found (set FOREWARN_MIRROR or put shared/ beside "
                     "the repo)")
    raw = tmp_path_factory.mktemp("data") / "raw"
    results = fetch(raw, mirror)
    failed = {f: r for f, r in results.items() if r.startswith("failed")}
    assert not failed, failed
    return raw


@pytest.fixture(scope="session")
def imported_engine(raw_dir, tmp_path_factory):
    """A SQLite database with every panel imported from the real data (shared, read-only)."""
    from forewarn.data.importer import import_all

    eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'forewarn.db'}")
    upgrade(eng)
    import_all(eng, raw_dir)
    return eng


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line("")
        for reason in sorted(set(_skipped)):
            terminalreporter.write_line(f"SKIPPED (missing service): {reason}", yellow=True)
