"""The shapes of the response catalogues (toolbox, organisations, treaty parties, court orders,
reference facts, planner rules) as pydantic models, validated through
forewarn.catalog.validation; respond/catalog.py turns them into the dataclasses callers use.
Checks across entries (unique ids, citations and tools that must exist) stay in the loaders."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import pycountry
from pydantic import AfterValidator, Field, StrictBool, StrictInt, field_validator, model_validator

from forewarn.catalog.validation import Shape, Text, Texts
from forewarn.data import countries

PHASES = ("latent_risk", "escalation", "ongoing_atrocities", "aftermath")
STATE_ROLES = ("willing_unable", "unwilling", "complicit", "perpetrator")
# How a body decides on a path: a Council procedural vote (Art. 27(2)) cannot be vetoed.
VOTES = ("substantive", "procedural", "consensus", "none")
CONSENT = ("required", "preferred", "not_required")
CHAPTERS = ("none", "IV", "VI", "VII", "VIII", "XIV", "XV")
# Conditions an authorisation path may require; the planner knows how to test each.
REQUIREMENT = re.compile(
    r"^(state_consent|regional_membership|icc_jurisdiction|genocide_art_ix|veto_cast|"
    r"icc_warrant|icj_judgment|hrc_member|member:[A-Z]+|treaty:[a-z_0-9]+)$")
COMPLIANCE = ("complied", "partial", "not_complied", "contested", "pending", "executed",
              "outstanding", "lapsed")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

Phase = Literal[PHASES]
StateRole = Literal[STATE_ROLES]


def known_code(code: str) -> bool:
    """An ISO3 code in the registry, or an ISO 3166 entity (PSE, ESH, COK, territories)."""
    return countries.get(code) is not None or pycountry.countries.get(alpha_3=code) is not None


def _iso3(v: str) -> str:
    if not known_code(v):
        raise ValueError(f"unknown country code {v!r}")
    return v


def _requirement(v: str) -> str:
    if not REQUIREMENT.match(v):
        raise ValueError(f"unknown condition '{v}'")
    return v


def _date(v: str) -> str:
    if not DATE_RE.fullmatch(v):
        raise ValueError("must be YYYY-MM-DD")
    return v


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("duplicate country code")
    return values


Iso3 = Annotated[str, Field(strict=True), AfterValidator(_iso3)]
Iso3s = Annotated[list[Iso3], AfterValidator(_unique)]
IsoDate = Annotated[str, Field(strict=True), AfterValidator(_date)]
Requirement = Annotated[str, Field(strict=True), AfterValidator(_requirement)]
Dated = dict[Iso3, Any]          # ISO3 -> the date (suspended, withdrawn, ...)


# ------------------------------------------------------------------------------ toolbox
class AuthPathIn(Shape):
    body: Text
    who: Text
    act: Text
    veto: StrictBool
    rule: Text | None = None
    requires: list[Requirement] = []
    vote: Literal[VOTES] | None = None

    @property
    def voting(self) -> str:
        """The vote, or the one its body and veto imply."""
        return self.vote or ("substantive" if self.veto else
                             "procedural" if self.body == "unsc_procedural" else "none")

    @model_validator(mode="after")
    def _veto_needs_substantive(self):
        if self.veto and self.voting != "substantive":
            raise ValueError("veto: only a substantive Council decision can be vetoed "
                             "(Art. 27(3))")
        return self


class AuthorisationIn(Shape):
    consent: Literal[CONSENT]
    paths: Annotated[list[AuthPathIn], Field(min_length=1)]


class TimeToEffectIn(Shape):
    text: Text
    days: tuple[StrictInt, StrictInt]

    @field_validator("days")
    @classmethod
    def _ordered(cls, v):
        if v[0] > v[1]:
            raise ValueError("must be [min, max] whole days")
        return v


class ToolIn(Shape):
    id: Annotated[Text, Field(pattern=r"^[a-z0-9_]+$")]
    name: Text
    basis: Texts
    chapter: Literal[CHAPTERS]
    chapter_basis: Text
    pillar: Annotated[StrictInt, Field(ge=1, le=3)]
    coercion: Annotated[StrictInt, Field(ge=0, le=5)]
    tags: Texts
    phases: Annotated[list[Phase], Field(min_length=1)]
    lead_actors: Texts
    authorisation: AuthorisationIn
    time_to_effect: TimeToEffectIn
    risks: Texts
    safeguards: Texts
    cite: Texts


class ChapterIn(Shape):
    title: Text
    articles: tuple[StrictInt, StrictInt]


class ToolboxIn(Shape):
    as_of: Text
    coercion_scale: dict[StrictInt, Text]
    pillars: dict[StrictInt, Text]
    phases: list[Phase] = list(PHASES)
    charter_chapters: dict[Literal[CHAPTERS[1:]], ChapterIn]
    references: dict[str, Text]
    tools: Annotated[list[ToolIn], Field(min_length=1)]

    @field_validator("charter_chapters")
    @classmethod
    def _every_chapter(cls, v):
        missing = [ch for ch in CHAPTERS[1:] if ch not in v]
        if missing:
            raise ValueError(f"Chapter {', '.join(missing)} is missing")
        return v


# ------------------------------------------------------------------------ organisations
class InstrumentIn(Shape):
    name: Text
    gist: Text


class OrganisationIn(Shape):
    id: Text
    name: Text
    kind: Text
    source: Text
    as_of: Text
    members: Iso3s
    suspended: Dated = {}
    withdrawn: Dated = {}
    note: Text | None = None
    instruments: list[InstrumentIn] = []
    tools: list[Text]
    tool_basis: dict[str, Text] = {}

    @model_validator(mode="after")
    def _basis_of_own_tools(self):
        stray = [t for t in self.tool_basis if t not in self.tools]
        if stray:
            raise ValueError(f"tool_basis: '{stray[0]}' is not among the organisation's tools")
        return self


class CouncilIn(Shape):
    source: Text
    permanent_members: dict[Iso3, Texts]
    topic_countries: dict[str, Iso3s]


class OrganisationsIn(Shape):
    organisations: Annotated[list[OrganisationIn], Field(min_length=1)]
    security_council: CouncilIn


# ---------------------------------------------------------- treaty parties, court orders
class TreatyIn(Shape):
    id: Text
    name: Text
    source: Text
    as_of: Text
    official_count: StrictInt | None = None
    note: Text | None = None
    parties: Iso3s
    signatories_only: Iso3s = []
    art_ix_reservations: Iso3s = []
    art_ix_source: Text | None = None
    withdrawn: Dated = {}
    pending_withdrawal: Dated = {}
    article_12_3: Dated = {}


class TreatyPartiesIn(Shape):
    treaties: Annotated[list[TreatyIn], Field(min_length=1)]
    hr_status_code_fixes: dict[str, str] = {}


class OrderIn(Shape):
    id: Text
    court: Literal["ICJ", "ICC"]
    kind: Literal["provisional_measures", "arrest_warrant"]
    case: Text
    respondent: Iso3
    applicant: Iso3 | None = None
    person: Text | None = None
    date: IsoDate
    further_orders: list[IsoDate] = []
    summary: Text
    compliance: Literal[COMPLIANCE]
    compliance_note: Text
    source: Text


class CourtOrdersIn(Shape):
    as_of: Text
    orders: list[OrderIn]


# --------------------------------------------------------------------- reference facts
class FactIn(Shape):
    """One curated row of reference_facts.yaml (kinds: forewarn.respond.fact.KINDS)."""

    kind: Text
    iso3: Iso3 | None = None
    organisation: Text | None = None
    subject: Text
    date: IsoDate
    status: Text
    citation: Text
    as_of: IsoDate
    summary: Text | None = None
    members: list[Text] = []
    supporters: Iso3s = []
    supporters_as_of: Text | None = None

    @model_validator(mode="after")
    def _concerns_someone(self):
        if not self.iso3 and not self.organisation:
            raise ValueError("iso3: a fact concerns a country (iso3) or an organisation")
        return self


class CouncilTermIn(Shape):
    start_year: StrictInt
    end_year: StrictInt
    members: Iso3s
    citation: Text
    as_of: Text

    @model_validator(mode="after")
    def _two_years(self):
        if self.end_year != self.start_year + 1:
            raise ValueError("end_year: an elected term is two calendar years "
                             "(start_year, end_year)")
        return self


class ReferenceFactsIn(Shape):
    """reference_facts.yaml; its sections other than `facts` are optional (tests pass rows)."""

    veto_list: Text | None = None
    facts: Annotated[list[FactIn], Field(min_length=1)]
    sanctions_list_types: dict[str, Iso3] = {}
    icj_atrocity_treaties: list[Text] = []
    peace_operation_countries: dict[str, Iso3s] = {}
    council_event_countries: dict[str, Iso3s] = {}
    council_name_aliases: dict[str, Iso3] = {}
    council_terms: list[CouncilTermIn] = []


# ------------------------------------------------------------------------ planner rules
class PhaseSpecIn(Shape):
    label: Text
    max_coercion: StrictInt
    reason: Text


class StateRoleSpecIn(PhaseSpecIn):
    consent_likely: StrictBool
    ceiling_exempt_tags: list[Text] = []


class WhenIn(Shape):
    """A rule's conditions; the planner (respond/planner.py `_holds`) tests each."""

    phase: list[Phase] | None = None
    state_role: list[StateRole] | None = None
    trend: list[Literal["rising", "stable", "falling"]] | None = None
    armed_conflict: StrictBool | None = None
    veto_likely: StrictBool | None = None
    icc_jurisdiction: StrictBool | None = None
    genocide_party: StrictBool | None = None
    has_regional: StrictBool | None = None
    non_state: StrictBool | None = None
    foreign_state: StrictBool | None = None
    risk_min: float | None = None
    foa_min: dict[Annotated[str, Field(pattern=r"^RF\d{1,2}$")], StrictInt] | None = None


class RuleIn(Shape):
    id: Text
    when: WhenIn
    reason: Text
    boost_tags: dict[str, float] = {}
    boost_tools: dict[str, float] = {}
    facts: list[Text] = []

    @field_validator("when", mode="before")
    @classmethod
    def _some_condition(cls, v):
        if isinstance(v, dict) and not v:
            raise ValueError("must be a non-empty mapping of conditions")
        return v


class AfterVetoIn(Shape):
    id: Text
    text: Text


class ExistingIn(Shape):
    once: list[Text] = []
    follow_up: dict[str, Text] = {}


class RwpIn(Shape):
    min_coercion: StrictInt
    safeguards: Texts


class PlannerRulesIn(Shape):
    scoring: dict[str, float]
    phases: dict[Phase, PhaseSpecIn]
    state_roles: dict[StateRole, StateRoleSpecIn]
    rules: list[RuleIn]
    foa_rules: list[RuleIn] = []
    veto: dict[str, Any]
    inference: dict[str, float]
    outcomes: dict[str, Any]
    rwp: RwpIn
    existing: ExistingIn
    foreign_state: dict[str, list[Text]] = {}
    after_veto: list[AfterVetoIn]
    veto_restraint: dict[Iso3, Text]

    @model_validator(mode="after")
    def _every_phase_and_role(self):
        for name, have, want in (("phases", self.phases, PHASES),
                                 ("state_roles", self.state_roles, STATE_ROLES)):
            missing = [k for k in want if k not in have]
            if missing:
                raise ValueError(f"{name}: {', '.join(missing)} missing")
        return self
