"""Legal-element mapping: candidate crimes for an incident or a set of incidents, element by
element, with the evidence for each element and what is still missing; and the analyst's
acceptance or rejection of each proposal.

All judgement lives in legal_rules.yaml and the catalogue; this module only applies them.
A proposal is a suggestion with its reasons, never a determination.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence.access import actor_name, audit, may_read, principal_of
from forewarn.evidence.catalog import PROVENANCE, Crime, catalogue, rules, vocabulary
from forewarn.evidence.models import Incident, LegalDecision, Situation

HOLDS = ("supported", "asserted", "inferred")
FAMILY_ORDER = ("genocide", "crimes_against_humanity", "war_crimes")
RESTRICTED_SOURCE = "[restricted source]"


@dataclass
class FactState:
    status: str                      # supported | asserted | inferred | contradicted | missing
    evidence: list[dict] = field(default_factory=list)
    note: str = ""

    @property
    def holds(self) -> bool:
        return self.status in HOLDS


def _evidence(link, principal) -> dict:
    src = link.source
    if src is None or not may_read(principal, src.sensitivity):
        return {"source_id": None, "title": RESTRICTED_SOURCE, "locator": "",
                "incident_id": link.incident_id, "restricted": True}
    return {"source_id": src.id, "title": src.title, "locator": link.locator,
            "incident_id": link.incident_id, "reliability": src.reliability,
            "credibility": src.credibility, "restricted": False}


def _merge(*lists: list[dict]) -> list[dict]:
    """One entry per source and place in it; `incidents` lists where it was linked."""
    out: dict[tuple, dict] = {}
    for ev in (e for lst in lists for e in lst):
        key = (ev["source_id"], ev["locator"])
        if key not in out:
            out[key] = {**ev, "incidents": [ev["incident_id"]]}
        elif ev["incident_id"] not in out[key]["incidents"]:
            out[key]["incidents"].append(ev["incident_id"])
    return list(out.values())


class Facts:
    """The facts of one crime's evaluation: RELEVANT incidents show its conduct, SCOPE is
    every incident considered (the context of an attack or pattern)."""

    def __init__(self, relevant: list[Incident], scope: list[Incident], principal,
                 conflict: str | None = None):
        self.relevant, self.scope, self.principal = relevant, scope, principal
        self.conflict = conflict
        self.rules, self.vocab = rules(), vocabulary()
        self._cache: dict[str, FactState] = {}

    def tagged(self, fact: str, incidents: list[Incident]) -> list[dict]:
        return _merge([_evidence(lk, self.principal) for inc in incidents for lk in inc.links
                       if fact in (lk.supports or [])])

    def get(self, fact: str) -> FactState:
        if fact not in self._cache:
            self._cache[fact] = self._evaluate(fact)
        return self._cache[fact]

    def _evaluate(self, fact: str) -> FactState:
        d = self.rules["derived_facts"].get(fact)
        if d is None:
            return self._context(fact)
        if "inferred_from" in d:
            parts = [self.get(f) for f in d["inferred_from"]]
            if all(p.holds for p in parts):
                return FactState("inferred", _merge(*(p.evidence for p in parts)), d["label"])
            if any(p.status == "contradicted" for p in parts):
                return FactState("contradicted", note=d["label"])
            return FactState("missing", note=d["label"])
        conduct = self.tagged("conduct", self.relevant)
        kind = d["from"]
        if kind == "harm":
            labels = sorted({self.vocab["harm_labels"][h] for i in self.relevant
                             for h in i.harm_types})
            return self._state(bool(self.relevant), conduct, ", ".join(labels))
        if kind == "victims":
            allowed = (self.vocab["genocide_protected"] if d["characteristics"] ==
                       "genocide_protected" else self.vocab["characteristic_ids"])
            groups = [g for i in self.relevant for g in i.victim_groups
                      if set(g.get("characteristics") or []) & set(allowed)]
            note = "; ".join(sorted({f"{g['name']} ({', '.join(g['characteristics'])})"
                                     for g in groups}))
            return self._state(bool(groups), _merge(conduct, self.tagged(fact, self.relevant)),
                               note)
        if kind == "perpetrators":
            names = sorted({p for i in self.relevant for p in i.perpetrators})
            return self._state(bool(names), conduct, ", ".join(names))
        if kind == "casualties":
            total = sum(((i.casualties or {}).get(d["category"]) or {}).get("best")
                        or ((i.casualties or {}).get(d["category"]) or {}).get("low") or 0
                        for i in self.relevant)
            return self._state(total >= d["at_least"], conduct,
                               f"{total:,} {d['category']} reported (best estimates)")
        raise ValueError(f"derived fact {fact}: unknown source {kind!r}")

    def _state(self, holds: bool, evidence: list[dict], note: str) -> FactState:
        if not holds:
            return FactState("missing", note=note)
        return FactState("supported" if evidence else "asserted", evidence, note)

    def _context(self, fact: str) -> FactState:
        # Per incident: only pattern facts are read across the whole scope.
        pool = self.scope if fact in self.rules.get("situation_wide_facts", []) \
            else self.relevant
        evidence = self.tagged(fact, pool)
        values = [i.context.get(fact) for i in pool if i.context.get(fact) is not None]
        if fact == "armed_conflict":
            if self.conflict and self.conflict in values:
                matching = [i for i in pool if i.context.get(fact) == self.conflict]
                return self._state(True, self.tagged(fact, matching),
                                   f"{self.conflict} armed conflict recorded")
            return FactState("missing", note="armed conflict not established")
        if any(v is True for v in values) or evidence:
            return self._state(True, evidence, self.vocab["fact_labels"].get(fact, fact))
        if values and all(v is False for v in values):
            return FactState("contradicted", note="recorded as not the case")
        inference = self.rules.get("set_inference", {}).get(fact)
        relevant = {i.id for i in self.relevant}
        if inference and len(relevant) >= inference["min_incidents"]:
            places = len({(i.place, i.country_id) for i in self.relevant})
            note = inference["note"].format(n=len(relevant), places=places)
            return FactState("inferred", self.tagged("conduct", self.relevant),
                             f"pattern indicator: {note}")
        return FactState("missing", note=self.vocab["fact_labels"].get(fact, fact))


def _templates(crime: Crime, rule: dict) -> list[dict]:
    """The element templates for CRIME: the catalogue's ICC breakdown when it has one, else
    the family's generic elements, plus the rule's extra elements."""
    cat, r = catalogue(), rules()
    example = cat.example_for(crime)
    out = []
    if example:
        for kind in ("material", "mental", "contextual"):
            for el in example.get(f"{kind}_elements", []):
                out.append({"id": el["id"], "kind": kind, "type": el.get("type", kind),
                            "text": el["text"], "text_from": "catalogue",
                            "fact": r["element_facts"][el["id"]]})
        family_mental = [e for e in r["families"][crime.family]["mental"] if "catalogue" in e]
        for el in family_mental:  # e.g. genocidal intent, kept visible next to the breakdown
            if not any(o["fact"] == el["fact"] for o in out):
                out.append(_family_element(crime, el, "mental"))
    else:
        fam = r["families"][crime.family]
        for kind in ("material", "mental", "contextual"):
            out += [_family_element(crime, el, kind) for el in fam[kind]]
    omit = set(rule.get("omit_facts", []))
    out = [o for o in out if o["fact"] not in omit]
    for el in rule.get("extra", []):
        kind = el.get("kind", "material")
        pos = max((i for i, o in enumerate(out) if o["kind"] == kind), default=len(out) - 1)
        out.insert(pos + 1, {"id": f"{crime.id}-{el['suffix']}", "kind": kind,
                             "type": el["type"], "text": el["text"], "text_from": "rule",
                             "fact": el["fact"]})
    return out


def _family_element(crime: Crime, el: dict, kind: str) -> dict:
    if "catalogue" in el:
        return {"id": el["catalogue"], "kind": kind, "type": el.get("type", kind),
                "text": catalogue().components[el["catalogue"]], "text_from": "catalogue",
                "fact": el["fact"]}
    return {"id": f"{crime.id}-{el['suffix']}", "kind": kind, "type": el["type"],
            "text": el["text"].format(label=crime.label, description=crime.description),
            "text_from": "rule", "fact": el["fact"]}


def _blocker(facts: Facts, family: dict, rule: dict, crime: Crime) -> str | None:
    """Why CRIME is not proposed at all (None when it is)."""
    for f in family.get("requires", []) + rule.get("requires", []):
        if not facts.get(f).holds:
            return f"needs '{f.replace('_', ' ')}', which is not recorded"
    for f in family.get("not_if_false", []):
        if facts.get(f).status == "contradicted":
            return f"'{f.replace('_', ' ')}' is recorded as not the case"
    if family.get("match_conflict"):
        values = {i.context.get("armed_conflict") for i in facts.relevant} - {None}
        if crime.conflict_type not in values and values:
            found = ", ".join(sorted(values))
            return f"applies in {crime.conflict_type} armed conflict; recorded: {found}"
    return None


def propose(incidents: list[Incident], principal=None) -> dict:
    """Candidate crimes for INCIDENTS (one incident or a set), each with its elements."""
    cat, r, vocab = catalogue(), rules(), vocabulary()
    proposals, not_proposed = [], []
    harms = {h for i in incidents for h in i.harm_types}
    for rule in r["crimes"]:
        crime = cat.crimes[rule["id"]]
        relevant = [i for i in incidents if set(i.harm_types) & set(rule["harm"])]
        if not relevant:
            continue
        family = r["families"][crime.family]
        facts = Facts(relevant, incidents, principal, crime.conflict_type)
        blocker = _blocker(facts, family, rule, crime)
        if blocker:
            not_proposed.append({"crime_id": crime.id, "ref": crime.ref, "label": crime.label,
                                 "reason": blocker})
            continue
        elements = []
        for t in _templates(crime, rule):
            state = facts.get(t["fact"])
            elements.append({**t, "fact_label": _fact_label(t["fact"]), "status": state.status,
                             "evidence": state.evidence, "note": state.note})
        matched = sorted(set(rule["harm"]) & harms)
        reasons = [rule["reason"], "Harm documented: " + ", ".join(
            vocab["harm_labels"][h] for h in matched) + " (incident " + ", ".join(
            f"#{i.id}" for i in relevant) + ")."]
        if crime.family == "genocide":
            reasons.append(f"Protected group: {facts.get('protected_group').note}.")
        if crime.family == "war_crimes":
            nexus = facts.get("armed_conflict")
            reasons.append(f"{nexus.note[:1].upper()}{nexus.note[1:]}" + (
                "." if nexus.holds else "; proposed so the route is not overlooked."))
        missing = [e for e in elements if e["status"] in ("missing", "contradicted")]
        proposals.append({
            "crime_id": crime.id, "ref": crime.ref, "label": crime.label,
            "description": crime.description, "family": crime.family,
            "family_label": family["label"], "rome_statute": crime.rome_statute,
            "conflict_type": crime.conflict_type, "confirmed": crime.confirmed,
            "note": crime.note, "reasons": reasons, "elements": elements,
            "missing": [{"id": e["id"], "text": e["text"], "fact": e["fact"]} for e in missing],
            "needs_evidence": [e["id"] for e in elements if e["status"] == "asserted"],
            "summary": (f"{len(missing)} of {len(elements)} elements missing: " + ", ".join(
                _fact_label(e["fact"]) for e in missing)) if missing else
            "every element has a basis",
            "incidents": [i.id for i in relevant]})
    proposals.sort(key=lambda p: FAMILY_ORDER.index(p["family"]))
    return {"incidents": [i.id for i in incidents], "proposals": proposals,
            "not_proposed": not_proposed, "ethnic_cleansing": _ethnic_cleansing(harms,
                                                                                proposals),
            "catalogue": catalogue_notice()}


def _fact_label(fact: str) -> str:
    d = rules()["derived_facts"].get(fact)
    return d["label"] if d else vocabulary()["fact_labels"].get(fact, fact)


def catalogue_notice() -> dict:
    meta = catalogue().meta
    return {"title": meta.get("title"), "paraphrase_notice": meta.get("paraphrase_notice"),
            "provenance": PROVENANCE, "file": "forewarn/catalog/legal_elements.yaml"}


def _ethnic_cleansing(harms: set[str], proposals: list[dict]) -> dict | None:
    if "forced_displacement" not in harms:
        return None
    ec = catalogue().ethnic_cleansing
    proposed = {p["crime_id"] for p in proposals} | {p["rome_statute"] for p in proposals}
    paths = []
    for path in ec["characterisation_paths"]:
        via = path["via"] if isinstance(path["via"], list) else [path["via"]]
        paths.append({"label": path["label"], "when": path["when"], "via": via,
                      "proposed": sorted(set(via) & proposed)})
    return {"autonomous_crime": ec["autonomous_crime"], "status": ec["status"],
            "working_definition": ec["working_definition"],
            "working_definition_confirmed": ec["working_definition_confirmed"],
            "paths": paths}


# ------------------------------------------------------------------------- decisions
def latest_decisions(session: Session, incident_id: int | None = None,
                     situation_id: int | None = None) -> dict[str, LegalDecision]:
    q = select(LegalDecision).order_by(LegalDecision.decided_at, LegalDecision.id)
    q = q.where(LegalDecision.incident_id == incident_id) if incident_id is not None else \
        q.where(LegalDecision.situation_id == situation_id)
    return {d.crime_id: d for d in session.scalars(q)}


def decision_dict(d: LegalDecision | None) -> dict | None:
    if d is None:
        return None
    return {"decision": d.decision, "reason": d.reason, "decided_by": d.decided_by,
            "decided_at": d.decided_at.isoformat() if d.decided_at else None}


def proposals_for(session: Session, principal, incident: Incident | None = None,
                  situation: Situation | None = None) -> dict:
    """Proposals for an incident or a situation's incidents, with the decisions taken."""
    incidents = [incident] if incident is not None else list(situation.incidents)
    result = propose(incidents, principal)
    decided = latest_decisions(session, incident.id if incident else None,
                               situation.id if situation else None)
    for p in result["proposals"]:
        p["decision"] = decision_dict(decided.get(p["crime_id"]))
    if result["ethnic_cleansing"] is not None:
        result["ethnic_cleansing"]["crime_id"] = ETHNIC_CLEANSING
        result["ethnic_cleansing"]["decision"] = decision_dict(decided.get(ETHNIC_CLEANSING))
    result["undecided"] = sum(1 for p in result["proposals"] if p["decision"] is None)
    result["scope"] = ({"incident": incident.id} if incident is not None
                       else {"situation": situation.id})
    return result


class DecisionError(ValueError):
    pass


ETHNIC_CLEANSING = "ethnic_cleansing"


def ethnic_cleansing_proposal(ec: dict, incidents: list[int]) -> dict:
    """The ethnic-cleansing characterisation as a decidable proposal: not an autonomous crime,
    decided on its working definition and the crimes it can amount to (its paths)."""
    return {"crime_id": ETHNIC_CLEANSING, "ref": "ethnic cleansing", "label": "Ethnic cleansing",
            "family": "characterisation", "family_label": "Characterisation (WSO para 138; "
            "not an autonomous crime)", "confirmed": ec["working_definition_confirmed"],
            "description": ec["working_definition"], "elements": [], "missing": [],
            "reasons": [ec["status"]] + [f"{p['label']}: {p['when']}" for p in ec["paths"]],
            "paths": ec["paths"], "incidents": incidents}


def decide(session: Session, crime_id: str, decision: str, actor, reason: str = "",
           incident: Incident | None = None, situation: Situation | None = None,
           principal=None) -> LegalDecision:
    """Record an analyst's acceptance or rejection of a proposed crime (audited)."""
    if decision not in ("accepted", "rejected"):
        raise DecisionError("decision must be 'accepted' or 'rejected'")
    if (incident is None) == (situation is None):
        raise DecisionError("decide for exactly one incident or situation")
    if not (reason or "").strip():
        raise DecisionError("a reason is required to accept or reject a characterisation")
    if principal is None:
        principal = actor if hasattr(actor, "may_read") else principal_of(session)
    current = proposals_for(session, principal, incident, situation)
    proposal = next((p for p in current["proposals"] if p["crime_id"] == crime_id), None)
    if proposal is None and crime_id == ETHNIC_CLEANSING and current["ethnic_cleansing"]:
        proposal = ethnic_cleansing_proposal(current["ethnic_cleansing"], current["incidents"])
    if proposal is None:
        raise DecisionError(f"{crime_id} is not among the current proposals")
    proposal = {k: v for k, v in proposal.items() if k != "decision"}
    d = LegalDecision(incident_id=incident.id if incident else None,
                      situation_id=situation.id if situation else None, crime_id=crime_id,
                      decision=decision, reason=(reason or "").strip(),
                      decided_by=actor_name(actor), proposal=proposal)
    session.add(d)
    session.flush()
    audit(session, actor, f"legal-{decision[:-2]}", "evidence_legal_decision", d.id,
          after={"crime_id": crime_id, "decision": decision, "reason": d.reason,
                 "incident": d.incident_id, "situation": d.situation_id})
    return d
