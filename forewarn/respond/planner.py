"""The response planner: from a situation profile to ranked, explained options across all R2P
pillars at once (the pillars are not sequenced, A/66/874 para 13), each with why it fits,
who must agree and how, what has been tried, its risks and safeguards.

All judgement lives in forewarn/catalog/planner_rules.yaml and toolbox.yaml; this module only
applies them. The profile is a plain dataclass, so the planner works with or without
forecasts and assessments.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from forewarn.catalog.validation import fail, validate
from forewarn.data import countries
from forewarn.respond.catalog import (
    PHASES,
    STATE_ROLES,
    AuthPath,
    Tool,
    Toolbox,
    catalog_path,
    load_partners,
    load_toolbox,
    read_yaml,
)
from forewarn.respond.catalog_shapes import PlannerRulesIn

TRENDS = ("rising", "stable", "falling")
# Path statuses, best first.
STATUS_ORDER = ("available", "conditional", "needs_consent", "blocked_by_veto", "not_applicable")


@dataclass
class SituationProfile:
    """What the planner needs to know; None means unknown (never guessed by the planner)."""

    phase: str
    state_role: str
    iso3: str | None = None
    name: str = ""
    armed_conflict: bool | None = None
    risk: float | None = None
    risk_trend: str | None = None
    foa: dict[str, int] | None = None            # Framework of Analysis: RF id -> 0/1/2
    icc_jurisdiction: bool | None = None
    genocide_party: bool | None = None
    genocide_art_ix: bool | None = None          # party without a reservation to Art. IX
    hr_treaties: dict[str, bool] = field(default_factory=dict)
    memberships: list[str] = field(default_factory=list)
    veto_likely: bool | None = None
    veto_reasons: list[str] = field(default_factory=list)
    veto_cast: bool = False
    icc_warrants: list[str] = field(default_factory=list)
    icc_basis: str = ""                          # why the ICC has jurisdiction (registry)
    icj_cases: list[str] = field(default_factory=list)   # ICJ cases against the state
    council_seat: dict | None = None             # the state's own Council seat this year
    conflict_type: str | None = None             # international | non-international | none
    non_state_perpetrators: list[str] = field(default_factory=list)
    foreign_perpetrators: list[str] = field(default_factory=list)   # other states (ISO3)
    existing: dict[str, list[dict]] = field(default_factory=dict)   # tool id -> tried
    basis: dict[str, list[str]] = field(default_factory=dict)       # value -> facts it rests on
    inferred: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.phase not in PHASES:
            raise ValueError(f"phase must be one of {', '.join(PHASES)} (got {self.phase!r})")
        if self.state_role not in STATE_ROLES:
            raise ValueError(f"state_role must be one of {', '.join(STATE_ROLES)} "
                             f"(got {self.state_role!r})")
        if self.risk_trend is not None and self.risk_trend not in TRENDS:
            raise ValueError(f"risk_trend must be one of {', '.join(TRENDS)}")

    def as_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------------------- rules
def parse_rules(data: dict, toolbox: Toolbox, file: str = "planner_rules.yaml") -> dict:
    shape = validate(PlannerRulesIn, data, file, labels={"rules": "rule", "foa_rules": "rule",
                                                          "after_veto": "after-veto step"})
    tags = {t for tool in toolbox.tools for t in tool.tags}
    for rule in shape.rules + shape.foa_rules:   # tags and tools must exist in the toolbox
        entry = f"rule '{rule.id}'"
        for tag in rule.boost_tags:
            if tag not in tags:
                fail(file, entry, "boost_tags", f"no tool has the tag '{tag}'")
        for tid in rule.boost_tools:
            if tid not in toolbox.by_id:
                fail(file, entry, "boost_tools", f"'{tid}' is not a toolbox tool")
    for tid in [*shape.existing.once, *shape.existing.follow_up]:
        if tid not in toolbox.by_id:
            fail(file, "existing", "once/follow_up", f"'{tid}' is not a toolbox tool")
    return data


@lru_cache
def load_rules(path: Path | None = None) -> dict:
    path = path or catalog_path("planner_rules.yaml")
    return parse_rules(read_yaml(path), load_toolbox(), Path(path).name)


def _holds(when: dict, p: SituationProfile, has_regional: bool) -> bool:
    for cond, want in when.items():
        if cond == "phase" and p.phase not in want:
            return False
        if cond == "state_role" and p.state_role not in want:
            return False
        if cond == "trend" and p.risk_trend not in want:
            return False
        if cond == "risk_min" and (p.risk is None or p.risk < want):
            return False
        if cond == "has_regional" and has_regional != want:
            return False
        if cond == "non_state" and bool(p.non_state_perpetrators) != want:
            return False
        if cond == "foreign_state" and bool(p.foreign_perpetrators) != want:
            return False
        if cond == "foa_min" and (p.foa is None
                                  or any(p.foa.get(k, -1) < v for k, v in want.items())):
            return False
        if cond in ("armed_conflict", "veto_likely", "icc_jurisdiction", "genocide_party") \
                and getattr(p, cond) is not want:
            return False
    return True


# ------------------------------------------------------------------- authorisation paths
def _regional_orgs(tool: Tool, p: SituationProfile) -> list[str]:
    """The profile's organisations that list this tool. A suspended member stays a member:
    the organisation can still act on it (AU Constitutive Act Art. 30 bars the government
    from its activities, not the state from its protection), so every path reads the same
    memberships and the note says which are suspended."""
    partners = load_partners()
    return [o.id for o in partners.organisations
            if o.id in p.memberships and tool.id in o.tools]


def _org_note(org_id: str, tool: Tool, p: SituationProfile) -> str:
    """ORG, with the instrument it would act under for this tool and the state's standing."""
    org = next(o for o in load_partners().organisations if o.id == org_id)
    basis = org.tool_basis.get(tool.id)
    since = org.suspended.get(p.iso3 or "")
    extra = [basis] if basis else []
    if since:
        extra.append(f"membership suspended since {since}")
    return f"{org_id} ({'; '.join(extra)})" if extra else org_id


def assess_path(path: AuthPath, tool: Tool, p: SituationProfile, consent_likely: bool) -> dict:
    """Can this path be used for this situation? Status and a plain-language note."""
    notes, status = [], "available"
    for req in path.requires:
        if req == "state_consent":
            if not consent_likely:
                status, note = "needs_consent", "needs the state's consent, which is unlikely"
                notes.append(note)
        elif req == "regional_membership":
            orgs = _regional_orgs(tool, p)
            if orgs:
                notes.append("through " + ", ".join(_org_note(o, tool, p) for o in orgs))
            else:
                status = "not_applicable"
                notes.append(f"none of the state's organisations ({', '.join(p.memberships)}) "
                             "lists this tool" if p.memberships
                             else "the state belongs to no regional organisation")
        elif req.startswith("member:"):
            org = req.split(":", 1)[1]
            if org not in p.memberships:
                status = "not_applicable"
                notes.append(f"only for members of {org}")
            elif _org_note(org, tool, p) != org:
                notes.append(_org_note(org, tool, p))
        elif req == "icc_jurisdiction":
            if p.icc_jurisdiction is None:
                status = _worse(status, "conditional")
                notes.append("ICC jurisdiction unknown: check Rome Statute status")
            elif not p.icc_jurisdiction:
                status = "not_applicable"
                notes.append("not a Rome Statute party and no Art. 12(3) declaration")
            else:
                notes.append(p.icc_basis or
                             "the ICC has territorial/nationality jurisdiction (Art. 12)")
        elif req == "genocide_art_ix":
            if p.genocide_art_ix is None:
                status = _worse(status, "conditional")
                notes.append("Genocide Convention status unknown")
            elif not p.genocide_art_ix:
                status = "not_applicable"
                notes.append("not a party, or a reservation to Art. IX")
            else:
                notes.append("party to the Genocide Convention without an Art. IX reservation")
            if p.icj_cases:
                notes.append("ICJ case already brought against the state: " +
                             "; ".join(p.icj_cases) +
                             " (other parties may intervene, ICJ Statute Arts 62-63)")
        elif req.startswith("treaty:"):
            treaty = req.split(":", 1)[1]
            party = p.hr_treaties.get(treaty)
            if party is None:
                status = _worse(status, "conditional")
                notes.append(f"{treaty.upper()} status unknown")
            elif not party:
                status = "not_applicable"
                notes.append(f"not a party to {treaty.upper()}")
        elif req == "veto_cast":
            if not p.veto_cast:
                status = _worse(status, "conditional")
                notes.append("triggered automatically once a veto is cast")
        elif req == "icc_warrant":
            if not p.icc_warrants:
                status = "not_applicable"
                notes.append("no outstanding ICC warrant for this situation")
        else:  # icj_judgment, hrc_member: facts Forewarn does not hold
            status = _worse(status, "conditional")
            notes.append(f"check: {req.replace('_', ' ')}")
    if path.veto and status in ("available", "conditional"):
        if p.veto_likely:
            status = "blocked_by_veto"
            notes.append("a permanent member is likely to veto")
        elif p.veto_likely is None:
            notes.append("a permanent-member veto is possible")
    return {"body": path.body, "who": path.who, "act": path.act, "rule": path.rule,
            "veto": path.veto, "vote": path.vote, "agreement": agreement(path),
            "status": status, "note": "; ".join(notes)}


VOTE_TEXT = {
    "substantive": "substantive decision: 9 of 15 votes and no permanent-member veto "
                   "(Charter Art. 27(3))",
    "procedural": "procedural decision: any 9 of 15 votes; a veto does not apply "
                  "(Charter Art. 27(2))",
    "consensus": "agreed by consensus in practice; no vote, so no veto",
}


def agreement(path: AuthPath) -> str:
    """Who must agree, and how, in one line."""
    how = VOTE_TEXT.get(path.vote) if path.body.startswith("unsc") else None
    return f"{path.who}: {path.act}" + (f" — {how}" if how else
                                        f" — {path.rule}" if path.rule else "")


def _with_facts(rule: dict, p: SituationProfile) -> str:
    """The rule's reason, with the situation's facts it rests on (rule `facts`: profile keys)."""
    facts = [(p.basis.get(key) or [p.inferred.get(key)])[0] for key in rule.get("facts", [])]
    facts = [f for f in facts if f]   # the first fact per value keeps a reason short
    return rule["reason"] + (f" Here: {'; '.join(facts)}." if facts else "")


def _worse(a: str, b: str) -> str:
    return max(a, b, key=STATUS_ORDER.index)


def _best(statuses: list[str]) -> str:
    return min(statuses, key=STATUS_ORDER.index)


# --------------------------------------------------------------------------------- plan
def plan(profile: SituationProfile, rules: dict | None = None,
         toolbox: Toolbox | None = None) -> dict:
    """Ranked, explained options across all pillars at once, blocked routes, what is in place."""
    rules = rules or load_rules()
    toolbox = toolbox or load_toolbox()
    sc, phase, role = rules["scoring"], rules["phases"][profile.phase], \
        rules["state_roles"][profile.state_role]
    ceiling = min(phase["max_coercion"], role["max_coercion"])
    consent_likely = role["consent_likely"]
    has_regional = any(_regional_orgs(t, profile) for t in toolbox.tools)
    fired = [r for r in rules["rules"] + rules.get("foa_rules", [])
             if _holds(r["when"], profile, has_regional)]
    context = [phase["reason"], role["reason"]] + [r["reason"] for r in fired]

    options, blocked, left_out, in_place = [], [], [], []
    exempt = set(role.get("ceiling_exempt_tags", []))
    if profile.foreign_perpetrators:  # pressure on another state is not capped by this one's role
        exempt |= set(rules.get("foreign_state", {}).get("ceiling_exempt_tags", []))
    existing = rules["existing"]
    rwp = rules["rwp"]
    for tool in toolbox.tools:
        score = sc["phase_fit"] if profile.phase in tool.phases else sc["phase_miss"]
        reasons = [f"Suited to {phase['label']}." if profile.phase in tool.phases
                   else f"Not a typical tool for {phase['label']}."]
        for r in fired:
            gain = sum(r.get("boost_tags", {}).get(t, 0) for t in tool.tags)
            gain += r.get("boost_tools", {}).get(tool.id, 0)
            if gain:
                score += gain
                reasons.append(_with_facts(r, profile))
        score -= sc["coercion_penalty"] * tool.coercion
        paths = [assess_path(pth, tool, profile, consent_likely) for pth in tool.paths]
        status = _best([x["status"] for x in paths])
        tried = profile.existing.get(tool.id, [])
        safeguards = list(tool.safeguards)
        if tool.coercion >= rwp["min_coercion"]:
            safeguards += rwp["safeguards"]
        option = {"tool_id": tool.id, "name": tool.name, "pillar": tool.pillar,
                  "coercion": tool.coercion, "chapter": tool.chapter, "basis": list(tool.basis),
                  "score": round(score, 2), "status": status, "reasons": reasons,
                  "authorisation": paths, "consent": tool.consent,
                  "lead_actors": list(tool.lead_actors),
                  "partners": _regional_orgs(tool, profile),
                  "time_to_effect": tool.time_to_effect, "risks": list(tool.risks),
                  "safeguards": safeguards, "tried": tried,
                  "existing": bool(tried) and tool.id in existing.get("follow_up", {})}
        capped = tool.coercion > ceiling and not (exempt & set(tool.tags))
        if tried and tool.id in existing.get("once", []):
            in_place.append({"tool_id": tool.id, "name": tool.name, "tried": tried})
            left_out.append({"tool_id": tool.id, "name": tool.name, "coercion": tool.coercion,
                             "reason": "already in place: " + "; ".join(
                                 f"{t['what']} ({t['date']})" for t in tried)})
        elif capped:
            left_out.append({"tool_id": tool.id, "name": tool.name, "coercion": tool.coercion,
                             "reason": f"coercion {tool.coercion} exceeds the ceiling of "
                                       f"{ceiling} for {phase['label']} / {role['label']}"})
        elif status == "not_applicable" and not option["existing"]:
            left_out.append({"tool_id": tool.id, "name": tool.name, "coercion": tool.coercion,
                             "reason": "no authorisation path applies: " + "; ".join(
                                 x["note"] for x in paths if x["note"])})
        elif score < sc["min_score"]:
            left_out.append({"tool_id": tool.id, "name": tool.name, "coercion": tool.coercion,
                             "reason": f"low fit for this situation (score {score:.1f})"})
        elif status in ("blocked_by_veto", "needs_consent") and not option["existing"]:
            option["reasons"].append("Every route is blocked: " + "; ".join(
                f"{x['who']}: {x['note']}" for x in paths))
            blocked.append(option)
            if status == "blocked_by_veto":  # still an option to press (and force the veto
                # into the open, A/RES/76/262), ranked below the open routes
                option["score"] = round(score - sc["blocked_penalty"], 2)
                options.append(option)
        else:
            if option["existing"]:
                option["reasons"].insert(0, existing["follow_up"][tool.id])
                option["status"] = "existing"
            open_paths = [x for x in paths if x["status"] in ("available", "conditional")]
            if open_paths:
                option["reasons"].append("Authorised by " + "; or ".join(
                    f"{x['who']} ({x['act']}{', ' + x['note'] if x['note'] else ''})"
                    for x in open_paths) + ".")
            options.append(option)

    options.sort(key=lambda o: (-o["score"], o["coercion"], o["tool_id"]))
    blocked.sort(key=lambda o: (-o["score"], o["coercion"], o["tool_id"]))
    pillars = {str(n): [] for n in (1, 2, 3)}
    for rank, o in enumerate(options, start=1):
        o["rank"] = rank
        pillars[str(o["pillar"])].append(o)
    return {
        "profile": profile.as_dict(),
        "ceiling": ceiling,
        "context": context,
        "rules_applied": [{"id": r["id"], "reason": r["reason"]} for r in fired],
        "council_route": _council_route(profile),
        "pillars": pillars,
        "options": options,
        "blocked": blocked,
        "left_out": left_out,
        "in_place": in_place,
        "pillar_labels": {str(k): v for k, v in toolbox.pillars.items()},
        "sources": ["forewarn/catalog/toolbox.yaml", "forewarn/catalog/planner_rules.yaml",
                    *profile.sources],
    }


def _council_route(p: SituationProfile) -> dict:
    if p.veto_likely:
        route = {"status": "blocked", "reasons": p.veto_reasons or ["a veto is likely"]}
    elif p.veto_likely is None:
        route = {"status": "uncertain", "reasons": ["no veto record was consulted"]}
    else:
        route = {"status": "open", "reasons": list(p.veto_reasons)}
    seat = p.council_seat
    if seat:
        # Charter Art. 27(3): a party to a dispute abstains on Chapter VI decisions (and Art.
        # 52(3)); it votes, and as a permanent member may veto, under Chapter VII.

        known = countries.get(p.iso3) if p.iso3 else None
        who = known.name if known else (p.iso3 or "The state")
        held = ("a permanent member" if seat.get("seat") == "permanent"
                else f"an elected member ({seat.get('term')})")
        reason = (f"{who} sits on the Council as {held}: as a party to the dispute it must "
                  f"abstain on decisions under Chapter VI (Charter Art. 27(3)), but votes on "
                  f"Chapter VII decisions" + (", where its own veto can block them"
                                              if seat.get("seat") == "permanent" else "")
                  + f" ({seat.get('citation')}, as of {seat.get('as_of')}).")
        route["reasons"] = [reason, *route["reasons"]]
        if seat.get("seat") == "permanent":
            route["status"] = "blocked"
        route["chapter_vi"] = "open: the state must abstain (Art. 27(3))"
    route["council_seat"] = seat
    return route
