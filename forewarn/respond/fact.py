"""One reference fact: what it is about, its status, its official source and how current it is.
Used by forewarn.respond.facts (the registry) and forewarn.respond.facts_shipped (its loaders)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cached_property

# What the registry holds, with the label the pages show.
KINDS = {
    "veto": "Security Council veto",
    "sanctions_regime": "UN sanctions regime",
    "icc_referral": "ICC referral",
    "icc_declaration": "ICC Art. 12(3) declaration",
    "icc_situation": "ICC situation under investigation",
    "treaty_party": "Treaty status",
    "court_order": "Court order and compliance",
    "icj_case": "ICJ case",
    "membership": "Regional membership",
    "veto_restraint": "Veto-restraint commitment",
    "fact_finding": "Fact-finding mission or commission of inquiry",
    "peace_operation": "UN peace operation",
    "council_event": "Council or court event (timeline)",
    "council_member": "Security Council member",
}
SOURCES = ("shipped", "recorded", "corrected")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
AS_OF = re.compile(r"\d{4}-\d{2}(-\d{2})?")


@dataclass(frozen=True)
class Fact:
    kind: str
    subject: str                 # treaty id, draft symbol, organisation id, case number ...
    status: str
    citation: str
    as_of: str                   # YYYY-MM-DD (YYYY-MM where the source says no more)
    source: str                  # shipped | recorded | corrected
    iso3: str = ""
    organisation: str = ""
    date: str | None = None
    summary: str = ""
    members: tuple[str, ...] = ()
    id: int | None = None        # stored facts only
    created_by: str = ""
    superseded_by: int | None = None   # a shipped fact replaced by this correction's id
    flags: tuple[str, ...] = field(default_factory=tuple)

    @cached_property  # read several times per fact whenever the registry is resolved
    def key(self) -> tuple[str, str, str]:
        """Facts with the same key are about the same thing (a correction replaces, a finding
        is compared with, the shipped fact of the same key)."""
        return (self.kind, self.iso3 or self.organisation, self.subject.strip().casefold())

    def as_dict(self) -> dict:
        out = asdict(self)
        # Who stored it is in the audit log; the registry is public, so no usernames here.
        out.pop("created_by")
        out["members"] = list(self.members)
        out["flags"] = list(self.flags)
        out["label"] = KINDS.get(self.kind, self.kind)
        return out
