"""monitor: alerts keep their rule's name, baseline, assignee and notes; rules can be deleted
without losing their alerts; analysts' corrections of classifications

Revision ID: monitor_0002_i22
Revises: monitor_0001
Create Date: 2026-12-03 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "monitor_0002_i22"
down_revision = "monitor_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("monitor_alert") as batch:  # SQLite rebuilds the table
        batch.add_column(sa.Column("rule_name", sa.String(length=200), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("baseline", sa.String(length=12), nullable=False,
                                   server_default="country"))
        batch.add_column(sa.Column("assigned_to", sa.String(length=120), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("notes", sa.JSON(), nullable=False, server_default="[]"))
        batch.alter_column("rule_id", existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE monitor_alert SET rule_name = (SELECT name FROM monitor_alert_rule "
               "WHERE monitor_alert_rule.id = monitor_alert.rule_id)")
    with op.batch_alter_table("monitor_alert") as batch:
        for col in ("rule_name", "baseline", "assigned_to", "notes"):
            batch.alter_column(col, server_default=None)
    op.create_table(
        "monitor_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("correct_language", sa.String(length=8), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("label_was", sa.String(length=20), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["monitor_document.id"],
                                name=op.f("fk_monitor_correction_document_id_monitor_document"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_correction")),
    )
    op.create_index(op.f("ix_monitor_correction_document_id"), "monitor_correction",
                    ["document_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_monitor_correction_document_id"), table_name="monitor_correction")
    op.drop_table("monitor_correction")
    op.execute("DELETE FROM monitor_alert WHERE rule_id IS NULL")
    with op.batch_alter_table("monitor_alert") as batch:
        batch.alter_column("rule_id", existing_type=sa.Integer(), nullable=False)
        for col in ("notes", "assigned_to", "baseline", "rule_name"):
            batch.drop_column(col)
