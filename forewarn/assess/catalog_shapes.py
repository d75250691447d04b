"""The shapes of the Framework of Analysis catalogue and of an administrator's override file,
as pydantic models validated through forewarn.catalog.validation; assess/catalog.py checks
ids across entries (each indicator under its factor, none twice, all 14 factors) after them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StrictBool, StrictInt, model_validator

from forewarn.catalog.validation import Shape, Text

FACTOR_IDS = tuple(f"RF{n}" for n in range(1, 15))
# The order of ratings.CONFIDENCES: typing caches equal Literals, so another order here would
# reorder the enum in the OpenAPI schema of the ratings API.
CONFIDENCE = ("low", "medium", "high")
IndicatorId = Annotated[str, Field(strict=True, pattern=r"^RF\d{1,2}\.\d{1,2}$")]
LABELS = {"risk_factors": "risk factor", "indicators": "indicator"}


class IndicatorIn(Shape):
    id: IndicatorId
    number: Text | None = None
    text: Text
    confirmed: StrictBool
    confidence: Literal[CONFIDENCE] | None = None
    note: str = ""

    @model_validator(mode="after")
    def _unconfirmed_says_how_sure(self):
        if not self.confirmed and self.confidence is None:
            raise ValueError("confidence: unconfirmed indicators need confidence "
                             "high|medium|low")
        return self


class RiskFactorIn(Shape):
    id: Literal[FACTOR_IDS]
    number: StrictInt | None = None
    title: Text
    summary: str = ""
    scope: str = "common"
    category: str = "common"
    title_confirmed: StrictBool = False
    summary_confirmed: StrictBool = False
    count_note: str = ""
    indicator_count: StrictInt | None = None
    indicators: Annotated[list[IndicatorIn], Field(min_length=1)]

    @model_validator(mode="after")
    def _counted(self):
        if self.indicator_count is not None and self.indicator_count != len(self.indicators):
            raise ValueError(f"indicator_count: is {self.indicator_count}, but "
                             f"{len(self.indicators)} indicators are listed")
        return self


class FrameworkIn(Shape):
    meta: dict[str, Any] = {}
    risk_factors: list[RiskFactorIn]


# An override file may be a copy of the packaged catalogue with new wording, so keys the
# override does not use (number, confidence, note, ...) are ignored rather than refused.
class _OverrideShape(Shape):
    model_config = ConfigDict(extra="ignore", frozen=True)


class OverrideIndicatorIn(_OverrideShape):
    id: IndicatorId
    text: Text
    confirmed: StrictBool | None = None


class OverrideFactorIn(_OverrideShape):
    id: Literal[FACTOR_IDS]
    title: Text | None = None
    summary: Text | None = None
    indicators: list[OverrideIndicatorIn] = []


class OverrideIn(_OverrideShape):
    meta: dict[str, Any] = {}
    risk_factors: list[OverrideFactorIn]


# ------------------------------------------------------------------- profile_rule.yaml
CRIME_VIEW_NAMES = ("all", "genocide", "crimes_against_humanity", "war_crimes")


class CoverageIn(Shape):
    min_factors: Annotated[StrictInt, Field(ge=0, le=len(FACTOR_IDS))]
    required: list[Literal[FACTOR_IDS]]


class ProfileRuleIn(Shape):
    minimum_coverage: dict[Literal[CRIME_VIEW_NAMES], CoverageIn]

    @model_validator(mode="after")
    def _every_view(self):
        missing = [v for v in CRIME_VIEW_NAMES if v not in self.minimum_coverage]
        if missing:
            raise ValueError(f"minimum_coverage: no minimum for {', '.join(missing)}")
        return self
