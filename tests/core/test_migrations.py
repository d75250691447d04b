"""The migrations (every sub-package's Alembic branch) build exactly the tables the models
declare, on SQLite and PostgreSQL, and every branch can be taken down and up again."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from forewarn.store.base import Base
from forewarn.store.db import alembic_config, all_models, upgrade


def _declared(name, type_, *_args) -> bool:
    """Leave out what the search index keeps beside its table: SQLite's FTS5 virtual tables
    (and their shadow tables) and PostgreSQL's expression index (forewarn/web/fulltext.py)."""
    from forewarn.web.fulltext import BACKEND_OBJECTS

    return not (name or "").startswith(BACKEND_OBJECTS)


def _diffs(engine):
    all_models()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": _declared})
        return compare_metadata(context, Base.metadata)


def test_migrated_schema_matches_the_models(engine):
    assert _diffs(engine) == []


def test_downgrade_to_base_and_upgrade_again(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"country", "report", "evidence_incident"} <= tables
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) == tables
    assert _diffs(engine) == []
