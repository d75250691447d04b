"""Fixtures for the evidence register: a key and a blob store of their own per test, sessions
as a given role on either backend, and small builders."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from forewarn.evidence.access import SYSTEM, for_role, set_principal
from forewarn.evidence.storage import BlobStore
from tests.live import private_key


@pytest.fixture(autouse=True)
def evidence_key(tmp_path):
    """Encrypted fields use a key in this test's data dir (never the user's)."""
    with private_key(tmp_path / "data") as settings:
        yield settings


@pytest.fixture
def store(evidence_key) -> BlobStore:
    return BlobStore.for_settings(evidence_key)


EVIDENCE_TABLES = ["evidence_profile_override", "evidence_record_version",
                   "evidence_legal_decision", "evidence_finding_citation", "evidence_finding",
                   "evidence_situation_incident", "evidence_situation",
                   "evidence_incident_source", "evidence_incident", "evidence_custody",
                   "evidence_source"]  # audit_entry is append-only (a trigger refuses deletes)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ev_engine(request, tmp_path_factory):
    """A migrated engine on each backend, shared by a module's tests (migrating every branch
    per test would dominate the run time); `db` empties the register between tests."""
    from forewarn.store.db import make_engine, upgrade
    from tests.conftest import _pg_admin, _pg_url

    admin = name = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('evdb') / 'forewarn.db'}"
    else:
        admin = _pg_admin()
        name = f"forewarn_ev_{uuid.uuid4().hex[:10]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        url = _pg_url(name)
    eng = make_engine(url)
    upgrade(eng)
    yield eng
    eng.dispose()
    if admin is not None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def db(ev_engine):
    yield ev_engine
    present = set(inspect(ev_engine).get_table_names())
    with ev_engine.begin() as conn:
        with custody_deletable(conn):
            for table in EVIDENCE_TABLES:
                if table in present:
                    conn.execute(text(f"DELETE FROM {table}"))


@contextmanager
def custody_deletable(conn):
    """The custody log is append-only in the database (triggers): lift that while a test
    empties the register, then put it back."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        yield
        return
    triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                 "AND tbl_name = 'evidence_custody'")).all()
    for name, _ in triggers:
        conn.execute(text(f"DROP TRIGGER {name}"))
    yield
    for _, sql in triggers:
        conn.execute(text(sql))


@pytest.fixture
def session_as(db):
    """SESSION_AS(role) → a session on ENGINE whose principal has ROLE ('system' = SYSTEM)."""
    opened = []

    def make(role: str = "analyst", username: str | None = None) -> Session:
        s = Session(db, expire_on_commit=False)
        set_principal(s, SYSTEM if role == "system" else for_role(role, username or role))
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


def siege_incident(**overrides) -> dict:
    """A siege that cuts a religious minority off from food and medicine."""
    data = {"title": "Siege of the old town", "date_start": "2021-03-01",
            "date_end": "2021-09-30", "place": "Old town", "country": "SYR",
            "harm_types": ["siege_starvation"], "perpetrators": ["Government forces"],
            "victim_groups": [{"name": "Religious minority X",
                               "characteristics": ["religious"]}],
            "casualties": {"killed": {"low": 120, "best": 150, "high": 200}},
            "context": {"armed_conflict": "non-international", "civilian_victims": True,
                        "targeted_as_such": True, "widespread_or_systematic": True,
                        "policy": True, "calculated_to_destroy": True,
                        "manifest_pattern": True},
            "sensitivity": "internal"}
    data.update(overrides)
    return data


ALL_FACTS = ["conduct", "civilian_victims", "targeted_as_such", "widespread_or_systematic",
             "policy", "calculated_to_destroy", "manifest_pattern", "armed_conflict"]


@pytest.fixture
def cli_env(db, evidence_key, monkeypatch):
    """`forewarn …` pointed at ENGINE's database and this test's data dir."""
    from forewarn.settings import get_settings
    from forewarn.store.db import engine_for

    url = db.url.render_as_string(hide_password=False)
    monkeypatch.setenv("FOREWARN_DATA_DIR", str(evidence_key.data_dir))
    monkeypatch.setenv("FOREWARN_DATABASE_URL", url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    engine_for(url).dispose()
    engine_for.cache_clear()
