"""Input and output schemas of the response record's JSON API (documented in /openapi.json).

Inputs check shape (types, lengths, formats); the rules that need the catalogues or the
database (a toolbox tool, a permanent member, a known country, no future date) are checked by
forewarn.respond.store, so the command line and the web app refuse the same things.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator

from forewarn.respond.outcomes import Outcome


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        # PostgreSQL cannot store NUL in text; refuse it here, not with a server error.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


ISO3 = Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$",
             description="ISO 3166-1 alpha-3 code of a country in the registry, e.g. `MMR`.",
             examples=["MMR"])


class MeasureIn(_In):
    """A measure actually applied to a situation."""

    iso3: str = ISO3
    tool_id: str = Field(min_length=1, max_length=60, examples=["un_targeted_sanctions"],
                         description="A toolbox tool id (the list: `GET /toolbox.json`).")
    date: dt.date = Field(description="When it was applied (YYYY-MM-DD); not in the future.")
    actor: str = Field(min_length=1, max_length=200, examples=["UN Security Council"],
                       description="Who applied it.")
    decision_ref: str = Field("", max_length=200, examples=["S/RES/1970 (2011)"],
                              description="The decision, e.g. a resolution symbol.")
    decision_url: str = Field("", max_length=500, description="Link to the decision "
                              "(http:// or https://).")
    situation: str | None = Field(None, max_length=200, description="Situation name "
                                  "(default: the country's name).")
    note: str = Field("", max_length=5000)


class VetoIn(_In):
    """A Security Council draft resolution vetoed by one or more permanent members."""

    iso3: str = ISO3
    date: dt.date = Field(description="Date of the vote (YYYY-MM-DD); not in the future.")
    members: list[str] = Field(min_length=1, max_length=5, examples=[["RUS"]],
                               description="ISO3 codes of the permanent members that voted "
                               "no: CHN, FRA, GBR, RUS, USA.")
    draft: str = Field("", max_length=120, examples=["S/2022/538"],
                       description="Symbol of the vetoed draft.")
    note: str = Field("", max_length=5000)
    holidays: list[dt.date] = Field([], max_length=30, description="UN Headquarters holidays to "
                                 "skip when counting the 10 working days (A/RES/76/262).")

    @field_validator("members")
    @classmethod
    def _short(cls, value: list[str]) -> list[str]:
        if any(len(m) > 3 for m in value):
            raise ValueError("each member is an ISO3 code")
        return value


# The outcome dataclass itself is the output schema (pydantic reads stdlib dataclasses);
# `status` is one of: de-escalated | escalated | stable | stable-low | unknown.
OutcomeOut = Outcome


class MeasureOut(BaseModel):
    id: int
    iso3: str
    situation: str
    date: dt.date
    actor: str
    tool_id: str
    decision_ref: str
    decision_url: str
    note: str
    created_by: str
    outcomes: list[OutcomeOut] = Field(description="What followed at 6/12/24 months, from the "
                                       "annual panel; empty when not computed yet.")
    outcomes_note: str = Field(description="How the outcomes were computed, or how to compute "
                               "them when the raw data was not available.")


class VetoOut(BaseModel):
    id: int
    iso3: str
    date: dt.date
    members: list[str]
    draft: str
    ga_deadline: dt.date | None = Field(description="Latest date for the General Assembly "
                                     "debate: 10 working days after the veto (A/RES/76/262).")
    ga_debate_date: dt.date | None
    note: str
    imported: bool


# The reference-facts registry (POST /api/respond/facts and the /facts forms).
class FactIn(BaseModel):
    """A correction (`source` corrected) or a finding (recorded), with its official source."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    kind: str = Field(description="One of the registry's kinds, e.g. treaty_party.")
    iso3: str = Field(min_length=3, max_length=3, pattern="^[A-Za-z]{3}$")
    subject: str = Field(min_length=1, max_length=200, examples=["cped"],
                         description="What the fact is about: treaty id, draft symbol ...")
    status: str = Field(min_length=1, max_length=200, examples=["party"])
    citation: str = Field(min_length=1, max_length=2000,
                          description="The official source: document symbol, court order, "
                                      "depositary notification.")
    date: dt.date | None = None
    as_of: dt.date | None = Field(None, description="When the source was read (default today).")
    note: str = Field("", max_length=5000)
    source: str = Field("recorded", pattern="^(recorded|corrected)$")
