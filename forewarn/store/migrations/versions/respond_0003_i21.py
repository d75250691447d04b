"""respond: issued decision briefs (what each said, for "what changed since the last brief")

Revision ID: respond_0003_i21
Revises: respond_0002_i20
"""

import sqlalchemy as sa
from alembic import op

revision = "respond_0003_i21"
down_revision = "respond_0002_i20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "respond_brief",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("situation_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("judgements", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_respond_brief_situation_id", "respond_brief", ["situation_id"])


def downgrade() -> None:
    op.drop_index("ix_respond_brief_situation_id", "respond_brief")
    op.drop_table("respond_brief")
