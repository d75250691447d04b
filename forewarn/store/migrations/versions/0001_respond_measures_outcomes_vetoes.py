"""respond: situations, measures taken, outcomes, recorded vetoes

Revision ID: respond_0001
Revises:
Create Date: 2026-11-23 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "respond_0001"
down_revision = None
branch_labels = ("respond",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "respond_situation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("opened", sa.Date(), nullable=True),
        sa.Column("phase", sa.String(length=30), nullable=True),
        sa.Column("state_role", sa.String(length=30), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["country_id"], ["country.id"],
                                name=op.f("fk_respond_situation_country_id_country")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respond_situation")),
    )
    op.create_index(op.f("ix_respond_situation_country_id"), "respond_situation", ["country_id"])
    op.create_table(
        "respond_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("situation_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("tool_id", sa.String(length=60), nullable=False),
        sa.Column("decision_ref", sa.String(length=200), nullable=False),
        sa.Column("decision_url", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["situation_id"], ["respond_situation.id"], ondelete="CASCADE",
                                name=op.f("fk_respond_measure_situation_id_respond_situation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respond_measure")),
    )
    op.create_index(op.f("ix_respond_measure_situation_id"), "respond_measure", ["situation_id"])
    op.create_index(op.f("ix_respond_measure_date"), "respond_measure", ["date"])
    op.create_index(op.f("ix_respond_measure_tool_id"), "respond_measure", ["tool_id"])
    op.create_table(
        "respond_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("horizon_months", sa.Integer(), nullable=False),
        sa.Column("baseline_year", sa.Integer(), nullable=False),
        sa.Column("window_year", sa.Integer(), nullable=False),
        sa.Column("deaths_before", sa.Float(), nullable=True),
        sa.Column("deaths_after", sa.Float(), nullable=True),
        sa.Column("displaced_before", sa.Float(), nullable=True),
        sa.Column("displaced_after", sa.Float(), nullable=True),
        sa.Column("risk_before", sa.Float(), nullable=True),
        sa.Column("risk_after", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["measure_id"], ["respond_measure.id"], ondelete="CASCADE",
                                name=op.f("fk_respond_outcome_measure_id_respond_measure")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respond_outcome")),
        sa.UniqueConstraint("measure_id", "horizon_months",
                            name=op.f("uq_respond_outcome_measure_id")),
    )
    op.create_index(op.f("ix_respond_outcome_measure_id"), "respond_outcome", ["measure_id"])
    op.create_table(
        "respond_veto",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("situation_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("members", sa.String(length=40), nullable=False),
        sa.Column("draft", sa.String(length=120), nullable=False),
        sa.Column("ga_deadline", sa.Date(), nullable=False),
        sa.Column("ga_debate_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["country_id"], ["country.id"],
                                name=op.f("fk_respond_veto_country_id_country")),
        sa.ForeignKeyConstraint(["situation_id"], ["respond_situation.id"], ondelete="SET NULL",
                                name=op.f("fk_respond_veto_situation_id_respond_situation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respond_veto")),
    )
    op.create_index(op.f("ix_respond_veto_country_id"), "respond_veto", ["country_id"])


def downgrade() -> None:
    op.drop_table("respond_veto")
    op.drop_table("respond_outcome")
    op.drop_table("respond_measure")
    op.drop_table("respond_situation")
