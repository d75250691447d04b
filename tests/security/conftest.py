"""Fixtures for the access-control tests: a key of their own, users of every role, the probe
model's tables, and an app with the probe routes mounted."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from forewarn.security import SYSTEM, set_principal
from forewarn.settings import Settings
from tests.accounts import PASSWORD, csrf, fresh_rate_limits, login, make_users  # noqa: F401
from tests.live import private_key

from .probe import ProbeBase

# One key for the whole suite, so module-scoped apps and seeded data stay decryptable.
TEST_SECRET = "forewarn-test-secret-not-for-production"


@pytest.fixture(autouse=True)
def test_key(tmp_path):
    """Each test encrypts with a key file in its own data dir (never the user's)."""
    with private_key(tmp_path / "data", TEST_SECRET) as settings:
        yield settings


@pytest.fixture
def probe_engine(module_engine):
    ProbeBase.metadata.create_all(module_engine)
    yield module_engine
    ProbeBase.metadata.drop_all(module_engine)


@pytest.fixture
def system_session(probe_engine):
    with Session(probe_engine) as s:
        set_principal(s, SYSTEM)
        yield s


@pytest.fixture(autouse=True, scope="session")
def cheap_argon2():
    """Real argon2id, cheap parameters: the suite checks logic, not hashing cost."""
    from argon2 import PasswordHasher

    from forewarn.security import accounts

    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_engine(request, tmp_path_factory):
    """A migrated database shared by one module's tests, on each backend."""
    import os
    import uuid

    from forewarn.store.db import make_engine, upgrade

    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('mod') / 'forewarn.db'}", None
    else:
        import psycopg

        admin_url = os.environ.get("FOREWARN_TEST_PG_URL",
                                   "postgresql://postgres@127.0.0.1:5432/postgres")
        try:
            admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
        except psycopg.OperationalError as exc:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(f"PostgreSQL not reachable under CI: {exc}")
            pytest.skip(f"PostgreSQL not reachable at {admin_url}")
        name = f"forewarn_sec_{uuid.uuid4().hex[:10]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        url, drop = admin_url.rpartition("/")[0] + "/" + name, (admin, name)
    eng = make_engine(url)
    upgrade(eng)
    yield eng
    eng.dispose()
    if drop:
        drop[0].execute(f'DROP DATABASE IF EXISTS "{drop[1]}" WITH (FORCE)')
        drop[0].close()


@pytest.fixture
def app_for(tmp_path):
    """APP_FOR(engine, *routers) → a fresh app on ENGINE's database."""
    from forewarn.web.app import create_app

    def build(engine, *routers):
        settings = Settings(data_dir=tmp_path / "app", secret_key=TEST_SECRET,
                            database_url=engine.url.render_as_string(hide_password=False))
        app = create_app(settings)
        for router in routers:
            app.include_router(router)
        return app

    return build


@pytest.fixture
def client_for(app_for):
    from fastapi.testclient import TestClient

    clients = []

    def build(engine, *routers, base_url="https://testserver"):
        c = TestClient(app_for(engine, *routers), base_url=base_url)
        clients.append(c)
        return c

    yield build
    for c in clients:
        c.close()


def pytest_collection_modifyitems(config, items):
    """The matrix over `serve --workers 4` runs on PostgreSQL, the backend a multi-worker
    deployment uses (the in-process matrix and the four-worker rate-limit test run on both):
    about a minute of CI saved, said here rather than skipped silently."""
    dropped = [i for i in items if i.originalname == "test_the_matrix_holds_under_four_worker_"
               "processes" and i.nodeid.endswith("[sqlite]")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if i not in dropped]
