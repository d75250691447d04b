"""Input and output schemas of the register's JSON API (documented in /openapi.json)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["public", "internal", "restricted", "confidential"]


class SourceIn(BaseModel):
    """A URL or pasted text. For a URL give the captured copy (`content_base64`, or `text`)
    or set `fetch` to have the server fetch it now (time and HTTP headers are recorded).
    Files are uploaded to /api/evidence/sources/upload."""

    kind: Literal["url", "text"]
    title: str = Field(min_length=1, max_length=300)
    url: str | None = None
    text: str | None = None
    content_base64: str | None = None
    fetch: bool = False
    collector: str | None = None
    captured_at: datetime | None = None
    description: str = ""
    citation: str = ""
    sensitivity: Level = "internal"
    reliability: Literal["A", "B", "C", "D", "E", "F"] | None = None
    credibility: Literal["1", "2", "3", "4", "5", "6"] | None = None
    confidential_notes: str | None = None


class SourceOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    title: str
    kind: str
    copy_kind: str = Field(alias="copy", description="evidentiary or working copy")
    sha256: str
    size: int
    media_type: str
    captured_at: str | None
    collector: str
    sensitivity: str
    duplicate: bool = False


class GradeIn(BaseModel):
    reliability: Literal["A", "B", "C", "D", "E", "F"] | None = None
    credibility: Literal["1", "2", "3", "4", "5", "6"] | None = None


class TransferIn(BaseModel):
    to: str = Field(min_length=1, max_length=120)
    reason: str = ""


class LinkIn(BaseModel):
    source_id: int
    supports: list[str] = ["conduct"]
    locator: str = ""


class VictimGroup(BaseModel):
    name: str
    characteristics: list[str] = []
    civilian: bool | None = True


class Figure(BaseModel):
    """An estimate (low ≤ best ≤ high) or, with at_least, a lower bound given as `low`."""

    low: int | None = None
    best: int | None = None
    high: int | None = None
    at_least: bool = False


class IncidentIn(BaseModel):
    """An incident. Harm types, characteristics, casualty categories and context facts come
    from the controlled vocabulary (GET /api/evidence/vocabulary)."""

    title: str = Field(min_length=1, max_length=300)
    summary: str = ""
    date_start: str = Field(description="YYYY-MM-DD, or YYYY-MM (month known) or YYYY")
    date_end: str | None = None
    date_precision: Literal["exact", "month", "year", "range"] | None = Field(
        None, description="how much of the dates is known (range: at an unknown date between "
                          "start and end); read from the dates' form when omitted")
    place: str = ""
    country: str = Field(description="ISO3 code", min_length=3, max_length=3)
    latitude: float | None = None
    longitude: float | None = None
    harm_types: list[str]
    perpetrators: list[str] = []
    perpetrator_kind: Literal["state", "state_backed", "non_state", "unknown"] | None = Field(
        None, description="who the perpetrators are; read from their names when omitted")
    victim_groups: list[VictimGroup] = []
    casualties: dict[str, Figure] = {}
    context: dict[str, bool | str | None] = {}
    sensitivity: Level = "internal"
    external_ref: str | None = None
    confidential_notes: str | None = None
    sources: list[LinkIn] = []


class IncidentPatch(BaseModel):
    """Fields to correct (PATCH: only these; PUT sends a whole IncidentIn), with the reason
    kept in the incident's history."""

    model_config = ConfigDict(extra="forbid")
    reason: str = ""
    title: str | None = None
    summary: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    date_precision: Literal["exact", "month", "year", "range"] | None = None
    place: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    harm_types: list[str] | None = None
    perpetrators: list[str] | None = None
    perpetrator_kind: Literal["state", "state_backed", "non_state", "unknown"] | None = None
    victim_groups: list[VictimGroup] | None = None
    casualties: dict[str, Figure] | None = None
    context: dict[str, bool | str | None] | None = None
    sensitivity: Level | None = None
    external_ref: str | None = None


class IncidentOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    title: str
    date_start: str
    date_end: str
    country: str | None
    harm_types: list[str]
    sensitivity: str


class FindingIn(BaseModel):
    text: str = Field(min_length=1)
    citations: list[LinkIn] = Field(min_length=1)
    section: Literal["fact", "obligation"] = "fact"
    sensitivity: Level | None = None


class DecisionIn(BaseModel):
    decision: Literal["accepted", "rejected"]
    reason: str = Field("", description="required: why the characterisation is accepted or "
                                        "rejected")


class Perpetrator(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["state", "state_backed", "non_state", "unknown"] = "unknown"


class SituationIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=3, max_length=3)
    period_start: date
    period_end: date | None = None
    summary: str = ""
    standard_of_proof: Literal["reasonable_grounds", "balance_of_probabilities",
                               "clear_and_convincing", "beyond_reasonable_doubt"] = \
        "reasonable_grounds"
    sensitivity: Level = "internal"
    incident_ids: list[int] = []
    other_countries: list[str] = []
    protected_groups: list[str] = []
    perpetrators: list[Perpetrator] = []


class SituationPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = ""
    title: str | None = None
    country: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    summary: str | None = None
    standard_of_proof: Literal["reasonable_grounds", "balance_of_probabilities",
                               "clear_and_convincing", "beyond_reasonable_doubt"] | None = None
    sensitivity: Level | None = None
    incident_ids: list[int] | None = None
    other_countries: list[str] | None = None
    protected_groups: list[str] | None = None
    perpetrators: list[Perpetrator] | None = None


class StatusIn(BaseModel):
    reason: str = Field(min_length=1)


class OverrideIn(BaseModel):
    key: Literal["state_role", "phase", "armed_conflict", "conflict_type"]
    value: str | None = Field(None, description="None withdraws the override")
    reason: str = Field(min_length=1)
