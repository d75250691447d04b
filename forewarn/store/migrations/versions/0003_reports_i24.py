"""reports: date precision, categories and custom answers, perceptual hashes of images

Revision ID: reports_0003_i24
Revises: reports_0002
Create Date: 2026-12-03 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "reports_0003_i24"
down_revision = "reports_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("occurred_precision", sa.String(12), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("occurred_end", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("categories", sa.JSON(), nullable=False,
                                   server_default="[]"))
        batch.add_column(sa.Column("answers", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("report_attachment") as batch:
        batch.add_column(sa.Column("phash", sa.String(16), nullable=True))
        batch.create_index("ix_report_attachment_phash", ["phash"])


def downgrade() -> None:
    with op.batch_alter_table("report_attachment") as batch:
        batch.drop_index("ix_report_attachment_phash")
        batch.drop_column("phash")
    with op.batch_alter_table("report") as batch:
        for column in ("answers", "categories", "occurred_end", "occurred_precision"):
            batch.drop_column(column)
