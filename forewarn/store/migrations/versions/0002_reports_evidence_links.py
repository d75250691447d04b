"""reports: foreign keys from verified reports and their files to the evidence register

Revision ID: reports_0002
Revises: reports_0001
Create Date: 2026-11-23 13:10:00
"""

from alembic import op

revision = "reports_0002"
down_revision = "reports_0001"
branch_labels = None
depends_on = "evidence_0001"

# (table, column, referenced table); RESTRICT: evidence a report points to cannot vanish.
LINKS = [("report", "incident_id", "evidence_incident"),
         ("report_attachment", "source_id", "evidence_source")]


def upgrade() -> None:
    for table, column, target in LINKS:
        with op.batch_alter_table(table) as batch:  # SQLite rebuilds the table
            batch.create_foreign_key(f"fk_{table}_{column}", target, [column], ["id"],
                                     ondelete="RESTRICT")


def downgrade() -> None:
    for table, column, _ in LINKS:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_{column}", type_="foreignkey")
