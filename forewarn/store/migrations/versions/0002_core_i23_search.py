"""core: the full-text search index (SQLite FTS5 / PostgreSQL tsvector + GIN)

Revision ID: core_0002_i23_search
Revises: 0001_core
Create Date: 2026-12-03 22:15:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'core_0002_i23_search'
down_revision = '0001_core'
branch_labels = None
depends_on = None

SENSITIVITY = sa.Enum('public', 'internal', 'restricted', 'confidential', name='sensitivity',
                      native_enum=False, length=12)
# The words of the index are folded in Python (accents removed, lower case), so both backends
# see the same terms; the tokenizer/parser only splits them.
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms, content='search_entry', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, "
    "new.body_terms); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) VALUES ('delete', "
    "old.id, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) VALUES ('delete', "
    "old.id, old.title_terms, old.body_terms); INSERT INTO search_fts(rowid, title_terms, "
    "body_terms) VALUES (new.id, new.title_terms, new.body_terms); END",
]
POSTGRES = [
    "CREATE INDEX ix_search_entry_fts ON search_entry USING GIN ("
    "(setweight(to_tsvector('simple', title_terms), 'A') || "
    "setweight(to_tsvector('simple', body_terms), 'B')))",
]


def upgrade() -> None:
    op.create_table('search_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('record_key', sa.String(length=80), nullable=False),
    sa.Column('part', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('iso3', sa.String(length=3), nullable=False),
    sa.Column('audience', sa.String(length=30), nullable=False),
    sa.Column('sort_date', sa.Date(), nullable=True),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('title_terms', sa.Text(), nullable=False),
    sa.Column('body_terms', sa.Text(), nullable=False),
    sa.Column('sensitivity', SENSITIVITY, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entry')),
    sa.UniqueConstraint('kind', 'record_key', 'part', name=op.f('uq_search_entry_kind'))
    )
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entry_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entry_sensitivity'), ['sensitivity'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == "sqlite" else POSTGRES if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("search_entry_ai", "search_entry_ad", "search_entry_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_vocab")
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entry_fts")
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entry_sensitivity'))
        batch_op.drop_index(batch_op.f('ix_search_entry_kind'))
    op.drop_table('search_entry')
