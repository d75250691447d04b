"""The shape of forewarn/catalog/predictor_risk_factors.yaml (predictor → its Framework risk
factor), validated through forewarn.catalog.validation by forecast/explain.py."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, RootModel, model_validator

from forewarn.catalog.validation import Shape, Text

FactorId = Annotated[str, Field(strict=True, pattern=r"^RF([1-9]|1[0-4])$")]
IndicatorId = Annotated[str, Field(strict=True, pattern=r"^RF([1-9]|1[0-4])\.\d{1,2}$")]


class PredictorIn(Shape):
    label: Text
    file: Text
    origin: Text | None = None
    risk_factor: FactorId
    indicator: IndicatorId | None = None
    also: list[FactorId] = []
    note: Text | None = None

    @model_validator(mode="after")
    def _indicator_of_its_factor(self):
        if self.indicator and self.indicator.split(".")[0] != self.risk_factor:
            raise ValueError(f"indicator: {self.indicator} is not an indicator of "
                             f"{self.risk_factor}")
        return self


class PredictorRiskFactorsIn(RootModel[dict[str, PredictorIn]]):
    pass
