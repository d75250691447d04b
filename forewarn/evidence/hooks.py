"""What a dossier takes from other capabilities: the state's treaty obligations and court
orders, and response recommendations, both from forewarn.respond.

Each hook returns {"available": False, "note": ...} instead of failing when the other
capability cannot answer (its data missing or broken), so a dossier is always produced and
says what it lacks.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("forewarn.evidence")
MAX_RECOMMENDATIONS = 6


def obligations(iso3: str, raw_dir: Path | None = None) -> dict:
    """Treaties ISO3 is party to and court orders addressed to it."""
    from forewarn.respond import catalog, treaties

    try:
        ts = treaties.treaty_status(iso3, raw_dir if raw_dir and Path(raw_dir).exists()
                                    else None)
        orders = [o for o in catalog.load_court_orders() if o["respondent"] == iso3]
    except Exception as exc:  # another capability's data: report, never break the dossier
        log.exception("treaty status for %s", iso3)
        return {"available": False, "treaties": [], "court_orders": [],
                "note": f"Treaty status could not be read ({exc})."}
    rows = [
        {"treaty": "Convention on the Prevention and Punishment of the Crime of Genocide (1948)",
         "party": ts.genocide_party,
         "note": "reservation to Art. IX (ICJ jurisdiction)" if ts.genocide_art_ix_reservation
         else ""},
        {"treaty": "Rome Statute of the International Criminal Court (1998)",
         "party": ts.icc_party,
         "note": "; ".join(x for x in (
             f"withdrew {ts.icc_withdrawn}" if ts.icc_withdrawn else "",
             f"withdrawal pending {ts.icc_pending_withdrawal}" if ts.icc_pending_withdrawal
             else "",
             f"Art. 12(3) declaration {ts.icc_art12_3}" if ts.icc_art12_3 else "") if x)},
        {"treaty": "Geneva Conventions of 12 August 1949", "party": ts.geneva_party,
         "note": ""},
    ]
    names = treaties.HR_NAMES
    for key, entry in sorted(ts.hr.items()):
        rows.append({"treaty": names.get(key, key), "party": bool(entry.get("party")),
                     "note": f"since {entry['year']}" if entry.get("year") else ""})
    return {"available": True, "treaties": rows,
            "court_orders": [{"court": o["court"], "case": o["case"], "date": o["date"],
                              "summary": o["summary"], "compliance": o["compliance"],
                              "compliance_note": o.get("compliance_note", ""),
                              "source": o["source"]} for o in orders],
            "sources": list(ts.sources), "note": ""}


def recommendations(session, iso3: str, settings) -> dict:
    """The response planner's top options per pillar for ISO3, with their reasons
    (forewarn.respond.web.options_summary, made for the dossier)."""
    from forewarn.respond.web import options_summary

    try:
        s = options_summary(session, settings, iso3, top=2)
    except Exception as exc:  # another capability: report, never break the dossier
        log.exception("response options for %s", iso3)
        return {"available": False, "items": [],
                "note": f"The response planner could not produce options ({exc})."}
    items = [{"name": o["name"], "pillar": int(pillar), "pillar_label": PILLARS.get(
                 str(pillar), f"Pillar {pillar}"), "reasons": list(o.get("reasons", []))[:3],
              "status": f"coercion level {o.get('coercion', '?')}"}
             for pillar, opts in sorted(s.get("pillars", {}).items()) for o in opts]
    note = (f"From the response planner (forewarn.respond), phase '{s.get('phase')}', state "
            f"role '{s.get('state_role')}'; full options at {s['links']['options']}."
            if s.get("links") else "From the response planner (forewarn.respond).")
    return {"available": True, "items": items, "council_route": s.get("council_route"),
            "links": s.get("links", {}), "note": note}


PILLARS = {"1": "Pillar I: the State's own responsibility",
           "2": "Pillar II: international assistance",
           "3": "Pillar III: timely and decisive collective response"}
