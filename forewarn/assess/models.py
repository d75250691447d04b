"""Assessment tables: one assessment per country and date, and every version of it.

An assessment's content (summary and ratings) lives only in its versions: each save, each
workflow step and each import appends a snapshot, none is ever changed, so any two can be
compared. `current_version` is the working copy; `published_version` the snapshot the public
profile is computed from (it stays in place while a revision is drafted). Users are stored by
id and name without a foreign key, so assessments survive the removal of an account.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forewarn.security import SensitiveMixin
from forewarn.store.base import Base, utcnow
from forewarn.store.models import Country

STATUSES = ("draft", "in_review", "published")


class Assessment(SensitiveMixin, Base):
    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("country_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(Integer)
    author_name: Mapped[str] = mapped_column(String(120))
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    published_version: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(Integer)
    published_by_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    country: Mapped[Country] = relationship()


class AssessmentVersion(SensitiveMixin, Base):
    """An immutable snapshot: content = {summary, ratings}; kind says what produced it."""

    __tablename__ = "assessment_version"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # create|edit|submit|return|publish|import
    status: Mapped[str] = mapped_column(String(20))
    content: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    editor_id: Mapped[int | None] = mapped_column(Integer)
    editor_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentComment(SensitiveMixin, Base):
    """A remark on one indicator (or the whole assessment when `indicator` is empty) by an
    analyst or reviewer; kept beside the versions, never part of the rated content."""

    __tablename__ = "assessment_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(20), default="")
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(Integer)
    author_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
