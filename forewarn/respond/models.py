"""Tables of the response planner: situations, the measures applied to them, what followed
each measure (outcomes at 6/12/24 months from the panel) and recorded Security Council vetoes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forewarn.store.base import Base, utcnow
from forewarn.store.models import Country


class RespondSituation(Base):
    """A situation a response is planned for (usually one country, sometimes one crisis in it)."""

    __tablename__ = "respond_situation"

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    opened: Mapped[date | None] = mapped_column(Date)
    phase: Mapped[str | None] = mapped_column(String(30))
    state_role: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    country: Mapped[Country] = relationship()
    measures: Mapped[list[RespondMeasure]] = relationship(
        back_populates="situation", cascade="all, delete-orphan", order_by="RespondMeasure.date")


class RespondMeasure(Base):
    """A measure actually applied: which tool, by whom, when, under which decision."""

    __tablename__ = "respond_measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    situation_id: Mapped[int] = mapped_column(
        ForeignKey("respond_situation.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    tool_id: Mapped[str] = mapped_column(String(60), index=True)
    decision_ref: Mapped[str] = mapped_column(String(200), default="")   # e.g. "S/RES/1970 (2011)"
    decision_url: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    situation: Mapped[RespondSituation] = relationship(back_populates="measures")
    outcomes: Mapped[list[RespondOutcome]] = relationship(
        back_populates="measure", cascade="all, delete-orphan",
        order_by="RespondOutcome.horizon_months")


class RespondOutcome(Base):
    """What followed a measure over one horizon, read from the annual panel."""

    __tablename__ = "respond_outcome"
    __table_args__ = (UniqueConstraint("measure_id", "horizon_months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("respond_measure.id", ondelete="CASCADE"), index=True)
    horizon_months: Mapped[int] = mapped_column(Integer)
    baseline_year: Mapped[int] = mapped_column(Integer)
    window_year: Mapped[int] = mapped_column(Integer)
    deaths_before: Mapped[float | None] = mapped_column(Float)
    deaths_after: Mapped[float | None] = mapped_column(Float)
    displaced_before: Mapped[float | None] = mapped_column(Float)
    displaced_after: Mapped[float | None] = mapped_column(Float)
    risk_before: Mapped[float | None] = mapped_column(Float)
    risk_after: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    measure: Mapped[RespondMeasure] = relationship(back_populates="outcomes")


class RespondVeto(Base):
    """A Security Council veto recorded in Forewarn, with the GA debate deadline (A/RES/76/262)."""

    __tablename__ = "respond_veto"

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    situation_id: Mapped[int | None] = mapped_column(
        ForeignKey("respond_situation.id", ondelete="SET NULL"))
    date: Mapped[date] = mapped_column(Date)
    members: Mapped[str] = mapped_column(String(40))          # ISO3 codes, comma-separated
    draft: Mapped[str] = mapped_column(String(120), default="")
    ga_deadline: Mapped[date] = mapped_column(Date)
    ga_debate_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    country: Mapped[Country] = relationship()


class RespondFact(Base):
    """A reference fact added in the app: an administrator's correction of a shipped fact
    (`source` corrected: it replaces the shipped one for the same kind/country/subject) or an
    analyst's finding (`source` recorded: shown beside the shipped fact, flagged when they
    disagree). Shipped facts are not stored: they are read from the catalogue and sources."""

    __tablename__ = "respond_fact"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    iso3: Mapped[str] = mapped_column(String(3), default="", index=True)
    organisation: Mapped[str] = mapped_column(String(60), default="")
    subject: Mapped[str] = mapped_column(String(200))
    date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(200))
    citation: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))            # corrected | recorded
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RespondBrief(Base):
    """What a decision brief said when it was issued (its PDF produced), so the next brief can
    say what changed. Kept per clearance level: a reader compares only with briefs built from
    what readers of that level could see."""

    __tablename__ = "respond_brief"

    id: Mapped[int] = mapped_column(primary_key=True)
    situation_id: Mapped[int] = mapped_column(Integer, index=True)   # evidence_situation.id
    level: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(120))
    judgements: Mapped[dict] = mapped_column(JSON)
    options: Mapped[list] = mapped_column(JSON)
