"""forecast: model runs, per-country-year predictions, stored explanations

Revision ID: forecast_0001
Revises:
Create Date: 2026-11-23 11:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = 'forecast_0001'
down_revision = None
branch_labels = ('forecast',)
depends_on = '0001_core'


def upgrade() -> None:
    op.create_table('forecast_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('model_name', sa.String(length=40), nullable=False),
    sa.Column('model_version', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data_through', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('artifacts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_run'))
    )
    with op.batch_alter_table('forecast_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_run_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_run_model_name'), ['model_name'], unique=False)

    op.create_table('forecast_prediction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.Column('ccode', sa.Integer(), nullable=False),
    sa.Column('ewp_name', sa.String(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('risk', sa.Float(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['country_id'], ['country.id'], name=op.f('fk_forecast_prediction_country_id_country')),
    sa.ForeignKeyConstraint(['run_id'], ['forecast_run.id'], name=op.f('fk_forecast_prediction_run_id_forecast_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_prediction')),
    sa.UniqueConstraint('run_id', 'country_id', 'year', name=op.f('uq_forecast_prediction_run_id'))
    )
    with op.batch_alter_table('forecast_prediction', schema=None) as batch_op:
        batch_op.create_index('ix_forecast_prediction_country_year', ['country_id', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_prediction_run_id'), ['run_id'], unique=False)

    op.create_table('forecast_explanation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['country_id'], ['country.id'], name=op.f('fk_forecast_explanation_country_id_country')),
    sa.ForeignKeyConstraint(['run_id'], ['forecast_run.id'], name=op.f('fk_forecast_explanation_run_id_forecast_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_explanation')),
    sa.UniqueConstraint('run_id', 'country_id', 'year', name=op.f('uq_forecast_explanation_run_id'))
    )
    with op.batch_alter_table('forecast_explanation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_explanation_country_id'), ['country_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_explanation_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('forecast_explanation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_explanation_run_id'))
        batch_op.drop_index(batch_op.f('ix_forecast_explanation_country_id'))
    op.drop_table('forecast_explanation')
    with op.batch_alter_table('forecast_prediction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_prediction_run_id'))
        batch_op.drop_index('ix_forecast_prediction_country_year')
    op.drop_table('forecast_prediction')
    with op.batch_alter_table('forecast_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_run_model_name'))
        batch_op.drop_index(batch_op.f('ix_forecast_run_kind'))
    op.drop_table('forecast_run')
