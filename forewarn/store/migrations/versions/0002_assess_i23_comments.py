"""assess: per-indicator comments on assessments

Revision ID: assess_0002_i23
Revises: assess_0001
Create Date: 2026-12-03 22:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'assess_0002_i23'
down_revision = 'assess_0001'
branch_labels = None
depends_on = None

SENSITIVITY = sa.Enum('public', 'internal', 'restricted', 'confidential', name='sensitivity',
                      native_enum=False, length=12)


def upgrade() -> None:
    op.create_table('assessment_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sensitivity', SENSITIVITY, nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_assessment_comment_assessment_id_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_comment'))
    )
    with op.batch_alter_table('assessment_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_comment_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_comment_sensitivity'), ['sensitivity'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assessment_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_comment_sensitivity'))
        batch_op.drop_index(batch_op.f('ix_assessment_comment_assessment_id'))
    op.drop_table('assessment_comment')
