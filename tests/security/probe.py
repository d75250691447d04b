"""A test-only sensitive model (own metadata, so it never enters the app's migrations)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from forewarn.security import EncryptedText, SensitiveMixin


class ProbeBase(DeclarativeBase):
    pass


class ProbeFolder(ProbeBase):
    __tablename__ = "probe_folder"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    notes: Mapped[list[ProbeNote]] = relationship(back_populates="folder")


class ProbeNote(SensitiveMixin, ProbeBase):
    __tablename__ = "probe_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    witness: Mapped[str | None] = mapped_column(EncryptedText)
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("probe_folder.id"))
    folder: Mapped[ProbeFolder | None] = relationship(back_populates="notes")
