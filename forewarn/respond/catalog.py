"""Load and validate the response catalogues in forewarn/catalog/ (toolbox, organisations,
planner rules, treaty parties, court orders).

Every fault raises CatalogError naming the file, the entry and the field, so a bad edit to a
YAML file is found at load time, not when a page renders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pycountry
import yaml

from forewarn.catalog.validation import fail, validate
from forewarn.data import countries
from forewarn.data.errors import CatalogError
from forewarn.respond.catalog_shapes import (
    CHAPTERS,
    COMPLIANCE,
    CONSENT,
    PHASES,
    REQUIREMENT,
    STATE_ROLES,
    VOTES,
    CourtOrdersIn,
    OrganisationsIn,
    ToolboxIn,
    TreatyPartiesIn,
    known_code,
)

__all__ = ["CHAPTERS", "COMPLIANCE", "CONSENT", "PHASES", "REQUIREMENT", "STATE_ROLES", "VOTES",
           "CatalogError", "known_code"]

def catalog_path(name: str) -> Path:
    return Path(str(resources.files("forewarn.catalog").joinpath(name)))


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(Path(path).name, "file not found") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(Path(path).name, f"not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise CatalogError(Path(path).name, "top level must be a mapping")
    return data


def country_name(code: str) -> str:
    c = countries.get(code)
    if c is not None:
        return c.name
    p = pycountry.countries.get(alpha_3=code)
    return getattr(p, "common_name", None) or (p.name if p else code)


# ------------------------------------------------------------------------------ toolbox
@dataclass(frozen=True)
class AuthPath:
    body: str
    who: str
    act: str
    veto: bool
    rule: str = ""
    requires: tuple[str, ...] = ()
    vote: str = "none"


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    basis: tuple[str, ...]
    chapter: str
    pillar: int
    coercion: int
    tags: tuple[str, ...]
    phases: tuple[str, ...]
    lead_actors: tuple[str, ...]
    consent: str
    paths: tuple[AuthPath, ...]
    time_to_effect: str
    days: tuple[int, int]
    risks: tuple[str, ...]
    safeguards: tuple[str, ...]
    cite: tuple[str, ...]
    chapter_basis: str = ""

    def as_dict(self, references: dict[str, str] | None = None) -> dict:
        out = {
            "id": self.id, "name": self.name, "basis": list(self.basis), "chapter": self.chapter,
            "chapter_basis": self.chapter_basis,
            "pillar": self.pillar, "coercion": self.coercion, "lead_actors": list(self.lead_actors),
            "authorisation": {"consent": self.consent, "paths": [
                {"body": p.body, "who": p.who, "act": p.act, "rule": p.rule, "veto": p.veto,
                 "vote": p.vote, "requires": list(p.requires)} for p in self.paths]},
            "time_to_effect": {"text": self.time_to_effect, "days": list(self.days)},
            "risks": list(self.risks), "safeguards": list(self.safeguards),
            "tags": list(self.tags), "phases": list(self.phases), "cite": list(self.cite),
        }
        if references is not None:
            out["citations"] = [references[c] for c in self.cite]
        return out


@dataclass(frozen=True)
class Toolbox:
    tools: tuple[Tool, ...]
    references: dict[str, str]
    coercion_scale: dict[int, str]
    pillars: dict[int, str]
    as_of: str
    by_id: dict[str, Tool] = field(default_factory=dict)
    chapters: dict[str, dict] = field(default_factory=dict)

    def get(self, tool_id: str) -> Tool | None:
        return self.by_id.get(tool_id)


NOT_CHARTER = "not a Charter-chapter measure"
CHARTER_ART = re.compile(r"UN Charter Arts?\.? (\d+)")
TOOLBOX_LABELS = {"tools": "tool", "paths": "authorisation path"}


def _chapter_basis_problem(chapter: str, text: str, chapters: dict) -> str | None:
    """Why a tool's chapter_basis does not rest on its chapter tag's Charter articles."""
    if chapter == "none":
        return None if text.startswith(NOT_CHARTER) else \
            f"a tool with chapter none says '{NOT_CHARTER}: ...'"
    found = CHARTER_ART.search(text)
    lo, hi = chapters[chapter].articles
    if found is None or not lo <= int(found.group(1)) <= hi:
        return (f"must cite a UN Charter article of Chapter {chapter} (Arts {lo}-{hi}) first "
                f"(got {text!r})")
    return None


def parse_toolbox(data: dict, file: str = "toolbox.yaml") -> Toolbox:
    shape = validate(ToolboxIn, data, file, labels=TOOLBOX_LABELS)
    seen: set[str] = set()
    for t in shape.tools:   # across entries and sections: ids, citations, chapter articles
        entry = f"tool '{t.id}'"
        if t.id in seen:
            fail(file, entry, "id", "duplicate id")
        seen.add(t.id)
        for ref in t.cite:
            if ref not in shape.references:
                fail(file, entry, "cite", f"'{ref}' is not in references")
        problem = _chapter_basis_problem(t.chapter, t.chapter_basis, shape.charter_chapters)
        if problem:
            fail(file, entry, "chapter_basis", problem)
    tools = tuple(Tool(
        id=t.id, name=t.name, basis=tuple(t.basis), chapter=t.chapter,
        chapter_basis=t.chapter_basis, pillar=t.pillar, coercion=t.coercion,
        tags=tuple(t.tags), phases=tuple(t.phases), lead_actors=tuple(t.lead_actors),
        consent=t.authorisation.consent,
        paths=tuple(AuthPath(body=p.body, who=p.who, act=p.act, veto=p.veto, rule=p.rule or "",
                             requires=tuple(p.requires), vote=p.voting)
                    for p in t.authorisation.paths),
        time_to_effect=t.time_to_effect.text, days=t.time_to_effect.days,
        risks=tuple(t.risks), safeguards=tuple(t.safeguards), cite=tuple(t.cite))
        for t in shape.tools)
    return Toolbox(tools=tools, references=dict(shape.references),
                   coercion_scale=dict(shape.coercion_scale), pillars=dict(shape.pillars),
                   as_of=shape.as_of, by_id={t.id: t for t in tools},
                   chapters=dict(data["charter_chapters"]))


@lru_cache
def load_toolbox(path: Path | None = None) -> Toolbox:
    path = path or catalog_path("toolbox.yaml")
    return parse_toolbox(read_yaml(path), Path(path).name)


# ------------------------------------------------------------------------ organisations
@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str
    members: tuple[str, ...]
    suspended: dict[str, str]
    withdrawn: dict[str, str]
    source: str
    as_of: str
    note: str
    instruments: tuple[dict, ...]
    tools: tuple[str, ...]
    tool_basis: dict[str, str] = field(default_factory=dict)  # tool id -> its instrument

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "members": list(self.members),
                "suspended": self.suspended, "withdrawn": self.withdrawn, "source": self.source,
                "as_of": self.as_of, "note": self.note, "instruments": list(self.instruments),
                "tools": list(self.tools)}


@dataclass(frozen=True)
class Partners:
    organisations: tuple[Organisation, ...]
    permanent_members: dict[str, tuple[str, ...]]   # ISO3 -> veto-file columns
    topic_countries: dict[str, tuple[str, ...]]     # veto-file crisis topic -> ISO3 codes
    council_source: str

    def memberships(self, iso3: str) -> list[Organisation]:
        return [o for o in self.organisations if iso3 in o.members]


def parse_organisations(data: dict, tool_ids: set[str], file: str = "organisations.yaml"
                        ) -> Partners:
    shape = validate(OrganisationsIn, data, file, labels={"organisations": "organisation"})
    seen: set[str] = set()
    for o in shape.organisations:
        if o.id in seen:
            fail(file, f"organisation '{o.id}'", "id", "duplicate id")
        seen.add(o.id)
        for t in o.tools:
            if t not in tool_ids:
                fail(file, f"organisation '{o.id}'", "tools", f"'{t}' is not a toolbox tool")
    orgs = tuple(Organisation(
        id=o.id, name=o.name, kind=o.kind, members=tuple(o.members),
        suspended={k: str(v) for k, v in o.suspended.items()},
        withdrawn={k: str(v) for k, v in o.withdrawn.items()}, source=o.source, as_of=o.as_of,
        note=o.note or "", instruments=tuple(i.model_dump() for i in o.instruments),
        tools=tuple(o.tools), tool_basis=dict(o.tool_basis)) for o in shape.organisations)
    sc = shape.security_council
    return Partners(organisations=orgs,
                    permanent_members={k: tuple(v) for k, v in sc.permanent_members.items()},
                    topic_countries={k: tuple(v) for k, v in sc.topic_countries.items()},
                    council_source=sc.source)


@lru_cache
def load_partners(path: Path | None = None) -> Partners:
    path = path or catalog_path("organisations.yaml")
    ids = set(load_toolbox().by_id)
    return parse_organisations(read_yaml(path), ids, Path(path).name)


# ---------------------------------------------------------- treaty parties, court orders
def parse_treaty_parties(data: dict, file: str = "treaty_parties.yaml") -> dict[str, dict]:
    shape = validate(TreatyPartiesIn, data, file, labels={"treaties": "treaty"})
    out = {}
    for t, raw in zip(shape.treaties, data["treaties"], strict=True):
        if t.id in out:
            fail(file, f"treaty '{t.id}'", "id", "duplicate id")
        out[t.id] = raw
    for required in ("genocide", "rome_statute", "geneva_conventions"):
        if required not in out:
            fail(file, "top level", "treaties", f"the '{required}' list is missing")
    out["_code_fixes"] = {str(k): str(v) for k, v in shape.hr_status_code_fixes.items()}
    return out


@lru_cache
def load_treaty_parties(path: Path | None = None) -> dict[str, dict]:
    path = path or catalog_path("treaty_parties.yaml")
    return parse_treaty_parties(read_yaml(path), Path(path).name)


def parse_court_orders(data: dict, file: str = "court_orders.yaml") -> list[dict]:
    shape = validate(CourtOrdersIn, data, file, labels={"orders": "order"})
    seen: set[str] = set()
    for o in shape.orders:
        if o.id in seen:
            fail(file, f"order '{o.id}'", "id", "duplicate id")
        seen.add(o.id)
    return data["orders"]


@lru_cache
def load_court_orders(path: Path | None = None) -> tuple[dict, ...]:
    path = path or catalog_path("court_orders.yaml")
    return tuple(parse_court_orders(read_yaml(path), Path(path).name))
