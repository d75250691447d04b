"""What an assessment says: indicator ratings with trend, confidence, rationale and evidence.

Pure data (pydantic), validated against the catalogue, with the completeness check a draft must
pass before review and the difference between two versions.

An evidence entry is one of three kinds, each with an optional title: a record of the evidence
register (`ref` = {kind, id}, kind `source` or `incident` of `forewarn.evidence`), a web page
(`url`), or a free citation (`citation`, e.g. "S/2024/826, para. 12"). A resolver the register
installs with `register_evidence_resolver` turns refs into titles and links for display, and
hides those the reader may not see; the stored entry is never changed by that.
"""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_serializer,
    model_validator,
)

from forewarn.assess import evidence_link
from forewarn.assess.catalog import Framework

RATING_LEVELS = {"absent": 0, "present": 1, "serious": 2}
RATINGS = ("absent", "present", "serious", "not_assessed")
TRENDS = ("worsening", "stable", "improving")
CONFIDENCES = ("low", "medium", "high")
RatingValue = Literal["absent", "present", "serious", "not_assessed"]


class EvidenceRef(BaseModel):
    """A record of the evidence register (e.g. kind 'source' or 'incident')."""

    model_config = ConfigDict(extra="forbid")
    kind: str = Field(min_length=1, max_length=40)
    id: str = Field(min_length=1, max_length=80)


class EvidenceLink(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(default="", max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    ref: EvidenceRef | None = None
    citation: str | None = Field(default=None, max_length=1000)

    @field_validator("url")
    @classmethod
    def _http_only(cls, url):
        if url is not None and not url.startswith(("https://", "http://")):
            raise ValueError("evidence URLs must start with http:// or https://")
        return url

    @model_validator(mode="after")
    def _something(self):
        if not self.url and self.ref is None and not (self.citation or "").strip():
            raise ValueError("an evidence entry needs a register record, a URL or a citation")
        return self

    @model_serializer(mode="wrap")
    def _without_empty_citation(self, handler):
        # Entries stored before citations existed keep their exact shape, so re-saving
        # unchanged content stores no new version.
        out = handler(self)
        if out.get("citation") is None:
            out.pop("citation", None)
        return out


class Rating(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator: str
    rating: RatingValue = "not_assessed"
    trend: Literal["worsening", "stable", "improving"] | None = None
    confidence: Literal["low", "medium", "high"] | None = None
    rationale: str = Field(default="", max_length=4000)
    evidence: list[EvidenceLink] = Field(default_factory=list, max_length=50)

    @property
    def level(self) -> int | None:
        return RATING_LEVELS.get(self.rating)


class Content(BaseModel):
    """The rated body of an assessment (one version's snapshot, without workflow metadata)."""

    model_config = ConfigDict(extra="forbid")
    summary: str = Field(default="", max_length=20000)
    ratings: list[Rating] = Field(default_factory=list)

    def by_indicator(self) -> dict[str, Rating]:
        return {r.indicator: r for r in self.ratings}


class ContentError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def normalise(content: Content, framework: Framework) -> Content:
    """Check every id against the catalogue, refuse duplicates, drop bare 'not assessed' rows
    and sort by catalogue order, so equal content always serialises identically."""
    problems, seen = [], set()
    for r in content.ratings:
        if not framework.has(r.indicator) or "." not in r.indicator:
            problems.append(f"unknown indicator {r.indicator!r}")
        elif r.indicator in seen:
            problems.append(f"{r.indicator} rated twice")
        seen.add(r.indicator)
    if problems:
        raise ContentError(problems)
    order = framework.order()
    kept = [r for r in content.ratings
            if r.rating != "not_assessed" or r.rationale or r.evidence or r.trend]
    kept.sort(key=lambda r: order[r.indicator])
    return Content(summary=content.summary.strip(), ratings=kept)


def completeness_problems(content: Content) -> list[str]:
    """What stops a draft from going to review: at least one rated indicator, and every
    rated indicator has a confidence; present/serious ones also a rationale and evidence."""
    rated = [r for r in content.ratings if r.rating != "not_assessed"]
    problems = [] if rated else ["rate at least one indicator"]
    for r in rated:
        if r.confidence is None:
            problems.append(f"{r.indicator}: give a confidence")
        if r.rating in ("present", "serious"):
            if not r.rationale.strip():
                problems.append(f"{r.indicator}: give a rationale")
            if not r.evidence:
                problems.append(f"{r.indicator}: link at least one piece of evidence")
    return problems


def diff(a: dict, b: dict) -> dict:
    """Differences between two version snapshots (dicts with summary, status, ratings)."""
    out: dict = {"fields": {}, "ratings": []}
    for key in ("status", "summary", "as_of", "sensitivity"):
        if a.get(key) != b.get(key):
            out["fields"][key] = {"from": a.get(key), "to": b.get(key)}
    ra = {r["indicator"]: r for r in a.get("ratings", [])}
    rb = {r["indicator"]: r for r in b.get("ratings", [])}
    for iid in list(ra) + [i for i in rb if i not in ra]:
        if iid not in rb:
            out["ratings"].append({"indicator": iid, "change": "removed", "from": ra[iid]})
        elif iid not in ra:
            out["ratings"].append({"indicator": iid, "change": "added", "to": rb[iid]})
        else:
            fields = {k: {"from": ra[iid].get(k), "to": rb[iid].get(k)}
                      for k in ("rating", "trend", "confidence", "rationale", "evidence")
                      if ra[iid].get(k) != rb[iid].get(k)}
            if fields:
                out["ratings"].append({"indicator": iid, "change": "changed", "fields": fields})
    out["changed"] = bool(out["fields"] or out["ratings"])
    return out


# -- links into the evidence register ------------------------------------------------------
def resolve_evidence(session, links: list[dict], actor) -> list[dict]:
    """Links as shown to ACTOR: register refs resolved (or withheld), plain URLs as they are."""
    shown = []
    for link in links:
        ref = link.get("ref")
        if not ref:
            shown.append(link)
            continue
        resolved = evidence_link.resolve(session, EvidenceRef(**ref))
        if resolved is None:
            continue  # the register says this reader may not see it
        shown.append({**link, **resolved})
    return shown
