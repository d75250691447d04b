"""audit log: an HMAC per entry with a key kept outside the database; rate limits shared by
every worker

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
    op.create_table(
        "security_rate_limit",
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", "key", name=op.f("pk_security_rate_limit")),
    )
    op.create_index(op.f("ix_security_rate_limit_updated"), "security_rate_limit",
                    ["updated"])


def downgrade() -> None:
    op.drop_index(op.f("ix_security_rate_limit_updated"), table_name="security_rate_limit")
    op.drop_table("security_rate_limit")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("mac")
