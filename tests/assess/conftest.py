"""Fixtures for the assessment tests: the catalogue, actors by role, sessions that carry them."""

from __future__ import annotations

import pytest

from forewarn.assess.access import Actor
from forewarn.assess.catalog import base_framework
from forewarn.store.db import session_factory


def make_actor(role: str, user_id: int, name: str) -> Actor:
    """An Actor backed by a forewarn.security principal (so sessions are filtered)."""
    return Actor.with_role(role, name, user_id)


def open_session(engine, actor: Actor | None = None):
    session = session_factory(engine)()
    session.info["principal"] = actor.principal if actor else _system()
    return session


@pytest.fixture(scope="session")
def framework():
    return base_framework()


@pytest.fixture
def analyst():
    return make_actor("analyst", 1, "ana")


@pytest.fixture
def analyst2():
    return make_actor("analyst", 3, "andre")


@pytest.fixture
def reviewer():
    return make_actor("reviewer", 2, "rev")


@pytest.fixture
def viewer():
    return make_actor("viewer", 4, "vic")


@pytest.fixture
def db(engine):
    """The migrated engine with the country registry loaded."""
    from forewarn.data.importer import sync_countries
    from forewarn.store.db import transaction

    with transaction(engine) as s:
        s.info["principal"] = _system()
        sync_countries(s)
    return engine


def _system():
    from forewarn.security import SYSTEM

    return SYSTEM



# -- the web app over the real imported data (realdata) ----------------------------------------
PASSWORD = "correct horse battery"
USERS = {"ana": "analyst", "andre": "analyst", "rev": "reviewer", "vic": "viewer"}


@pytest.fixture(scope="session")
def web_settings(raw_dir, imported_engine, tmp_path_factory):
    """Settings for a private copy of the imported database with the demonstration
    assessments and one account per role (password PASSWORD). Overrides tests/web's fixture of
    the same name, so the live server below serves this copy."""
    from forewarn.assess.cli import seed_demo
    from forewarn.security.accounts import create_user
    from forewarn.settings import Settings
    from forewarn.store.db import make_engine, transaction
    from tests.web.conftest import _copy_sqlite

    data = tmp_path_factory.mktemp("assessweb")
    (data / "raw").symlink_to(raw_dir, target_is_directory=True)
    url = _copy_sqlite(str(imported_engine.url), data / "forewarn.db")
    eng = make_engine(url)
    with transaction(eng) as s:
        s.info["principal"] = _system()
        seed_demo(s, base_framework())
        for name, role in USERS.items():
            create_user(s, name, PASSWORD, role)
    eng.dispose()
    return Settings(data_dir=data, database_url=url)


@pytest.fixture(scope="session")
def forecast_source():
    """The assessment pages need no stored forecast: the country page shows the EWP's."""
    from forewarn.web.forecast_source import EWP_PUBLISHED

    return EWP_PUBLISHED


@pytest.fixture(scope="session")
def tokens(web_settings):
    """An API token per account (bearer requests need no CSRF token)."""
    from sqlalchemy import select

    from forewarn.security.accounts import create_token
    from forewarn.security.models import User
    from forewarn.store.db import make_engine, transaction

    eng = make_engine(web_settings.database_url)
    out = {}
    with transaction(eng) as s:
        s.info["principal"] = _system()
        for user in s.scalars(select(User)):
            out[user.username] = {"Authorization": f"Bearer {create_token(s, user, 't')[1]}"}
    eng.dispose()
    return out


@pytest.fixture(scope="session")
def client(web_settings):
    from fastapi.testclient import TestClient

    from forewarn.web.app import create_app

    with TestClient(create_app(web_settings), base_url="http://127.0.0.1") as c:
        yield c


# The live server of tests/web (it serves `web_settings` above) and its module-scoped
# headless Chromium (Playwright allows one sync driver at a time).
from tests.web.conftest import browser, screenshots, server  # noqa: E402,F401
