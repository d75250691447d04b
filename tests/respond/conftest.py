"""Fixtures for the tests that drive the real app: the app on the `engine` fixture's database
(SQLite and PostgreSQL) with the country registry and one user per role, signed-in clients."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from forewarn.data.importer import sync_countries
from forewarn.settings import Settings
from tests.accounts import fresh_rate_limits, login, make_users  # noqa: F401
from tests.live import private_key

from .recording import SECRET


@pytest.fixture(scope="module")
def cheap_argon2():
    """Real argon2id with cheap parameters: these tests check access, not hashing cost."""
    from argon2 import PasswordHasher

    from forewarn.security import accounts

    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def app_on(engine, tmp_path, cheap_argon2):
    """APP_ON(raw_dir=None) → the real app on ENGINE (countries and one user per role), with
    RAW_DIR as its raw data folder (default: none, so outcomes cannot be computed)."""
    from forewarn.web.app import create_app

    with Session(engine) as s, s.begin():
        sync_countries(s)
    make_users(engine)
    data = tmp_path / "app"
    data.mkdir()

    def build(raw_dir=None):
        if raw_dir is not None:
            (data / "raw").symlink_to(raw_dir, target_is_directory=True)
        settings = Settings(data_dir=data, secret_key=SECRET,
                            database_url=engine.url.render_as_string(hide_password=False))
        return create_app(settings)

    with private_key(tmp_path / "key", SECRET):
        yield build


def signed_in_clients(app):
    """A factory: make(role) → a client of APP signed in as ROLE ('anonymous': not signed
    in); close_all() closes them."""
    opened = []

    def make(role: str) -> TestClient:
        c = TestClient(app, base_url="https://testserver")
        opened.append(c)
        if role != "anonymous":
            assert login(c, role).status_code == 303
        return c

    make.close_all = lambda: [c.close() for c in opened]
    return make


@pytest.fixture
def clients(app_on):
    """CLIENTS(role) → a client signed in as ROLE ('anonymous': not signed in)."""
    make = signed_in_clients(app_on())
    yield make
    make.close_all()
