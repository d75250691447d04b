"""Core tables: countries, import provenance and the country-year panels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forewarn.store.base import Base, utcnow


class Country(Base):
    __tablename__ = "country"

    id: Mapped[int] = mapped_column(primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    iso_numeric: Mapped[int | None]
    cow_code: Mapped[int] = mapped_column(index=True)
    gw_code: Mapped[int | None]
    region: Mapped[str] = mapped_column(String(40))
    first_year: Mapped[int | None]
    last_year: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")


class ImportBatch(Base):
    """Where a table's rows came from: the source file, its hash and when it was loaded."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60), index=True)
    source_file: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class _CountryYear:
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)


class EwpCountryYear(_CountryYear, Base):
    """The EWP modelling table: predictors of year T and the onset outcomes."""

    __tablename__ = "ewp_country_year"
    __table_args__ = (UniqueConstraint("country_id", "year"),)

    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    ewp_name: Mapped[str] = mapped_column(String(80))
    predictors: Mapped[dict] = mapped_column(JSON)
    mk_onset: Mapped[int]
    mk_onset_1or2: Mapped[int]
    country: Mapped[Country] = relationship()
    source: Mapped[ImportBatch] = relationship()


class ViolenceCountryYear(_CountryYear, Base):
    """UCDP organised-violence deaths (best estimates)."""

    __tablename__ = "violence_country_year"
    __table_args__ = (UniqueConstraint("country_id", "year"),)

    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    state_based_deaths: Mapped[float] = mapped_column(Float)
    non_state_deaths: Mapped[float] = mapped_column(Float)
    one_sided_deaths: Mapped[float] = mapped_column(Float)
    one_sided_govt_deaths: Mapped[float] = mapped_column(Float)
    one_sided_nonstate_deaths: Mapped[float] = mapped_column(Float)
    country: Mapped[Country] = relationship()


class DisplacementCountryYear(_CountryYear, Base):
    """UNHCR displacement by country of origin (refugees, asylum-seekers, IDPs) and IDMC IDPs."""

    __tablename__ = "displacement_country_year"
    __table_args__ = (UniqueConstraint("country_id", "year"),)

    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    refugees: Mapped[float | None] = mapped_column(Float)
    asylum_seekers: Mapped[float | None] = mapped_column(Float)
    idps: Mapped[float | None] = mapped_column(Float)
    idmc_conflict_idps: Mapped[float | None] = mapped_column(Float)
    country: Mapped[Country] = relationship()


class MassKillingEpisode(Base):
    """An episode from the EWP mass-killing list."""

    __tablename__ = "mass_killing_episode"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    name: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    start_year: Mapped[int]
    end_year: Mapped[int | None]
    perpetrator_type: Mapped[str] = mapped_column(String(40))
    country: Mapped[Country] = relationship()
