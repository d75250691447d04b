"""evidence: incident date precision, perpetrator kind and versions; situation perpetrators,
groups, status and history; analysts' overrides of a situation's derived profile

Revision ID: evidence_0002_i21
Revises: evidence_0002_i19
"""

import sqlalchemy as sa
from alembic import op

revision = "evidence_0002_i21"
down_revision = "evidence_0002_i19"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence_incident") as b:
        b.add_column(sa.Column("date_precision", sa.String(length=8), nullable=False,
                               server_default="exact"))
        b.add_column(sa.Column("perpetrator_kind", sa.String(length=16), nullable=True))
        b.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("evidence_situation") as b:
        b.add_column(sa.Column("other_countries", sa.JSON(), nullable=True))
        b.add_column(sa.Column("protected_groups", sa.JSON(), nullable=True))
        b.add_column(sa.Column("perpetrators", sa.JSON(), nullable=True))
        b.add_column(sa.Column("status", sa.String(length=10), nullable=False,
                               server_default="open"))
        b.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        b.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "evidence_record_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_type", "record_id", "version"),
    )
    op.create_index("ix_evidence_record_version_record_id", "evidence_record_version",
                    ["record_id"])
    op.create_table(
        "evidence_profile_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("situation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=30), nullable=False),
        sa.Column("value", sa.String(length=60), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["situation_id"], ["evidence_situation.id"],
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_evidence_profile_override_situation_id", "evidence_profile_override",
                    ["situation_id"])


def downgrade() -> None:
    op.drop_index("ix_evidence_profile_override_situation_id", "evidence_profile_override")
    op.drop_table("evidence_profile_override")
    op.drop_index("ix_evidence_record_version_record_id", "evidence_record_version")
    op.drop_table("evidence_record_version")
    with op.batch_alter_table("evidence_situation") as b:
        for col in ("version", "closed_at", "status", "perpetrators", "protected_groups",
                    "other_countries"):
            b.drop_column(col)
    with op.batch_alter_table("evidence_incident") as b:
        for col in ("version", "perpetrator_kind", "date_precision"):
            b.drop_column(col)
