"""Monitor tables: feeds, documents and their passages, GDELT events, daily signals, alert
rules and alerts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
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

from forewarn.store.base import Base, utcnow


class MonitorFeed(Base):
    """An RSS/Atom feed polled on a schedule."""

    __tablename__ = "monitor_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    interval_minutes: Mapped[int] = mapped_column(Integer, default=60)
    country_iso3: Mapped[str | None] = mapped_column(String(3))  # metadata attribution
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")


class MonitorDocument(Base):
    __tablename__ = "monitor_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_kind: Mapped[str] = mapped_column(String(20), index=True)  # rss|folder|api|gdelt
    source: Mapped[str] = mapped_column(String(500), index=True)
    url: Mapped[str] = mapped_column(String(1000), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8), index=True)
    language_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("country.id"), index=True)
    country_method: Mapped[str] = mapped_column(String(20), default="")  # metadata|mentions
    countries_mentioned: Mapped[list] = mapped_column(JSON, default=list)
    minhash: Mapped[list] = mapped_column(JSON, default=list)
    near_duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("monitor_document.id"))
    # The most severe passage's scores (None where no training data for the language).
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    label: Mapped[str | None] = mapped_column(String(20), index=True)
    model_version: Mapped[str] = mapped_column(String(40), default="")
    passages: Mapped[list[MonitorPassage]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="MonitorPassage.idx")


class MonitorBand(Base):
    """Locality-sensitive-hashing bands of a document's MinHash, for near-duplicate lookup."""

    __tablename__ = "monitor_band"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("monitor_document.id",
                                                        ondelete="CASCADE"), index=True)
    band: Mapped[str] = mapped_column(String(40), index=True)


class MonitorPassage(Base):
    __tablename__ = "monitor_passage"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("monitor_document.id",
                                                        ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    hateful: Mapped[float | None] = mapped_column(Float)
    offensive: Mapped[float | None] = mapped_column(Float)
    incitement: Mapped[float | None] = mapped_column(Float)
    dehumanising: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(20))
    target_group: Mapped[str | None] = mapped_column(String(40))
    # [{"indicator": "RF10.2", "risk_factor": "RF10", "score": 0.41, "cues": [...]}]
    risk_tags: Mapped[list] = mapped_column(JSON, default=list)
    document: Mapped[MonitorDocument] = relationship(back_populates="passages")


class MonitorEvent(Base):
    """A GDELT event whose CAMEO code maps to a risk-factor signal."""

    __tablename__ = "monitor_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    global_event_id: Mapped[str] = mapped_column(String(30), unique=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("country.id"), index=True)
    event_code: Mapped[str] = mapped_column(String(8))
    signal: Mapped[str] = mapped_column(String(40), index=True)
    goldstein: Mapped[float | None] = mapped_column(Float)
    num_mentions: Mapped[int] = mapped_column(Integer, default=0)
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    source_file: Mapped[str] = mapped_column(String(300), default="")


class MonitorSignal(Base):
    """Per country and day: how many documents/events carried a signal, and the share."""

    __tablename__ = "monitor_signal"
    __table_args__ = (UniqueConstraint("country_id", "day", "signal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    signal: Mapped[str] = mapped_column(String(40), index=True)
    count: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)  # documents or events that day, for the rate
    rate: Mapped[float] = mapped_column(Float)


class MonitorAlertRule(Base):
    __tablename__ = "monitor_alert_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    signal: Mapped[str] = mapped_column(String(40))
    countries: Mapped[list] = mapped_column(JSON, default=list)  # ISO3 codes; empty = all
    mode: Mapped[str] = mapped_column(String(10), default="spike")  # spike|threshold
    threshold: Mapped[float] = mapped_column(Float, default=0.01)  # p-value, or count
    min_count: Mapped[int] = mapped_column(Integer, default=3)
    webhook_url: Mapped[str] = mapped_column(String(500), default="")
    email_to: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MonitorAlert(Base):
    __tablename__ = "monitor_alert"
    __table_args__ = (UniqueConstraint("rule_id", "country_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL once its rule is deleted: the alert and its history stay, `rule_name` says whose.
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("monitor_alert_rule.id"),
                                                index=True)
    rule_name: Mapped[str] = mapped_column(String(200), default="")
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    signal: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acted_by: Mapped[str] = mapped_column(String(120), default="")
    deliveries: Mapped[list] = mapped_column(JSON, default=list)  # [{channel, ok, detail}]
    # How the expected count was obtained: "country" (its own last 28 days), or "regional" /
    # "global" (pooled rate of other countries, when the country has < 14 days of history).
    baseline: Mapped[str] = mapped_column(String(12), default="country")
    assigned_to: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[list] = mapped_column(JSON, default=list)  # [{at, by, text}]
    rule: Mapped[MonitorAlertRule | None] = relationship()


class MonitorCorrection(Base):
    """An analyst's verdict that a document's classification is wrong; exported, and used as
    training examples by the next `forewarn monitor train`."""

    __tablename__ = "monitor_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("monitor_document.id",
                                                        ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # see corrections.KINDS
    correct_language: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    model_version: Mapped[str] = mapped_column(String(40), default="")
    label_was: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
