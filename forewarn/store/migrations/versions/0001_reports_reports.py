"""reports: field and public reports, attachments, notes, spent challenges

Revision ID: reports_0001
Revises:
Create Date: 2026-11-23 10:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "reports_0001"
down_revision = None
branch_labels = ("reports",)
depends_on = ("0001_core", "security_0001")

TZ = sa.DateTime(timezone=True)


def _sensitivity():
    return sa.Column("sensitivity", sa.Enum("public", "internal", "restricted", "confidential",
                                            name="sensitivity", native_enum=False, length=12),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("occurred_at", TZ, nullable=True),
        sa.Column("occurred_note", sa.String(200), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("affected", sa.Text(), nullable=False),
        sa.Column("affected_count", sa.Integer(), nullable=True),
        sa.Column("reporter_name", sa.Text(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("contact_consent", sa.Boolean(), nullable=False),
        sa.Column("contact_purged_at", TZ, nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", TZ, nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("import_file", sa.String(200), nullable=False),
        _sensitivity(),
        sa.ForeignKeyConstraint(["country_id"], ["country.id"],
                                name=op.f("fk_report_country_id_country")),
        sa.ForeignKeyConstraint(["assigned_to_id"], ["app_user.id"], ondelete="SET NULL",
                                name=op.f("fk_report_assigned_to_id_app_user")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["app_user.id"], ondelete="SET NULL",
                                name=op.f("fk_report_reviewed_by_id_app_user")),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["report.id"],
                                name=op.f("fk_report_duplicate_of_id_report")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("reference", name=op.f("uq_report_reference")),
    )
    for col in ("created_at", "occurred_at", "country_id", "status", "assigned_to_id",
                "incident_id", "sensitivity"):
        op.create_index(op.f(f"ix_report_{col}"), "report", [col])
    op.create_table(
        "report_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("mime", sa.String(120), nullable=False),
        sa.Column("ext", sa.String(8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("working_sha256", sa.String(64), nullable=False),
        sa.Column("working_size", sa.Integer(), nullable=False),
        sa.Column("metadata_stripped", sa.Boolean(), nullable=False),
        sa.Column("strip_note", sa.String(300), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        _sensitivity(),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE",
                                name=op.f("fk_report_attachment_report_id_report")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_attachment")),
    )
    for col in ("report_id", "sha256", "source_id", "sensitivity"):
        op.create_index(op.f(f"ix_report_attachment_{col}"), "report_attachment", [col])
    op.create_table(
        "report_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        _sensitivity(),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE",
                                name=op.f("fk_report_note_report_id_report")),
        sa.ForeignKeyConstraint(["author_id"], ["app_user.id"], ondelete="SET NULL",
                                name=op.f("fk_report_note_author_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_note")),
    )
    for col in ("report_id", "sensitivity"):
        op.create_index(op.f(f"ix_report_note_{col}"), "report_note", [col])
    op.create_table(
        "report_challenge_spent",
        sa.Column("nonce", sa.String(40), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_report_challenge_spent")),
    )
    op.create_index(op.f("ix_report_challenge_spent_expires_at"), "report_challenge_spent",
                    ["expires_at"])


def downgrade() -> None:
    for table in ("report_challenge_spent", "report_note", "report_attachment", "report"):
        op.drop_table(table)
