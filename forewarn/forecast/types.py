"""The forecast's typed output, as other capabilities (the web pages) read it.

One name per field: a predictor is `predictor`, the log-odds baseline is `base`, totals per
risk factor are a dict. `StoredForecasts` reads them from the stored runs
(forewarn.forecast.service); tests build stand-ins from the same types, so a renamed field
fails in both places.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Protocol

from sqlalchemy.orm import Session

from forewarn.forecast import service


def _known(cls, d: dict) -> dict:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in d.items() if k in names}


@dataclass(frozen=True)
class ForecastRow:
    """One country in the latest forecast: risk of a new onset in year+1 or year+2."""

    iso3: str
    name: str
    risk: float
    rank: int  # 1 = highest risk
    year: int  # origin year: the latest predictor year
    model_version: str | None = None
    previous_risk: float | None = None  # same model, origin year-1
    change: float | None = None  # risk - previous_risk
    change_compares: str | None = None  # what `change` compares, in words (change.py)
    ewp_name: str | None = None
    ccode: int | None = None

@dataclass(frozen=True)
class RiskPoint:
    """A country's risk at one origin year."""

    year: int
    risk: float | None
    rank: int | None
    source: str  # "backtest", "forecast", or the EWP's published series
    model_version: str | None = None

@dataclass(frozen=True)
class Contribution:
    """One predictor's share of the log-odds (or of their change since the year before)."""

    predictor: str
    contribution: float
    value: float | None = None
    label: str | None = None
    risk_factor: str | tuple[str, ...] | None = None  # "RF1".."RF14"
    indicator: str | None = None
    also: tuple[str, ...] = ()
    previous: float | None = None  # change only: the value the year before
    moved: bool | None = None  # change only: whether the value itself changed

    @classmethod
    def from_dict(cls, d: dict) -> Contribution:
        d = _known(cls, d)
        for key in ("also", "risk_factor"):
            if isinstance(d.get(key), list):
                d[key] = tuple(d[key])
        return cls(**d)


@dataclass(frozen=True)
class Change:
    """The change of a country's log-odds since the previous origin year, by predictor."""

    previous_year: int
    previous_risk: float
    delta_logit: float
    delta_risk: float
    contributions: tuple[Contribution, ...] = ()
    by_risk_factor: dict[str, float] = field(default_factory=dict)
    previous_logit: float | None = None
    base_change: float = 0.0

    @classmethod
    def from_dict(cls, d: dict) -> Change:
        d = _known(cls, d)
        d["contributions"] = tuple(Contribution.from_dict(c) for c in d.get("contributions", ()))
        return cls(**d)


@dataclass(frozen=True)
class Explanation:
    """Why a country's risk is what it is: base + sum of contributions = logit."""

    iso3: str
    year: int
    risk: float
    logit: float
    base: float
    contributions: tuple[Contribution, ...]
    by_risk_factor: dict[str, float] = field(default_factory=dict)
    change: Change | None = None
    name: str | None = None
    model_version: str | None = None

    @classmethod
    def from_dict(cls, d: dict) -> Explanation:
        d = _known(cls, d)
        d["contributions"] = tuple(Contribution.from_dict(c) for c in d.get("contributions", ()))
        if d.get("change") is not None:
            d["change"] = Change.from_dict(d["change"])
        return cls(**d)


class ForecastReader(Protocol):
    """What the web pages read from the forecasting capability."""

    def latest_forecast(self, session: Session) -> list[ForecastRow]: ...

    def risk_history(self, session: Session, iso3: str) -> list[RiskPoint]: ...

    def explanation(self, session: Session, iso3: str) -> Explanation | None: ...

    def backtest_summary(self, session: Session) -> dict | None: ...

    def plot_paths(self, session: Session) -> dict: ...

    def ewp_comparison(self, session: Session) -> dict | None: ...


class StoredForecasts:
    """ForecastReader over the runs stored by `forewarn forecast backtest|forecast`."""

    def latest_forecast(self, session: Session) -> list[ForecastRow]:
        return [ForecastRow(**_known(ForecastRow, r)) for r in service.latest_forecast(session)]

    def risk_history(self, session: Session, iso3: str) -> list[RiskPoint]:
        return [RiskPoint(**_known(RiskPoint, r)) for r in service.risk_history(session, iso3)]

    def explanation(self, session: Session, iso3: str) -> Explanation | None:
        found = service.explanation(session, iso3)
        return None if found is None else Explanation.from_dict(found)

    def backtest_summary(self, session: Session) -> dict | None:
        return service.backtest_summary(session)

    def plot_paths(self, session: Session) -> dict:
        return service.plot_paths(session)

    def ewp_comparison(self, session: Session) -> dict | None:
        return service.ewp_comparison(session)
