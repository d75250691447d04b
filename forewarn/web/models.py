"""The full-text search index (forewarn/web/fulltext.py): one row per searchable record part,
holding accent-folded words for the index and the title and excerpt shown in results. Rows
copy their record's sensitivity, so the ordinary filter hides them from readers without the
clearance; `audience` narrows further (e.g. drafts: analysts and reviewers only)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forewarn.security import SensitiveMixin
from forewarn.store.base import Base


class SearchEntry(SensitiveMixin, Base):
    __tablename__ = "search_entry"
    __table_args__ = (UniqueConstraint("kind", "record_key", "part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    record_key: Mapped[str] = mapped_column(String(80))
    part: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(300))
    excerpt: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(300))
    iso3: Mapped[str] = mapped_column(String(3), default="")
    audience: Mapped[str] = mapped_column(String(30), default="all")
    sort_date: Mapped[date | None] = mapped_column(Date)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    title_terms: Mapped[str] = mapped_column(Text, default="")
    body_terms: Mapped[str] = mapped_column(Text, default="")
