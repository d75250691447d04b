"""Tables of the reports capability: reports, their attachments and notes, spent challenges.

Reports carry a sensitivity (forewarn.security.SensitiveMixin): a new report is `restricted`, so
neither the public nor viewers see it; a reviewer may lower a *verified* report to `internal`
or `public`. Who reported and how to reach them are `EncryptedText` and are redacted on load
for readers without `read:confidential`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    literal,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forewarn.evidence.models import Incident, Source
from forewarn.security import SensitiveMixin
from forewarn.security.crypto import EncryptedText
from forewarn.security.derived import follows
from forewarn.store.base import Base, utcnow

STATUSES = ("new", "needs_info", "verified", "rejected", "duplicate")
CHANNELS = ("web", "api", "import", "email")
# How precisely the reporter knew when it happened (see forewarn.reports.dates).
PRECISIONS = ("", "exact", "day", "month", "range", "approximate")


class Report(SensitiveMixin, Base):
    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Shown to the reporter so they can refer to their report without an account.
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)
    channel: Mapped[str] = mapped_column(String(10), default="web")
    language: Mapped[str] = mapped_column(String(8), default="en")
    what: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    occurred_note: Mapped[str] = mapped_column(String(200), default="")
    occurred_precision: Mapped[str] = mapped_column(String(12), default="")
    # The end of a range (precision `range`); a month or a day derive theirs from occurred_at.
    occurred_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The deployment's categories and answers to its custom questions (forewarn.reports.form).
    categories: Mapped[list] = mapped_column(JSON, default=list)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    place: Mapped[str] = mapped_column(String(200), default="")
    country_id: Mapped[int | None] = mapped_column(ForeignKey("country.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    affected: Mapped[str] = mapped_column(Text, default="")
    affected_count: Mapped[int | None] = mapped_column(Integer)
    # Confidential: encrypted at rest, redacted on load for readers without read:confidential.
    reporter_name: Mapped[str | None] = mapped_column(EncryptedText)
    contact: Mapped[str | None] = mapped_column(EncryptedText)
    contact_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    # The incident in the evidence register this report was verified into.
    incident_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("evidence_incident.id", ondelete="RESTRICT"), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    import_file: Mapped[str] = mapped_column(String(200), default="")

    attachments: Mapped[list[ReportAttachment]] = relationship(
        back_populates="report", order_by="ReportAttachment.id", cascade="all, delete-orphan")
    notes: Mapped[list[ReportNote]] = relationship(
        back_populates="report", order_by="ReportNote.id", cascade="all, delete-orphan")


class ReportAttachment(SensitiveMixin, Base):
    """An upload: the original kept byte for byte (sha256, custody in the evidence register)
    and a working copy with identifying metadata removed (see forewarn.reports.strip)."""

    __tablename__ = "report_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"),
                                           index=True)
    # The name on the reporter's device can identify them (e.g. a name or a phone model).
    original_name: Mapped[str | None] = mapped_column(EncryptedText)
    kind: Mapped[str] = mapped_column(String(10))
    mime: Mapped[str] = mapped_column(String(120))
    ext: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    working_sha256: Mapped[str] = mapped_column(String(64))
    working_size: Mapped[int] = mapped_column(Integer)
    # Perceptual hash of an image (forewarn.reports.similar): equal or close for re-encodings.
    phash: Mapped[str | None] = mapped_column(String(16), index=True)
    metadata_stripped: Mapped[bool] = mapped_column(Boolean)
    strip_note: Mapped[str] = mapped_column(String(300), default="")
    # The original in the evidence register (None when it is kept in the reports store).
    source_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("evidence_source.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="attachments")


class ReportNote(SensitiveMixin, Base):
    __tablename__ = "report_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"),
                                           index=True)
    author: Mapped[str] = mapped_column(String(80))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="notes")


class ChallengeSpent(Base):
    """Nonces of anti-abuse challenges already used (kept until they expire)."""

    __tablename__ = "report_challenge_spent"

    nonce: Mapped[str] = mapped_column(String(40), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


# What is derived from a report follows it when it is raised (forewarn.security.derived): its
# attachments, the evidentiary copy of each upload (the unstripped original) and an incident
# created from it (which carries its text).
follows(ReportAttachment, Report, lambda ids: ReportAttachment.report_id.in_(ids))


def _evidence_rules() -> None:
    follows(Source, ReportAttachment, lambda ids: Source.id.in_(
        select(ReportAttachment.source_id).where(ReportAttachment.id.in_(ids))))
    follows(Incident, Report, lambda ids: Incident.external_ref.in_(
        select(literal("report ") + Report.reference).where(Report.id.in_(ids))))


_evidence_rules()
