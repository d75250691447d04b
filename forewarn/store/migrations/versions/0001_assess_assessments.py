"""assess: assessments and their versions

Revision ID: assess_0001
Revises:
Create Date: 2026-11-23 12:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'assess_0001'
down_revision = None
branch_labels = ('assess',)
depends_on = '0001_core'

SENSITIVITY = sa.Enum('public', 'internal', 'restricted', 'confidential', name='sensitivity',
                      native_enum=False, length=12)


def upgrade() -> None:
    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('demo', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=120), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_by_name', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sensitivity', SENSITIVITY, nullable=False),
    sa.ForeignKeyConstraint(['country_id'], ['country.id'], name=op.f('fk_assessment_country_id_country')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment')),
    sa.UniqueConstraint('country_id', 'as_of', name=op.f('uq_assessment_country_id'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_as_of'), ['as_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_country_id'), ['country_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_sensitivity'), ['sensitivity'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_status'), ['status'], unique=False)

    op.create_table('assessment_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('editor_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sensitivity', SENSITIVITY, nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_assessment_version_assessment_id_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_version')),
    sa.UniqueConstraint('assessment_id', 'number', name=op.f('uq_assessment_version_assessment_id'))
    )
    with op.batch_alter_table('assessment_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_version_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_version_sensitivity'), ['sensitivity'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assessment_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_version_sensitivity'))
        batch_op.drop_index(batch_op.f('ix_assessment_version_assessment_id'))
    op.drop_table('assessment_version')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_status'))
        batch_op.drop_index(batch_op.f('ix_assessment_sensitivity'))
        batch_op.drop_index(batch_op.f('ix_assessment_country_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_as_of'))
    op.drop_table('assessment')
