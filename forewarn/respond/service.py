"""forewarn.respond's Python interface for other capabilities: the reference-facts registry
(as the dossier and the situation profile read it) and the names of the treaties it holds;
a situation's ranked options (the dossier); the country-level profile the planner infers
from country data, with its rules (the situation profile starts from it).

Other capabilities import this module, never respond's internals (tests/core/test_layering.py).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.respond.brief import situation_options
from forewarn.respond.catalog import load_court_orders
from forewarn.respond.facts import contradictions, dossier_facts, facts_for
from forewarn.respond.planner import load_rules
from forewarn.respond.profile import (
    CountryFacts,
    facts_from_session,
    infer_phase,
    infer_state_role,
    published_foa,
)
from forewarn.respond.treaties import HR_NAMES

__all__ = ["CORE_TREATIES", "CountryFacts", "contradictions", "court_orders", "dossier_facts",
           "facts_for", "facts_from_session", "infer_phase", "infer_state_role", "load_rules",
           "obligations", "published_foa", "situation_options", "treaty_name"]

# The three treaties every dossier lists first, in this order.
CORE_TREATIES = {
    "genocide": "Convention on the Prevention and Punishment of the Crime of Genocide (1948)",
    "rome_statute": "Rome Statute of the International Criminal Court (1998)",
    "geneva_conventions": "Geneva Conventions of 12 August 1949",
}


def treaty_name(treaty_id: str) -> str:
    return CORE_TREATIES.get(treaty_id) or HR_NAMES.get(treaty_id, treaty_id)


def court_orders() -> list[dict]:
    """The shipped court-orders catalogue (court, case, date, respondent, compliance ...)."""
    return list(load_court_orders())


def obligations(session: Session | None, iso3: str, raw_dir: Path | None = None) -> dict:
    """A state's obligations as the registry holds them for this reader's session (a
    correction replaces the shipped fact): treaties and court orders, each with its status,
    citation, as-of date and source, and the findings that contradict a fact in force."""
    reg = dossier_facts(session, iso3, raw_dir)
    facts = reg["facts"]
    declaration = next(iter(facts.get("icc_declaration", [])), None)
    order = {tid: n for n, tid in enumerate(CORE_TREATIES)}
    treaties = []
    for f in sorted(facts.get("treaty_party", []),
                    key=lambda f: (order.get(f["subject"], len(order)),
                                   treaty_name(f["subject"]))):
        status = " ".join(f["status"].casefold().replace("-", " ").split())
        note = [f["summary"]] if f["summary"] else []
        if f["date"] and status in ("party", "withdrawn"):
            note.append(f"since {f['date']}" if status == "party" else f"on {f['date']}")
        if f["subject"] == "rome_statute" and declaration:
            note.append(f"Art. 12(3) declaration: {declaration['status']} "
                        f"({declaration['citation']}, as of {declaration['as_of']})")
        treaties.append({"id": f["subject"], "treaty": treaty_name(f["subject"]),
                         "party": status == "party", "status": f["status"],
                         "note": "; ".join(note), "citation": f["citation"],
                         "as_of": f["as_of"], "source": f["source"]})
    catalogue = {o["id"]: o for o in load_court_orders()}
    orders = []
    for f in facts.get("court_order", []):
        o = catalogue.get(f["subject"], {})
        orders.append({"id": f["subject"], "court": o.get("court", ""),
                       "case": o.get("case", f["summary"]), "date": f["date"] or "",
                       "summary": o.get("summary", f["summary"]), "compliance": f["status"],
                       "compliance_note": o.get("compliance_note", ""),
                       "source": f["citation"], "citation": f["citation"],
                       "as_of": f["as_of"], "fact_source": f["source"]})
    flagged = [{"kind": c["finding"]["label"], "subject": treaty_name(c["finding"]["subject"]),
                "finding": c["finding"]["status"], "finding_citation": c["finding"]["citation"],
                "finding_as_of": c["finding"]["as_of"], "in_force": c["in_force"]["status"],
                "in_force_citation": c["in_force"]["citation"],
                "in_force_as_of": c["in_force"]["as_of"],
                "in_force_source": c["in_force"]["source"]}
               for c in reg["contradictions"]]
    return {"treaties": treaties, "court_orders": sorted(orders, key=lambda o: o["date"]),
            "contradictions": flagged, "council_seat": reg["council_seat"],
            "sources": sorted({t["citation"] for t in treaties}),
            "registry": f"/facts?iso3={iso3.upper()}"}
