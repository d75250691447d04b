"""Engines, sessions and schema upgrades for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

import forewarn


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                     # writers queue for the one write lock
                                                     "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache
def engine_for(url: str) -> Engine:
    """One shared engine per URL (a pool per process, as SQLAlchemy intends)."""
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed together or not at all."""
    with session_factory(engine)() as session, session.begin():
        yield session


def alembic_config(engine: Engine):
    from alembic.config import Config  # heavy: alembic

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("forewarn.store") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema up to date: every sub-package's migration branch."""
    from alembic import command  # heavy: alembic

    command.upgrade(alembic_config(engine), revision)


def all_models() -> None:
    """Import every module that defines tables, so Base.metadata is complete."""
    importlib.import_module("forewarn.store.models")
    for _ in forewarn.capability_modules("models"):
        pass  # importing registers the tables
