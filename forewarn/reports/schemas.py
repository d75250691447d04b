"""What a report is made of, as received from the form, the API or a CSV row (one model)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from forewarn.reports.dates import infer_precision

_SLACK = timedelta(days=1)  # reporters' clocks and time zones vary


class ReportIn(BaseModel):
    """A report of something that happened. `what` and a place (a name, or a point picked on a
    map as latitude/longitude in WGS84 degrees) are required; everything else is optional.
    `reporter_name` and `contact` are encrypted and shown only to reviewers, and to them only
    when `contact_consent` is true (otherwise only to administrators)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    what: str = Field(min_length=10, max_length=10000,
                      description="What happened, in the reporter's words.")
    occurred_at: datetime | None = Field(
        None, description="When it happened: YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC if no zone).")
    occurred_note: str = Field("", max_length=200,
                               description="When, in words, if the exact date is unknown.")
    occurred_time: str = Field("", pattern=r"^(\d{2}:\d{2})?$",
                               description="HH:MM, with occurred_at given as a day.")
    occurred_month: str = Field("", pattern=r"^(\d{4}-\d{2})?$",
                                description="YYYY-MM when only the month is known.")
    occurred_end: datetime | None = Field(
        None, description="The last day of a range (with occurred_at as its first day).")
    occurred_precision: Literal["", "exact", "day", "month", "range", "approximate"] = Field(
        "", description="How precise the date is; inferred when empty (a time → exact, a "
        "date → day, occurred_month → month, occurred_end → range, only words → approximate).")
    categories: list[str] = Field(default_factory=list, max_length=20,
                                  description="Category ids of this deployment "
                                  "(GET /report.json lists them).")
    answers: dict[str, str] = Field(default_factory=dict,
                                    description="Answers to the deployment's custom questions, "
                                    "by question id.")
    place: str = Field("", max_length=200, description="Village, town, district or landmark.")
    country: str = Field("", max_length=3, description="ISO 3166-1 alpha-3 code.")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    affected: str = Field("", max_length=2000, description="Who was affected.")
    affected_count: int | None = Field(None, ge=0, le=10_000_000,
                                       description="How many people were affected.")
    reporter_name: str = Field("", max_length=200, description="Optional; confidential.")
    contact: str = Field("", max_length=300,
                         description="Optional phone, e-mail or other way to reach the reporter; "
                         "confidential.")
    contact_consent: bool = Field(False, description="Reviewers may see the contact details.")
    language: str = Field("en", max_length=8)

    @model_validator(mode="before")
    @classmethod
    def _precision(cls, data):
        """Infer the precision from what was filled in (a time of day means exact)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        month = str(data.get("occurred_month") or "").strip()
        when = data.get("occurred_at")
        at_time = str(data.get("occurred_time") or "").strip()
        if at_time and isinstance(when, str) and len(when.strip()) == 10:
            data["occurred_at"] = f"{when.strip()}T{at_time}"  # a day and a time: exact
        if month and not when:
            data["occurred_at"] = f"{month}-01"
            data["occurred_precision"] = data.get("occurred_precision") or "month"
        if not data.get("occurred_precision"):
            raw = data.get("occurred_at")
            had_time = isinstance(raw, datetime) or (isinstance(raw, str) and
                                                     len(raw.strip()) > 10)
            data["occurred_precision"] = infer_precision(
                raw or None, data.get("occurred_end") or None,
                str(data.get("occurred_note") or ""), had_time)
        return data

    @field_validator("occurred_at", "occurred_end", mode="before")
    @classmethod
    def _when(cls, value):
        if value in (None, ""):
            return None
        if isinstance(value, str) and len(value.strip()) == 10:
            return datetime.combine(date.fromisoformat(value.strip()), time(12), UTC)
        return value

    @field_validator("occurred_at", "occurred_end")
    @classmethod
    def _utc(cls, value: datetime | None):
        if value is None:
            return None
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        if value > datetime.now(UTC).replace(microsecond=0) + _SLACK:
            raise ValueError("the date is in the future")
        return value

    @field_validator("occurred_end")
    @classmethod
    def _after_start(cls, value: datetime | None, info):
        if value is None:
            return None
        start = info.data.get("occurred_at")
        if start is None:
            raise ValueError("a range needs its first day (occurred_at) too")
        if value < start.replace(hour=0, minute=0):
            raise ValueError("the range ends before it starts")
        return value

    @field_validator("latitude", "longitude", "affected_count", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("country")
    @classmethod
    def _iso3(cls, value: str) -> str:
        return value.upper()

    @model_validator(mode="after")
    def _where(self):

        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if not self.place and self.latitude is None:
            raise ValueError("say where it happened: a place name or a point on the map")
        return self


class FileReceipt(BaseModel):
    sha256: str = Field(description="SHA-256 of the file as the server received it.")
    size: int
    kind: str


class ReportAccepted(BaseModel):
    reference: str = Field(description="Quote this reference to follow up on the report.")
    status: str
    attachments: int
    files: list[FileReceipt] = Field(default_factory=list,
                                     description="One receipt per attachment, in order.")
    message: str
