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
    low: int | None = None
    best: int | None = None
    high: int | None = None


class IncidentIn(BaseModel):
    """An incident. Harm types, characteristics, casualty categories and context facts come
    from the controlled vocabulary (GET /api/evidence/vocabulary)."""

    title: str = Field(min_length=1, max_length=300)
    summary: str = ""
    date_start: date
    date_end: date | None = None
    place: str = ""
    country: str = Field(description="ISO3 code", min_length=3, max_length=3)
    latitude: float | None = None
    longitude: float | None = None
    harm_types: list[str]
    perpetrators: list[str] = []
    victim_groups: list[VictimGroup] = []
    casualties: dict[str, Figure] = {}
    context: dict[str, bool | str | None] = {}
    sensitivity: Level = "internal"
    external_ref: str | None = None
    confidential_notes: str | None = None
    sources: list[LinkIn] = []


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
    reason: str = ""


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
