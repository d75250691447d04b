"""The situation dossier: findings of fact (each citing its sources), legal determinations
crime by crime and element by element at the chosen standard of proof, the state's
obligations, and recommendations, built for one reader (restricted material is withheld from
readers without clearance and counted, never silently dropped).

`build` returns a plain dict: the JSON twin, and what the HTML, Markdown and PDF render.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from forewarn.evidence import custody, hooks
from forewarn.evidence.access import ANONYMOUS, actor_name, audit, may_read
from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.legal import (
    ETHNIC_CLEANSING,
    catalogue_notice,
    ethnic_cleansing_proposal,
    latest_decisions,
    propose,
)
from forewarn.evidence.models import Finding, Incident, Situation, SituationIncident, Source
from forewarn.evidence.profile import derive
from forewarn.evidence.wording import date_label, date_phrase, figure
from forewarn.settings import get_settings

WITHHELD = "[withheld: restricted material]"


class Bibliography:
    """Numbers sources in order of first citation; withheld sources keep a number."""

    def __init__(self, principal):
        self.principal = principal
        self.entries: dict[int, dict] = {}

    def cite(self, source: Source | None, source_id: int, locator: str = "") -> dict:
        if source_id not in self.entries:
            n = len(self.entries) + 1
            if source is None or not may_read(self.principal, source.sensitivity):
                self.entries[source_id] = {"n": n, "restricted": True, "title": WITHHELD}
            else:
                self.entries[source_id] = {
                    "n": n, "restricted": False, "id": source.id, "title": source.title,
                    "citation": source.citation, "kind": source.kind, "copy": source.copy,
                    "original_location": source.original_location, "sha256": source.sha256,
                    "media_type": source.media_type,
                    "captured_at": source.captured_at.isoformat() if source.captured_at
                    else None,
                    "registered_at": source.registered_at.isoformat() if source.registered_at
                    else None, "custodian": source.custodian,
                    "custody_head": source.custody_head,
                    "custody_url": f"/evidence/sources/{source.id}#custody",
                    "collector": source.collector,
                    "reliability": source.reliability, "credibility": source.credibility}
        e = self.entries[source_id]
        return {"n": e["n"], "locator": "" if e["restricted"] else locator,
                "restricted": e["restricted"]}

    def listing(self) -> list[dict]:
        return sorted(self.entries.values(), key=lambda e: e["n"])


def _date_phrase(inc: Incident) -> str:
    return date_phrase(inc.date_start, inc.date_end, inc.date_precision)


_figure = figure


def incident_sentence(inc: Incident) -> str:
    """A one-sentence account of an incident from its recorded fields."""
    v = vocabulary()
    harms = ", ".join(v["harm_labels"][h].lower() for h in inc.harm_types)
    where = ", ".join(p for p in (inc.place, inc.country.name if inc.country else "") if p)
    parts = [f"{_date_phrase(inc)}{' in ' + where if where else ''}, {harms} "
             f"{'was' if len(inc.harm_types) == 1 else 'were'} documented"]
    if inc.perpetrators:
        parts.append(f"attributed to {', '.join(inc.perpetrators)}")
    victims = [g["name"] for g in inc.victim_groups]
    if victims:
        parts.append(f"affecting {', '.join(victims)}")
    text = ", ".join(parts)
    figures = [f"{_figure(f)} {cat.replace('_', ' ')}" for cat, f in
               (inc.casualties or {}).items()]
    if figures:
        text += f" ({'; '.join(figures)})"
    return text + "."


def _incident_row(inc: Incident) -> dict:
    v = vocabulary()
    return {"id": inc.id, "title": inc.title, "date_start": inc.date_start.isoformat(),
            "date_end": inc.date_end.isoformat(), "date_precision": inc.date_precision,
            "date": date_label(inc.date_start, inc.date_end, inc.date_precision),
            "figures": {cat: figure(f) for cat, f in (inc.casualties or {}).items()},
            "place": inc.place,
            "country": inc.country.iso3 if inc.country else None,
            "harm_types": [v["harm_labels"][h] for h in inc.harm_types],
            "perpetrators": inc.perpetrators, "victim_groups": inc.victim_groups,
            "casualties": inc.casualties}


def _finding_rows(session: Session, sit: Situation, incidents: list[Incident]) -> list[Finding]:
    ids = [i.id for i in incidents]
    rows = list(session.scalars(
        select(Finding).where(or_(Finding.situation_id == sit.id,
                                  Finding.incident_id.in_(ids) if ids else false()))
        .order_by(Finding.id)))
    order = {i.id: n for n, i in enumerate(incidents)}
    rows.sort(key=lambda f: (order.get(f.incident_id, -1), f.position, f.id))
    return rows


def _cited(rows: list[Finding], section: str, bib: Bibliography, principal,
           withheld: dict) -> list[dict]:
    """The readable findings of SECTION with their citations, numbered in reading order."""
    out = []
    for f in rows:
        if f.section != section:
            continue
        if not may_read(principal, f.sensitivity):
            withheld["findings"] += 1
            continue
        cites = [bib.cite(c.source, c.source_id, c.locator) for c in f.citations]
        if cites:  # add_finding never allows an uncited finding; a damaged row is not one
            out.append({"id": f.id, "incident_id": f.incident_id, "text": f.text,
                        "citations": cites})
    return out


def _facts(rows: list[Finding], incidents: list[Incident], bib: Bibliography, principal,
           withheld: dict) -> list[dict]:
    """Written findings, and for incidents without any, one sentence from their fields citing
    the sources that document the conduct. Without a linked source there is no finding."""
    facts = _cited(rows, "fact", bib, principal, withheld)
    with_findings = {f.incident_id for f in rows}
    for inc in incidents:
        if inc.id in with_findings:
            continue
        links = [lk for lk in inc.links if "conduct" in (lk.supports or [])] or inc.links
        if not links:
            withheld["uncited_incidents"].append(inc.id)
            continue
        facts.append({"id": None, "incident_id": inc.id, "text": incident_sentence(inc),
                      "citations": [bib.cite(lk.source, lk.source_id, lk.locator)
                                    for lk in links], "generated": True})
    order = {i.id: n for n, i in enumerate(incidents)}
    facts.sort(key=lambda f: order.get(f["incident_id"], -1))
    return facts


def _determinations(session: Session, sit: Situation, incidents: list[Incident], principal,
                    bib: Bibliography) -> tuple[list[dict], list[dict], list[dict]]:
    """Accepted proposals (situation-wide and per incident), elements re-evaluated for this
    reader; rejected ones listed with their reasons."""
    accepted, rejected = [], []
    scopes = [("situation", sit.id, incidents, latest_decisions(session, situation_id=sit.id))]
    scopes += [("incident", i.id, [i], latest_decisions(session, incident_id=i.id))
               for i in incidents]
    undecided = []
    for kind, sid, scope_incidents, decided in scopes:
        result = propose(scope_incidents, principal) if scope_incidents else \
            {"proposals": [], "ethnic_cleansing": None}
        current = {p["crime_id"]: p for p in result["proposals"]}
        if result["ethnic_cleansing"] is not None:
            current[ETHNIC_CLEANSING] = ethnic_cleansing_proposal(
                result["ethnic_cleansing"], [i.id for i in scope_incidents])
        if kind == "situation":  # what is still to decide, once per crime
            accepted_anywhere = {c for _, _, _, d in scopes for c, x in d.items()}
            undecided = [{"crime_id": c, "label": p["label"],
                          "family_label": p.get("family_label")}
                         for c, p in current.items() if c not in accepted_anywhere]
        for crime_id, d in decided.items():
            base = {"scope": kind, "scope_id": sid, "crime_id": crime_id,
                    "reason": d.reason, "decided_by": d.decided_by,
                    "decided_at": d.decided_at.isoformat() if d.decided_at else None}
            p = current.get(crime_id)
            snap = d.proposal or {}
            base |= {"ref": snap.get("ref"), "label": snap.get("label"),
                     "family_label": snap.get("family_label"),
                     "confirmed": snap.get("confirmed", True)}
            if d.decision == "rejected":
                rejected.append(base)
                continue
            if p is None:
                accepted.append({**base, "elements": [], "missing": [], "stale": True})
                continue
            elements = []
            for e in p["elements"]:
                cites = [bib.cite(session.get(Source, ev["source_id"]) if ev["source_id"]
                                  else None, ev["source_id"] or -1, ev["locator"])
                         for ev in e["evidence"]]
                elements.append({"id": e["id"], "kind": e["kind"], "text": e["text"],
                                 "text_from": e["text_from"], "fact_label": e["fact_label"],
                                 "status": e["status"], "note": e["note"],
                                 "citations": _unique(cites)})
            accepted.append({**base, "elements": elements, "missing": p["missing"],
                             "stale": False, "incidents": p["incidents"],
                             "reasons": p["reasons"]})
    return _once_per_crime(accepted), rejected, undecided


def _once_per_crime(accepted: list[dict]) -> list[dict]:
    """A crime accepted for the situation and for its incidents is one determination, with
    every scope it was accepted for (the situation's first)."""
    out: dict[str, dict] = {}
    for d in accepted:
        scope = {"scope": d["scope"], "scope_id": d["scope_id"], "by": d["decided_by"],
                 "reason": d["reason"]}
        if d["crime_id"] in out:
            out[d["crime_id"]]["accepted_for"].append(scope)
        else:
            out[d["crime_id"]] = {**d, "accepted_for": [scope]}
    return list(out.values())


def _unique(cites: list[dict]) -> list[dict]:
    seen, out = set(), []
    for c in cites:
        if (c["n"], c["locator"]) not in seen:
            seen.add((c["n"], c["locator"]))
            out.append(c)
    return out


def _hidden(session: Session, sit: Situation, incidents: list[Incident],
            rows: list[Finding], principal) -> tuple[int, int]:
    link, fnd = SituationIncident.__table__, Finding.__table__
    linked = session.execute(select(func.count()).select_from(link).where(
        link.c.situation_id == sit.id)).scalar()
    ids = [i.id for i in incidents]
    total = session.execute(select(func.count()).select_from(fnd).where(or_(
        fnd.c.situation_id == sit.id, fnd.c.incident_id.in_(ids) if ids else false()))).scalar()
    readable = sum(1 for f in rows if may_read(principal, f.sensitivity))
    return linked - len(incidents), total - readable


def build(session: Session, sit: Situation, principal=None, settings=None,
          with_recommendations: bool = True, phase: str | None = None,
          state_role: str | None = None) -> dict:
    """The dossier of SIT as PRINCIPAL may read it. SETTINGS (raw data for treaty status and
    the response planner) default to the process settings."""
    principal = principal or ANONYMOUS
    if settings is None:
        settings = get_settings()
    v = vocabulary()
    withheld = {"findings": 0, "incidents": 0, "uncited_incidents": []}
    incidents = [i for i in sit.incidents if may_read(principal, i.sensitivity)]
    bib = Bibliography(principal)  # numbered in reading order: §1, §2, then §3
    rows = _finding_rows(session, sit, incidents)
    facts = _facts(rows, incidents, bib, principal, withheld)
    accepted, rejected, undecided = _determinations(session, sit, incidents, principal, bib)
    obligation_findings = _cited(rows, "obligation", bib, principal, withheld)
    # With forewarn.security the session never loads what the reader may not see; count it
    # with a plain table query (numbers only), so the dossier says what it withholds.
    hidden_incidents, hidden_findings = _hidden(session, sit, incidents, rows, principal)
    withheld["incidents"] = max(withheld["incidents"], hidden_incidents)
    withheld["findings"] = max(withheld["findings"], hidden_findings)
    iso3 = sit.country.iso3

    derived = derive(session, sit, principal, settings)
    return {
        "profile": {k: {"value": v["value"], "label": v["label"], "basis": v["basis"],
                        "override": v["override"]} for k, v in derived["values"].items()}
        | {"url": f"/situations/{sit.id}/profile"},
        "situation": {"id": sit.id, "title": sit.title, "summary": sit.summary,
                      "country": {"iso3": iso3, "name": sit.country.name},
                      "period_start": sit.period_start.isoformat(),
                      "period_end": sit.period_end.isoformat(),
                      "sensitivity": str(getattr(sit.sensitivity, "value", sit.sensitivity)),
                      "standard_of_proof": {"id": sit.standard_of_proof,
                                            "label": v["standard_labels"][sit.standard_of_proof],
                                            "note": next(s["note"] for s in
                                                         v["standards_of_proof"] if s["id"] ==
                                                         sit.standard_of_proof)}},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "reader": {"username": actor_name(principal), "role": principal.role,
                   "levels": [lvl for lvl in ("public", "internal", "restricted",
                                              "confidential") if may_read(principal, lvl)]},
        "findings": facts,
        "incidents": [_incident_row(i) for i in incidents],
        "determinations": accepted,
        "rejected": rejected,
        "undecided": {"count": len(undecided), "items": undecided,
                      "url": f"/situations/{sit.id}/proposals"},
        "obligations": {**hooks.obligations(session, iso3, settings.raw_dir),
                        "findings": obligation_findings},
        "recommendations": (hooks.recommendations(session, iso3, settings, sit, principal,
                                                  phase, state_role)
                            if with_recommendations else
                            {"available": False, "items": [], "note": "not requested"}),
        "sources": _with_custody(session, bib.listing()),
        "withheld": withheld,
        "catalogue": catalogue_notice(),
    }


def _with_custody(session: Session, entries: list[dict]) -> list[dict]:
    """Each readable source's custody chain: every link (when, who, what) and its hash."""
    for e in entries:
        if not e["restricted"]:
            e["custody"] = [{"seq": c.seq, "at": c.at.isoformat() if c.at else None,
                             "actor": c.actor, "action": c.action, "hash": c.hash}
                            for c in custody.events(session, e["id"])]
    return entries


def record_export(session: Session, dossier: dict, actor, fmt: str) -> None:
    """A dossier leaving the system (PDF, Markdown) is an export of every source it cites."""
    sit_id = dossier["situation"]["id"]
    for entry in dossier["sources"]:
        if entry.get("restricted"):
            continue
        source = session.get(Source, entry["id"])
        if source is not None:
            custody.append(session, source, actor_name(actor), "export",
                           {"dossier": sit_id, "format": fmt, "citation_number": entry["n"]})
    audit(session, actor, "export", "evidence_situation", sit_id,
          after={"format": fmt, "sources": len(dossier["sources"])})
