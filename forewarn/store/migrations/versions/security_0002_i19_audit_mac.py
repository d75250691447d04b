"""audit log: an HMAC per entry with a key kept outside the database

Revision ID: security_0002_i19
Revises: security_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "security_0002_i19"
down_revision = "security_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("mac", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("mac")
