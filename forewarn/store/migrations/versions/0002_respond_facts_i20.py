"""respond: reference facts added in the app (corrections and findings)

Revision ID: respond_0002_i20
Revises: respond_0001
Create Date: 2026-12-03 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "respond_0002_i20"
down_revision = "respond_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "respond_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("iso3", sa.String(length=3), nullable=False),
        sa.Column("organisation", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=200), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respond_fact")),
    )
    with op.batch_alter_table("respond_fact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_respond_fact_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_respond_fact_iso3"), ["iso3"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("respond_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_respond_fact_iso3"))
        batch_op.drop_index(batch_op.f("ix_respond_fact_kind"))
    op.drop_table("respond_fact")
