"""Output schemas of the core JSON API (input schemas live beside the routes that take them)."""

from __future__ import annotations

from pydantic import BaseModel


class CountryOut(BaseModel):
    iso3: str
    name: str
    region: str
    iso_numeric: int | None
    cow_code: int
    latest_ewp_year: int | None


class CountryList(BaseModel):
    count: int
    countries: list[CountryOut]


class PanelRow(BaseModel):
    year: int
    values: dict[str, float | int | None]


class Provenance(BaseModel):
    table: str
    source_file: str
    sha256: str
    imported_at: str


class CountryDetail(BaseModel):
    country: CountryOut
    ewp: list[PanelRow]
    violence: list[PanelRow]
    displacement: list[PanelRow]
    episodes: list[dict]
    provenance: list[Provenance]


class SourceOut(BaseModel):
    file: str
    origin_url: str | None
    licence: str
    citation: str
    description: str


# --- Watchlist, country and model pages (issue 4) -------------------------------------------

class ForecastMeta(BaseModel):
    source: str
    source_label: str
    year: int | None
    outcome_years: list[int]
    model_version: str | None
    top: int = 30


class WatchlistRow(BaseModel):
    iso3: str
    name: str
    iso_numeric: int | None = None
    rank: int
    risk: float
    previous_risk: float | None = None
    change: float | None = None
    top30: bool
    colour: str


class Watchlist(ForecastMeta):
    """The ranked latest forecast: one list, every country, highest risk first."""
    count: int
    countries: list[WatchlistRow]


class HomeCountry(BaseModel):
    iso3: str
    name: str
    region: str | None = None
    iso_numeric: int | None = None
    rank: int | None = None
    risk: float | None = None
    previous_risk: float | None = None
    change: float | None = None
    top30: bool = False
    colour: str | None = None
    latest_ewp_year: int | None = None


class Mover(BaseModel):
    iso3: str
    name: str
    rank: int
    risk: float
    previous_risk: float | None
    change: float | None


class Movers(BaseModel):
    rises: list[Mover]
    falls: list[Mover]


class RiskBin(BaseModel):
    lo: float
    hi: float | None
    colour: str
    label: str


class HomePage(BaseModel):
    forecast: ForecastMeta | None
    count: int
    countries: list[HomeCountry]
    movers: Movers | None
    bins: list[RiskBin]
    map: dict[str, str]
    alt_text: str
    message: str | None = None


class CountryForecast(ForecastMeta):
    risk: float | None
    rank: int | None
    previous_risk: float | None
    change: float | None
    top30: bool
    countries_ranked: int


class HistoryPoint(BaseModel):
    year: int
    risk: float
    rank: int | None
    source: str | None


class Driver(BaseModel):
    feature: str
    label: str
    value: float | int | None = None
    previous: float | int | None = None
    contribution: float
    risk_factor: str | list[str] | None = None
    indicator: str | None = None


class RiskFactorSum(BaseModel):
    risk_factor: str
    contribution: float


class Drivers(BaseModel, extra="allow"):
    """base + sum(current contributions) = logit; risk = 1 / (1 + exp(-logit))."""
    current: list[Driver]
    change: list[Driver]
    change_summary: dict = {}
    by_risk_factor: list[RiskFactorSum] = []
    change_by_risk_factor: list[RiskFactorSum] = []


class PredictorValue(BaseModel):
    predictor: str
    label: str
    value: float | int | None
    previous: float | int | None
    origin: str | None
    source: str
    files: list[str]


class Predictors(BaseModel):
    year: int | None
    rows: list[PredictorValue]
    sources: dict[str, list[dict]] = {}


class Episode(BaseModel):
    code: str
    name: str
    summary: str
    start_year: int
    end_year: int | None
    ongoing: bool
    perpetrator_type: str


class CountrySection(BaseModel):
    key: str
    title: str
    status: str  # ready | unavailable
    note: str
    data: dict | list | None


class CountryPage(BaseModel):
    country: dict
    forecast: CountryForecast | None
    history: list[HistoryPoint]
    onsets: list[int]
    drivers: Drivers | None
    predictors: Predictors
    episodes: list[Episode]
    violence: list[dict]
    displacement: list[dict]
    sources: dict[str, list[dict]]
    sections: list[CountrySection]


class ModelPage(BaseModel):
    forecast: dict | None
    protocol: dict
    backtest_available: bool
    backtest: dict | None = None
    decade_auc: list[dict] = []
    ewp_comparison: dict | None = None
    metric_labels: dict[str, str]
    metrics: list[dict]
    catch_curves: dict[str, list[dict]]
    catch_by_year: list[dict]
    calibration: dict[str, list[dict]]
    sources: list[dict]
    goldsmith_top5: dict | None = None  # the metric's label, explanation, citation, cut-offs
