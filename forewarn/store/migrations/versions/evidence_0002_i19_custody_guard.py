"""evidence: custody log append-only in the database and keyed (mac); witness-media originals

Revision ID: evidence_0002_i19
Revises: evidence_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "evidence_0002_i19"
down_revision = "evidence_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence_custody") as batch:
        batch.add_column(sa.Column("mac", sa.String(64), nullable=True))
    with op.batch_alter_table("evidence_source") as batch:
        batch.add_column(sa.Column("witness_media", sa.Boolean(), nullable=False,
                                   server_default="0"))
    # Uploads from field reports registered before this revision are witness media too
    # (`forewarn evidence seal-originals` then encrypts their stored bytes).
    op.execute("UPDATE evidence_source SET witness_media = TRUE WHERE kind = 'upload' "
               "AND collector LIKE 'report R-%'")
    # Append-only in the database, as the audit log is: nothing updates or deletes an event.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE FUNCTION evidence_custody_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'evidence_custody is append-only'; END $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER evidence_custody_append_only BEFORE UPDATE OR DELETE
            ON evidence_custody FOR EACH ROW EXECUTE FUNCTION evidence_custody_append_only()""")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER evidence_custody_no_{verb.lower()} BEFORE {verb}
                ON evidence_custody BEGIN
                SELECT RAISE(ABORT, 'evidence_custody is append-only'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS evidence_custody_append_only ON evidence_custody")
        op.execute("DROP FUNCTION IF EXISTS evidence_custody_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS evidence_custody_no_{verb}")
    with op.batch_alter_table("evidence_source") as batch:
        batch.drop_column("witness_media")
    with op.batch_alter_table("evidence_custody") as batch:
        batch.drop_column("mac")
