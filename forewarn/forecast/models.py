"""Tables: one row per model run (backtest or forecast), its per-country-year risks and the
stored explanations the web pages read (so no page ever fits a model)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forewarn.store.base import Base, utcnow
from forewarn.store.models import Country


class ForecastRun(Base):
    """A backtest (31 rolling origins) or a forecast (fit on all data, latest year)."""

    __tablename__ = "forecast_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # "backtest" | "forecast"
    model_name: Mapped[str] = mapped_column(String(40), index=True)
    model_version: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    data_through: Mapped[int] = mapped_column(Integer)  # newest predictor year used
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # choices, features, settings
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # metrics / comparison with EWP
    artifacts: Mapped[dict] = mapped_column(JSON, default=dict)  # plot paths


class ForecastPrediction(Base):
    """Risk of a new mass-killing onset in year+1 or year+2, made with data through `year`."""

    __tablename__ = "forecast_prediction"
    __table_args__ = (
        UniqueConstraint("run_id", "country_id", "year"),
        Index("ix_forecast_prediction_country_year", "country_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_run.id", ondelete="CASCADE"),
                                        index=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"))
    ccode: Mapped[int] = mapped_column(Integer)
    ewp_name: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    risk: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    run: Mapped[ForecastRun] = relationship()
    country: Mapped[Country] = relationship()


class ForecastExplanation(Base):
    """Per-predictor contributions to one country's forecast log-odds, and what moved since the
    previous year; stored by the forecast command for every country."""

    __tablename__ = "forecast_explanation"
    __table_args__ = (UniqueConstraint("run_id", "country_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_run.id", ondelete="CASCADE"),
                                        index=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON)
    run: Mapped[ForecastRun] = relationship()
    country: Mapped[Country] = relationship()
