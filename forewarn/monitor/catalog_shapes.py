"""Monitor's catalogue files in forewarn/catalog/ (risk-factor cues, CAMEO signals, country
terms): their shapes, and one cached reader each that validates the file through
forewarn.catalog.validation (kept here, free of sklearn, so the classifier can use it)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Annotated

import yaml
from pydantic import BaseModel, Field, RootModel

from forewarn.catalog.validation import Shape, Text, validate

CUES = "monitor_risk_factor_cues.yaml"
CAMEO = "monitor_cameo_signals.yaml"
COUNTRY_TERMS = "monitor_country_terms.yaml"
ALERT_RULES = "monitor_alert_rules.yaml"

FactorId = Annotated[str, Field(strict=True, pattern=r"^RF([1-9]|1[0-4])$")]
IndicatorId = Annotated[str, Field(strict=True, pattern=r"^RF([1-9]|1[0-4])\.\d{1,2}$")]
Iso3 = Annotated[str, Field(strict=True, pattern=r"^[A-Z]{3}$")]


class CuesIn(Shape):
    cues: list[Text] = []
    examples: list[Text] = []
    classifier: list[Text] = []


class RiskFactorCuesIn(Shape):
    indicators: dict[IndicatorId, CuesIn]


class SignalIn(Shape):
    codes: Annotated[list[Annotated[str, Field(strict=True, pattern=r"^\d{2,4}$")]],
                     Field(min_length=1)]
    risk_factors: list[FactorId]
    description: Text


class CameoSignalsIn(Shape):
    signals: dict[str, SignalIn]


class CountryTermsIn(RootModel[dict[Iso3, list[Text]]]):
    pass


class StarterRuleIn(Shape):
    name: Text
    signal: Text
    mode: Annotated[str, Field(strict=True, pattern=r"^(spike|threshold)$")]
    threshold: Annotated[float, Field(gt=0)]
    min_count: Annotated[int, Field(ge=1)]
    indicators: Annotated[list[IndicatorId], Field(min_length=1)]


class StarterRulesIn(Shape):
    rules: Annotated[list[StarterRuleIn], Field(min_length=1)]


def _read(name: str, model: type[BaseModel]) -> dict:
    data = yaml.safe_load(resources.files("forewarn.catalog").joinpath(name).read_text("utf-8"))
    validate(model, data, name)
    return data


@lru_cache(maxsize=1)
def risk_factor_cues() -> dict:
    return _read(CUES, RiskFactorCuesIn)


@lru_cache(maxsize=1)
def cameo_signal_file() -> dict:
    return _read(CAMEO, CameoSignalsIn)


@lru_cache(maxsize=1)
def country_terms() -> dict:
    return _read(COUNTRY_TERMS, CountryTermsIn)


@lru_cache(maxsize=1)
def starter_alert_rules() -> dict:
    return _read(ALERT_RULES, StarterRulesIn)
