"""The reference-facts registry: Council vetoes, sanctions regimes, ICC referrals and
declarations, treaty status, court orders and ICJ cases, regional memberships and
veto-restraint commitments, each with its citation and as-of date.

One read interface, `facts_for(session, iso3=None, kind=None)`, merges three sources:
`shipped` (catalogue files and the data folder, see facts_shipped), `recorded` (the response
record's vetoes and ICC/ICJ measures, and analysts' findings) and `corrected` (an
administrator's correction, which replaces the shipped fact of the same key). The planner,
the country page, the dossier and search read facts through this module.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from forewarn.data import countries
from forewarn.respond import facts_shipped as shipped
from forewarn.respond import facts_un
from forewarn.respond.fact import AS_OF, KINDS, SOURCES, Fact
from forewarn.respond.models import RespondFact
from forewarn.respond.store import is_imported, measures, vetoes
from forewarn.respond.vetoes import Veto
from forewarn.security import audit
from forewarn.settings import get_settings

__all__ = ["KINDS", "SOURCES", "Fact", "FactError", "PlannerFacts", "add_fact",
           "contradictions", "current", "council", "dossier_facts", "facts_for",
           "memberships", "planner_facts", "timeline"]
# Kinds an administrator may correct in the app (memberships are corrected in
# organisations.yaml, so the partners page and the planner keep one source).
CORRECTABLE = ("treaty_party", "icc_declaration", "icc_referral", "icc_situation", "veto",
               "court_order", "icj_case", "sanctions_regime", "veto_restraint", "fact_finding",
               "peace_operation", "council_event", "council_member")
# Kinds whose findings are compared with the shipped fact (same key, different status).
COMPARED = ("treaty_party", "icc_declaration", "membership", "court_order")
TREATY_STATUSES = ("party", "not party", "signatory", "withdrawn")
TERM = re.compile(r"elected member (\d{4})-(\d{4})")
ICC_TOOL, ICJ_TOOL = "icc_investigation", "icj_proceedings"


class FactError(ValueError):
    """A fact that cannot be stored, with the field at fault."""

    def __init__(self, fld: str, message: str):
        self.field, self.message = fld, message
        super().__init__(f"{fld}: {message}")


def _raw_dir(session: Session | None, raw_dir: Path | None) -> Path | None:
    if raw_dir is not None:
        return Path(raw_dir)
    settings = session.info.get("settings") if session is not None else None
    if settings is None:
        settings = get_settings()
    return Path(settings.raw_dir)


def shipped_facts(iso3: str | None = None, raw_dir: Path | None = None) -> list[Fact]:
    """Every shipped fact (for ISO3 only, when given). Treaty status is per country: without
    ISO3 only the catalogue's party lists are not expanded (they would list every country)."""
    out = list(shipped.catalogue_facts()) + shipped.court_facts() + shipped.membership_facts()
    out += shipped.icj_case_facts(raw_dir) + shipped.sanctions_facts(raw_dir)
    out += shipped.peace_operation_facts(raw_dir)
    out += facts_un.event_facts(raw_dir) + facts_un.council_member_facts(raw_dir)
    if iso3:
        out = [f for f in out if f.iso3 == iso3]
        out += shipped.treaty_list_facts(iso3) + shipped.hr_treaty_facts(iso3, raw_dir)
    # Two shipped rows about one thing (the ICJ case names and the court orders list the same
    # case; a treaty action after a party list was compiled): keep the newest.
    best: dict[tuple, Fact] = {}
    for f in out:
        held = best.get(f.key)
        if held is None or (f.date or "") > (held.date or ""):
            best[f.key] = f
    return list(best.values())


def recorded_facts(session: Session, iso3: str | None = None) -> list[Fact]:
    """The response record's vetoes and ICC/ICJ measures, and facts stored in the app."""
    out = []
    for v in vetoes(session, iso3):
        if is_imported(v):  # the veto file's rows are shipped facts, not findings
            continue
        out.append(Fact(kind="veto", iso3=v.country.iso3, subject=v.draft or v.date.isoformat(),
                        date=v.date.isoformat(), status="vetoed by " + ", ".join(
                            v.members.split(",")), members=tuple(v.members.split(",")),
                        citation=f"Forewarn response record, veto {v.id}"
                                 + (f" (draft {v.draft})" if v.draft else ""),
                        as_of=v.created_at.date().isoformat() if v.created_at else "",
                        source="recorded", summary=v.note or "", id=None))
    for m in measures(session, iso3):
        if m.tool_id not in (ICC_TOOL, ICJ_TOOL):
            continue
        kind = "icc_referral" if m.tool_id == ICC_TOOL else "icj_case"
        ref = m.decision_ref or f"measure {m.id}"
        out.append(Fact(kind=kind, iso3=m.situation.country.iso3, subject=ref,
                        date=m.date.isoformat(),
                        status=f"{'referral' if kind == 'icc_referral' else 'case'} recorded: "
                               f"{m.actor}",
                        citation=(f"{ref} ({m.decision_url})" if m.decision_url else ref)
                                 + f"; Forewarn response record, measure {m.id}",
                        as_of=m.date.isoformat(), source="recorded"))
    # A database not yet upgraded (`forewarn db init`) has no table of stored facts: the
    # record's facts still count, and nothing stored is missed (there can be none).
    if not inspect(session.connection()).has_table(RespondFact.__tablename__):
        return out
    q = select(RespondFact).order_by(RespondFact.id)
    if iso3:
        q = q.where(RespondFact.iso3 == iso3)
    for r in session.scalars(q):
        out.append(Fact(kind=r.kind, iso3=r.iso3, organisation=r.organisation,
                        subject=r.subject, date=r.date.isoformat() if r.date else None,
                        status=r.status, citation=r.citation, as_of=r.as_of.isoformat(),
                        source=r.source, summary=r.note, id=r.id, created_by=r.created_by))
    return out


def _resolve(facts: list[Fact]) -> list[Fact]:
    """Mark shipped facts replaced by a correction, older corrections replaced by newer ones,
    and findings that contradict the fact in force."""
    latest: dict[tuple, Fact] = {}
    for f in facts:
        if f.source == "corrected" and (f.key not in latest or (f.id or 0) > (latest[f.key].id
                                                                               or 0)):
            latest[f.key] = f
    out = []
    for f in facts:
        newer = latest.get(f.key)
        if newer is not None and f is not newer and f.source != "recorded":
            f = replace(f, superseded_by=newer.id)
        out.append(f)
    in_force = {f.key: f for f in out if f.source != "recorded" and f.superseded_by is None}
    flagged = []
    for f in out:
        ref = in_force.get(f.key)
        if (f.source == "recorded" and f.kind in COMPARED and ref is not None
                and _norm(ref.status) != _norm(f.status)):
            f = replace(f, flags=(f"contradicts the {ref.source} fact: {ref.status} "
                                  f"({ref.citation}, as of {ref.as_of})",))
        elif f.source == "corrected":
            f = replace(f, flags=("newer than the shipped data",))
        flagged.append(f)
    return flagged


def _norm(status: str) -> str:
    return " ".join(status.casefold().replace("-", " ").split())


def facts_for(session: Session | None, iso3: str | None = None, kind: str | None = None,
              raw_dir: Path | None = None) -> list[Fact]:
    """The registry's facts (for ISO3 and of KIND when given), shipped, recorded and
    corrected, each with citation and as-of date. A replaced shipped fact stays in the list
    with `superseded_by` set; `current()` drops it."""
    iso3 = iso3.upper() if iso3 else None
    facts = shipped_facts(iso3, _raw_dir(session, raw_dir))
    if session is not None:
        facts += recorded_facts(session, iso3)
    facts = _resolve(facts)
    if kind:
        facts = [f for f in facts if f.kind == kind]
    return sorted(facts, key=lambda f: (f.kind, f.iso3 or f.organisation, f.date or "",
                                        f.subject))


def current(facts: list[Fact]) -> list[Fact]:
    """The facts in force: without the shipped facts a correction replaced."""
    return [f for f in facts if f.superseded_by is None]


def contradictions(session: Session | None, iso3: str, raw_dir: Path | None = None
                   ) -> list[dict]:
    """Findings that disagree with the fact in force, for the country page and the dossier:
    [{finding, in_force}] as dicts."""
    facts = facts_for(session, iso3, raw_dir=raw_dir)
    in_force = {f.key: f for f in current(facts) if f.source != "recorded"}
    return [{"finding": f.as_dict(), "in_force": in_force[f.key].as_dict()}
            for f in facts if f.flags and f.source == "recorded"]


def dossier_facts(session: Session | None, iso3: str, raw_dir: Path | None = None) -> dict:
    """What a situation dossier shows from the registry, as the reader's session sees it:
    the facts in force by kind (each with citation, as-of date and source), memberships, and
    findings that contradict a shipped fact (to be flagged in the dossier)."""
    facts = facts_for(session, iso3, raw_dir=raw_dir)
    in_force = [f.as_dict() for f in current(facts) if f.source != "recorded" or f.kind in (
        "veto", "icc_referral", "icj_case")]
    by_kind: dict[str, list[dict]] = {}
    for f in in_force:
        by_kind.setdefault(f["kind"], []).append(f)
    return {"iso3": iso3.upper(), "facts": by_kind, "memberships": memberships(iso3),
            "timeline": timeline(session, iso3, raw_dir, facts),
            "council_seat": PlannerFacts(facts).council_seat(),
            "contradictions": contradictions(session, iso3, raw_dir),
            "labels": dict(KINDS)}


# Dated facts that make up a country's timeline (with the Council and court events file).
TIMELINE_KINDS = ("council_event", "veto", "icc_referral", "icc_declaration", "court_order")


def timeline(session: Session | None, iso3: str, raw_dir: Path | None = None,
             facts: list[Fact] | None = None) -> list[dict]:
    """The country's events, newest first, each with its citation and as-of date: the
    sourced timeline of Council and court events, vetoes, ICC referrals and declarations and
    court orders in force."""
    rows = current(facts if facts is not None else facts_for(session, iso3, raw_dir=raw_dir))
    dated = [f for f in rows if f.kind in TIMELINE_KINDS and f.date and (
        f.source != "recorded" or f.kind in ("veto", "icc_referral"))]
    dated.sort(key=lambda f: (f.date, f.kind, f.subject), reverse=True)
    return [f.as_dict() for f in dated]


def council(year: int | None = None, session: Session | None = None,
            raw_dir: Path | None = None) -> dict:
    """Who sits on the Security Council in YEAR (default: this year): permanent members and
    elected members with their terms and sources; `complete` is false when the shipped data
    do not name all ten elected members for that year."""
    year = year or datetime.now(UTC).year
    out = facts_un.council_in(year, _raw_dir(session, raw_dir))
    # Terms an editor added or corrected in the app (newer than the shipped data) count too.
    if session is not None:
        held = {m["iso3"] for m in out["elected"]}
        for f in current(recorded_facts(session)):
            term = _term(f.subject) if f.kind == "council_member" else None
            if (f.source == "corrected" and term and term[0] <= year <= term[1]
                    and f.iso3 not in held):
                c = countries.get(f.iso3)
                out["elected"].append({"iso3": f.iso3, "name": c.name if c else f.iso3,
                                       "term": f"{term[0]}-{term[1]}", "citation": f.citation,
                                       "as_of": f.as_of, "source": "corrected"})
                held.add(f.iso3)
        out["elected"].sort(key=lambda m: m["iso3"])
        out["complete"] = len(out["elected"]) == 10
    out["as_of"] = max((m["as_of"] for m in out["elected"]), default=facts_un.COUNCIL_AS_OF)
    return out


def _term(subject: str) -> tuple[int, int] | None:
    """'elected member 2025-2026' -> (2025, 2026); anything else -> None."""
    found = TERM.fullmatch(subject.strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def memberships(iso3: str) -> list[dict]:
    """The country's regional memberships with suspension or withdrawal (one source for every
    page): [{id, name, status, suspended, withdrawn, citation, as_of}]."""
    out = []
    for f in shipped.membership_facts():
        if f.iso3 != iso3.upper():
            continue
        out.append({"id": f.organisation, "name": f.summary, "status": f.status,
                     "suspended": f.date if f.status.startswith("suspended") else None,
                     "withdrawn": f.date if f.status.startswith("withdrawn") else None,
                     "citation": f.citation, "as_of": f.as_of})
    return out


class PlannerFacts:
    """What the planner's routes need from the registry for one country."""

    def __init__(self, facts: list[Fact]):
        self.facts = current(facts)
        # An analyst's finding is shown and flagged, never used in place of the fact in force.
        self.treaties = {f.subject: f for f in self.facts
                         if f.kind == "treaty_party" and f.source != "recorded"}

    def party(self, treaty: str) -> bool | None:
        f = self.treaties.get(treaty)
        return None if f is None else _norm(f.status) == "party"

    def treaty_fact(self, treaty: str) -> Fact | None:
        return self.treaties.get(treaty)

    @property
    def art12_3(self) -> Fact | None:
        return next((f for f in self.facts
                     if f.kind == "icc_declaration" and f.source != "recorded"), None)

    @property
    def icc_referrals(self) -> list[Fact]:
        return [f for f in self.facts if f.kind == "icc_referral"]

    @property
    def icc_situations(self) -> list[Fact]:
        """ICC situations under investigation concerning the country (shipped or corrected)."""
        return [f for f in self.facts if f.kind == "icc_situation" and f.source != "recorded"]

    @property
    def icj_cases(self) -> list[str]:
        """ICJ cases against the state under the treaties the ICJ route uses."""
        treaties = shipped.reference_data().get("icj_atrocity_treaties") or []
        return sorted({f"{f.summary or f.subject} ({f.subject})" for f in self.facts
                       if f.kind == "icj_case" and "applicant" not in f.status
                       and (f.source == "recorded" or any(
                           t.casefold() in (f.summary or "").casefold() for t in treaties))})

    def council_seat(self, year: int | None = None) -> dict | None:
        """The country's own Security Council seat in YEAR (default this year), if any:
        {seat, term, citation, as_of}."""
        year = year or datetime.now(UTC).year
        for f in self.facts:
            if f.kind != "council_member" or f.source == "recorded":
                continue
            if f.subject == "permanent member":
                return {"seat": "permanent", "term": None, "citation": f.citation,
                        "as_of": f.as_of}
            term = _term(f.subject)
            if term and term[0] <= year <= term[1]:
                return {"seat": "elected", "term": f"{term[0]}-{term[1]}",
                        "citation": f.citation, "as_of": f.as_of}
        return None

    def vetoes(self) -> list[Veto]:
        """Vetoes the veto file does not hold: shipped after it ends, and corrected ones (an
        analyst's recorded vetoes are read by the planner from the record itself)."""
        out = []
        for f in self.facts:
            if f.kind == "veto" and f.source in ("shipped", "corrected") and f.date:
                out.append(Veto(date.fromisoformat(f.date), f.subject, f.summary,
                                f.citation, tuple(f.members)))
        return out


def planner_facts(session: Session | None, iso3: str, raw_dir: Path | None = None
                  ) -> PlannerFacts:
    return PlannerFacts(facts_for(session, iso3, raw_dir=raw_dir))


def add_fact(session: Session, principal, *, kind: str, iso3: str, subject: str, status: str,
             citation: str, as_of: date | None = None, on: date | None = None,
             source: str = "recorded", note: str = "", organisation: str = ""):
    """Store a correction (source 'corrected', replaces the shipped fact of the same key) or
    a finding ('recorded'), audited as the principal. Checks run before the first write."""
    if source not in ("recorded", "corrected"):
        raise FactError("source", "must be 'recorded' (a finding) or 'corrected'")
    if kind not in KINDS:
        raise FactError("kind", f"must be one of {', '.join(KINDS)}")
    if source == "corrected" and kind not in CORRECTABLE:
        raise FactError("kind", "memberships are corrected in organisations.yaml")
    iso3 = (iso3 or "").strip().upper()
    if not iso3 and not organisation.strip():
        raise FactError("iso3", "choose the country the fact is about")
    if iso3 and countries.get(iso3) is None:
        raise FactError("iso3", f"unknown country '{iso3}'")
    for fld, value in (("subject", subject), ("status", status), ("citation", citation)):
        if not (value or "").strip():
            raise FactError(fld, "required" if fld != "citation" else
                            "every fact needs its official source (document symbol, order, "
                            "depositary notification)")
    term = _term(subject) if kind == "council_member" else None
    if kind == "council_member" and subject.strip() != "permanent member" and (
            term is None or not 0 <= term[1] - term[0] <= 1):
        raise FactError("subject", "a Council seat is 'permanent member' or 'elected member "
                                   "YYYY-YYYY' (a term of one or two years)")
    if kind == "treaty_party" and _norm(status) not in TREATY_STATUSES:
        raise FactError("status", f"treaty status is one of {', '.join(TREATY_STATUSES)}")
    today = datetime.now(UTC).date()
    as_of = as_of or today
    if as_of > today or (on is not None and on > today):
        raise FactError("as_of" if as_of > today else "date", "must not be in the future")
    if not AS_OF.fullmatch(as_of.isoformat()):
        raise FactError("as_of", "must be a date")
    replaced = None
    if source == "corrected":
        key = Fact(kind=kind, iso3=iso3, organisation=organisation.strip(), subject=subject,
                   status="", citation="", as_of="", source=source).key
        replaced = next((f for f in current(facts_for(session, iso3 or None, kind))
                         if f.key == key and f.source != "recorded"), None)
    row = RespondFact(kind=kind, iso3=iso3, organisation=organisation.strip(),
                      subject=subject.strip(), date=on, status=status.strip(),
                      citation=citation.strip(), as_of=as_of, source=source, note=note,
                      created_by=getattr(principal, "username", "") or "")
    session.add(row)
    session.flush()
    audit.record(session, principal, "correct" if source == "corrected" else "create",
                 "respond_fact", row.id, before=replaced.as_dict() if replaced else None,
                 after=row)
    return row
