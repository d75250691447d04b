"""Evidence register tables: sources and their custody logs, incidents, situations, findings
and the analysts' decisions on legal proposals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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

from forewarn.evidence.access import EncryptedText, SensitiveMixin
from forewarn.security.derived import follows
from forewarn.store.base import Base, utcnow
from forewarn.store.models import Country


class Source(SensitiveMixin, Base):
    """One captured item. The bytes live once, content-addressed, under data_dir/evidence;
    this row holds what is known about them. `copy` is the Berkeley Protocol's distinction:
    the evidentiary copy is never altered, analysts work on working copies derived from it."""

    __tablename__ = "evidence_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))            # upload | url | text
    copy: Mapped[str] = mapped_column(String(12), default="evidentiary")  # or working
    derived_from_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_source.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # = sha256 for evidentiary copies, NULL for working copies: one evidentiary copy per bytes.
    evidentiary_sha: Mapped[str | None] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(300), default="")
    original_location: Mapped[str] = mapped_column(Text, default="")
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    collector: Mapped[str] = mapped_column(String(120))
    custodian: Mapped[str] = mapped_column(String(120))
    fetched_by_server: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    http_status: Mapped[int | None] = mapped_column(Integer)
    http_headers: Mapped[dict | None] = mapped_column(JSON)
    reliability: Mapped[str | None] = mapped_column(String(1))   # A-F
    credibility: Mapped[str | None] = mapped_column(String(1))   # 1-6
    graded_by: Mapped[str | None] = mapped_column(String(120))
    graded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    description: Mapped[str] = mapped_column(Text, default="")
    citation: Mapped[str] = mapped_column(Text, default="")
    confidential_notes: Mapped[str | None] = mapped_column(EncryptedText)
    custody_head: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[str] = mapped_column(String(120))
    # An upload from a field report: its original is sealed at rest and opened only by a
    # custodian (forewarn.security.originals).
    witness_media: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    derived_from: Mapped[Source | None] = relationship(remote_side=[id])


class CustodyEvent(Base):
    """One link of a source's hash-chained custody log (append-only)."""

    __tablename__ = "evidence_custody"
    __table_args__ = (UniqueConstraint("source_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("evidence_source.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC of `hash` with a key kept outside the database (forewarn.security.seal).
    mac: Mapped[str | None] = mapped_column(String(64))


class Incident(SensitiveMixin, Base):
    __tablename__ = "evidence_incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    date_start: Mapped[date] = mapped_column(Date, index=True)
    date_end: Mapped[date] = mapped_column(Date)
    # exact | month | year | range: how much of date_start/date_end is known (prints so).
    date_precision: Mapped[str] = mapped_column(String(8), default="exact")
    place: Mapped[str] = mapped_column(String(300), default="")
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    harm_types: Mapped[list] = mapped_column(JSON)
    perpetrators: Mapped[list] = mapped_column(JSON)
    # state | state_backed | non_state | unknown; None: read from the perpetrators' names.
    perpetrator_kind: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    victim_groups: Mapped[list] = mapped_column(JSON)     # [{name, characteristics, civilian}]
    casualties: Mapped[dict] = mapped_column(JSON)        # {killed: {low, best, high}, ...}
    context: Mapped[dict] = mapped_column(JSON)           # {armed_conflict: ..., policy: ...}
    external_ref: Mapped[str | None] = mapped_column(String(120), unique=True)
    confidential_notes: Mapped[str | None] = mapped_column(EncryptedText)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    country: Mapped[Country] = relationship()
    links: Mapped[list[IncidentSource]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentSource.id")


class IncidentSource(Base):
    """A source linked to an incident, with the facts it supports and where in it."""

    __tablename__ = "evidence_incident_source"
    __table_args__ = (UniqueConstraint("incident_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_incident.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("evidence_source.id"), index=True)
    supports: Mapped[list] = mapped_column(JSON)          # ["conduct", "intent_to_destroy", ...]
    locator: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    incident: Mapped[Incident] = relationship(back_populates="links")
    source: Mapped[Source] = relationship()


class Situation(SensitiveMixin, Base):
    """A set of incidents, a country and a period: what a dossier is about."""

    __tablename__ = "evidence_situation"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    standard_of_proof: Mapped[str] = mapped_column(String(40), default="reasonable_grounds")
    # Other countries concerned (ISO3), protected groups and perpetrators ([{name, kind}]).
    other_countries: Mapped[list | None] = mapped_column(JSON)
    protected_groups: Mapped[list | None] = mapped_column(JSON)
    perpetrators: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="open")   # open | closed
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    country: Mapped[Country] = relationship()
    incidents: Mapped[list[Incident]] = relationship(
        secondary="evidence_situation_incident", order_by="Incident.date_start")


class SituationIncident(Base):
    __tablename__ = "evidence_situation_incident"

    situation_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_situation.id", ondelete="CASCADE"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_incident.id", ondelete="CASCADE"), primary_key=True)


class Finding(SensitiveMixin, Base):
    """One sentence of fact for a dossier, with its citations. Belongs to an incident (a
    finding about it) or to a situation (e.g. a court order binding the state)."""

    __tablename__ = "evidence_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_incident.id", ondelete="CASCADE"), index=True)
    situation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_situation.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(20), default="fact")  # fact | obligation
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    citations: Mapped[list[FindingCitation]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="FindingCitation.id")


class FindingCitation(Base):
    __tablename__ = "evidence_finding_citation"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_finding.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("evidence_source.id"), index=True)
    locator: Mapped[str] = mapped_column(String(300), default="")

    finding: Mapped[Finding] = relationship(back_populates="citations")
    source: Mapped[Source] = relationship()


class LegalDecision(Base):
    """An analyst's acceptance or rejection of one proposed crime for an incident or a
    situation, with the proposal as it stood (history is kept: the latest decision counts)."""

    __tablename__ = "evidence_legal_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_incident.id", ondelete="CASCADE"), index=True)
    situation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_situation.id", ondelete="CASCADE"), index=True)
    crime_id: Mapped[str] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(String(10))      # accepted | rejected
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    proposal: Mapped[dict] = mapped_column(JSON)


# A working copy shows what its evidentiary copy shows: raising the one raises the others.
follows(Source, Source, lambda ids: Source.derived_from_id.in_(ids))


class RecordVersion(Base):
    """One earlier state of an incident or a situation, kept when it is edited or closed
    (the record's history: who changed what, when and why)."""

    __tablename__ = "evidence_record_version"
    __table_args__ = (UniqueConstraint("record_type", "record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))    # incident | situation
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)                # the record before the change
    changed_by: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")


class ProfileOverride(Base):
    """An analyst's override of one derived value of a situation's profile (state role,
    phase, armed conflict ...), with the reason. The latest row per key counts; a row with
    value None withdraws the override."""

    __tablename__ = "evidence_profile_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    situation_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_situation.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(30))
    value: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
