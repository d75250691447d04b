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
from typing import Any

import pycountry
import yaml

from forewarn.data import countries
from forewarn.data.errors import CatalogError

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


class _Check:
    """Field checks for one entry of one file."""

    def __init__(self, file: str, entry: str, data: Any):
        self.file, self.entry = file, entry
        if not isinstance(data, dict):
            self.fail(None, "must be a mapping")
        self.data = data

    def fail(self, fld: str | None, message: str):
        raise CatalogError(self.file, message, entry=self.entry, field=fld)

    def text(self, fld: str, optional: bool = False) -> str:
        v = self.data.get(fld)
        if v is None and optional:
            return ""
        if not isinstance(v, str) or not v.strip():
            self.fail(fld, "missing or empty text")
        return v

    def texts(self, fld: str, allow_empty: bool = False) -> list[str]:
        v = self.data.get(fld)
        if not isinstance(v, list) or (not v and not allow_empty):
            self.fail(fld, "must be a non-empty list" if not allow_empty else "must be a list")
        for i, item in enumerate(v):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{fld}[{i}]", "must be non-empty text")
        return v

    def integer(self, fld: str, lo: int, hi: int) -> int:
        v = self.data.get(fld)
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            self.fail(fld, f"must be a whole number from {lo} to {hi} (got {v!r})")
        return v

    def choice(self, fld: str, options) -> str:
        v = self.data.get(fld)
        if v not in options:
            self.fail(fld, f"must be one of {', '.join(map(str, options))} (got {v!r})")
        return v

    def mapping(self, fld: str, optional: bool = False) -> dict:
        v = self.data.get(fld)
        if v is None and optional:
            return {}
        if not isinstance(v, dict):
            self.fail(fld, "must be a mapping")
        return v


def known_code(code: str) -> bool:
    """An ISO3 code in the registry, or an ISO 3166 entity (PSE, ESH, COK, territories)."""
    return countries.get(code) is not None or pycountry.countries.get(alpha_3=code) is not None


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


def _auth_path(check: _Check, i: int, raw: Any) -> AuthPath:
    c = _Check(check.file, f"{check.entry}, authorisation path {i + 1}", raw)
    veto = raw.get("veto")
    if not isinstance(veto, bool):
        c.fail("veto", "must be true or false (can a permanent member block this path?)")
    requires = c.texts("requires", allow_empty=True) if "requires" in raw else []
    for r in requires:
        if not REQUIREMENT.match(r):
            c.fail("requires", f"unknown condition '{r}'")
    body = c.text("body")
    vote = raw.get("vote") or ("substantive" if veto else
                               "procedural" if body == "unsc_procedural" else "none")
    if vote not in VOTES:
        c.fail("vote", f"must be one of {', '.join(VOTES)} (got {vote!r})")
    if veto and vote != "substantive":
        c.fail("veto", "only a substantive Council decision can be vetoed (Art. 27(3))")
    return AuthPath(body=body, who=c.text("who"), act=c.text("act"), veto=veto,
                    rule=c.text("rule", optional=True), requires=tuple(requires), vote=vote)


NOT_CHARTER = "not a Charter-chapter measure"
CHARTER_ART = re.compile(r"UN Charter Arts?\.? (\d+)")


def _chapter_basis(c: _Check, chapter: str, chapters: dict) -> str:
    """The Charter article a tool's chapter tag rests on, checked against the chapter."""
    text = c.text("chapter_basis")
    if chapter == "none":
        if not text.startswith(NOT_CHARTER):
            c.fail("chapter_basis", f"a tool with chapter none says '{NOT_CHARTER}: ...'")
        return text
    found = CHARTER_ART.search(text)
    lo, hi = chapters[chapter]["articles"]
    if found is None or not lo <= int(found.group(1)) <= hi:
        c.fail("chapter_basis", f"must cite a UN Charter article of Chapter {chapter} "
                                f"(Arts {lo}-{hi}) first (got {text!r})")
    return text


def parse_toolbox(data: dict, file: str = "toolbox.yaml") -> Toolbox:
    top = _Check(file, "top level", data)
    refs = top.mapping("references")
    chapters = top.mapping("charter_chapters")
    for ch in CHAPTERS:
        if ch != "none" and ch not in chapters:
            top.fail("charter_chapters", f"Chapter {ch} is missing")
    raw_tools = data.get("tools")
    if not isinstance(raw_tools, list) or not raw_tools:
        top.fail("tools", "must be a non-empty list")
    tools, seen = [], set()
    for n, raw in enumerate(raw_tools, start=1):
        label = (f"tool '{raw.get('id')}'" if isinstance(raw, dict) and raw.get("id")
                 else f"tool #{n}")
        c = _Check(file, label, raw)
        tid = c.text("id")
        if not re.fullmatch(r"[a-z0-9_]+", tid):
            c.fail("id", "use lower-case letters, digits and underscores")
        if tid in seen:
            c.fail("id", "duplicate id")
        seen.add(tid)
        auth = _Check(file, label, c.mapping("authorisation"))
        consent = auth.choice("consent", CONSENT)
        raw_paths = auth.data.get("paths")
        if not isinstance(raw_paths, list) or not raw_paths:
            c.fail("authorisation.paths", "at least one authorisation path is required")
        tte = _Check(file, label, c.mapping("time_to_effect"))
        days = tte.data.get("days")
        if (not isinstance(days, list) or len(days) != 2
                or not all(isinstance(d, int) for d in days) or days[0] > days[1]):
            c.fail("time_to_effect.days", "must be [min, max] whole days")
        phases = c.texts("phases")
        for p in phases:
            if p not in PHASES:
                c.fail("phases", f"unknown phase '{p}'")
        cite = c.texts("cite")
        for ref in cite:
            if ref not in refs:
                c.fail("cite", f"'{ref}' is not in references")
        chapter = c.choice("chapter", CHAPTERS)
        tools.append(Tool(
            id=tid, name=c.text("name"), basis=tuple(c.texts("basis")),
            chapter=chapter, chapter_basis=_chapter_basis(c, chapter, chapters),
            pillar=c.integer("pillar", 1, 3),
            coercion=c.integer("coercion", 0, 5), tags=tuple(c.texts("tags")),
            phases=tuple(phases), lead_actors=tuple(c.texts("lead_actors")), consent=consent,
            paths=tuple(_auth_path(c, i, p) for i, p in enumerate(raw_paths)),
            time_to_effect=tte.text("text"), days=(days[0], days[1]),
            risks=tuple(c.texts("risks")), safeguards=tuple(c.texts("safeguards")),
            cite=tuple(cite)))
    scale = {int(k): v for k, v in top.mapping("coercion_scale").items()}
    pillars = {int(k): v for k, v in top.mapping("pillars").items()}
    return Toolbox(tools=tuple(tools), references=dict(refs), coercion_scale=scale,
                   pillars=pillars, as_of=str(data.get("as_of", "")),
                   by_id={t.id: t for t in tools}, chapters=dict(chapters))


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


def _codes(c: _Check, fld: str, values: Any) -> list[str]:
    if not isinstance(values, list):
        c.fail(fld, "must be a list of ISO3 codes")
    for v in values:
        if not isinstance(v, str) or not known_code(v):
            c.fail(fld, f"unknown country code {v!r}")
    if len(set(values)) != len(values):
        c.fail(fld, "duplicate country code")
    return values


def parse_organisations(data: dict, tool_ids: set[str], file: str = "organisations.yaml"
                        ) -> Partners:
    top = _Check(file, "top level", data)
    raw = data.get("organisations")
    if not isinstance(raw, list) or not raw:
        top.fail("organisations", "must be a non-empty list")
    orgs, seen = [], set()
    for n, o in enumerate(raw, start=1):
        c = _Check(file, f"organisation '{o.get('id')}'" if isinstance(o, dict) else f"#{n}", o)
        oid = c.text("id")
        if oid in seen:
            c.fail("id", "duplicate id")
        seen.add(oid)
        members = _codes(c, "members", o.get("members"))
        for fld in ("suspended", "withdrawn"):
            _codes(c, fld, list(c.mapping(fld, optional=True)))
        tools = c.texts("tools", allow_empty=True)
        for t in tools:
            if t not in tool_ids:
                c.fail("tools", f"'{t}' is not a toolbox tool")
        instruments = o.get("instruments", [])
        if not isinstance(instruments, list):
            c.fail("instruments", "must be a list")
        for i, ins in enumerate(instruments):
            ic = _Check(file, f"organisation '{oid}', instrument {i + 1}", ins)
            ic.text("name"), ic.text("gist")
        tool_basis = {str(k): str(v) for k, v in c.mapping("tool_basis", True).items()}
        for t in tool_basis:
            if t not in tools:
                c.fail("tool_basis", f"'{t}' is not among the organisation's tools")
        orgs.append(Organisation(
            id=oid, name=c.text("name"), kind=c.text("kind"), members=tuple(members),
            suspended={k: str(v) for k, v in c.mapping("suspended", True).items()},
            withdrawn={k: str(v) for k, v in c.mapping("withdrawn", True).items()},
            source=c.text("source"), as_of=str(c.text("as_of")), note=c.text("note", True),
            instruments=tuple(instruments), tools=tuple(tools), tool_basis=tool_basis))
    sc = _Check(file, "security_council", top.mapping("security_council"))
    perm = sc.mapping("permanent_members")
    _codes(sc, "permanent_members", list(perm))
    topics = sc.mapping("topic_countries")
    for topic, codes in topics.items():
        _codes(sc, f"topic_countries.{topic}", codes)
    return Partners(organisations=tuple(orgs),
                    permanent_members={k: tuple(v) for k, v in perm.items()},
                    topic_countries={k: tuple(v) for k, v in topics.items()},
                    council_source=sc.text("source"))


@lru_cache
def load_partners(path: Path | None = None) -> Partners:
    path = path or catalog_path("organisations.yaml")
    ids = set(load_toolbox().by_id)
    return parse_organisations(read_yaml(path), ids, Path(path).name)


# ---------------------------------------------------------- treaty parties, court orders
def parse_treaty_parties(data: dict, file: str = "treaty_parties.yaml") -> dict[str, dict]:
    top = _Check(file, "top level", data)
    raw = data.get("treaties")
    if not isinstance(raw, list) or not raw:
        top.fail("treaties", "must be a non-empty list")
    out = {}
    for t in raw:
        c = _Check(file, f"treaty '{t.get('id')}'" if isinstance(t, dict) else "treaty", t)
        tid = c.text("id")
        c.text("name"), c.text("source"), c.text("as_of")
        _codes(c, "parties", t.get("parties"))
        for fld in ("signatories_only", "art_ix_reservations"):
            if fld in t:
                _codes(c, fld, t[fld])
        for fld in ("withdrawn", "pending_withdrawal", "article_12_3"):
            _codes(c, fld, list(c.mapping(fld, optional=True)))
        out[tid] = t
    for required in ("genocide", "rome_statute", "geneva_conventions"):
        if required not in out:
            top.fail("treaties", f"the '{required}' list is missing")
    fixes = top.mapping("hr_status_code_fixes", optional=True)
    out["_code_fixes"] = {str(k): str(v) for k, v in fixes.items()}
    return out


@lru_cache
def load_treaty_parties(path: Path | None = None) -> dict[str, dict]:
    path = path or catalog_path("treaty_parties.yaml")
    return parse_treaty_parties(read_yaml(path), Path(path).name)


def parse_court_orders(data: dict, file: str = "court_orders.yaml") -> list[dict]:
    top = _Check(file, "top level", data)
    raw = data.get("orders")
    if not isinstance(raw, list):
        top.fail("orders", "must be a list")
    seen = set()
    for o in raw:
        c = _Check(file, f"order '{o.get('id')}'" if isinstance(o, dict) else "order", o)
        if c.text("id") in seen:
            c.fail("id", "duplicate id")
        seen.add(o["id"])
        c.choice("court", ("ICJ", "ICC"))
        c.choice("kind", ("provisional_measures", "arrest_warrant"))
        c.choice("compliance", COMPLIANCE)
        for fld in ("case", "summary", "source", "compliance_note"):
            c.text(fld)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(o.get("date", ""))):
            c.fail("date", "must be YYYY-MM-DD")
        _codes(c, "respondent", [o.get("respondent")])
    return raw


@lru_cache
def load_court_orders(path: Path | None = None) -> tuple[dict, ...]:
    path = path or catalog_path("court_orders.yaml")
    return tuple(parse_court_orders(read_yaml(path), Path(path).name))
