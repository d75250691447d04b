"""What a dossier takes from other capabilities: the state's treaty obligations and court
orders (from the reference-facts registry), and response recommendations, both from
forewarn.respond.

Each hook returns {"available": False, "note": ...} instead of failing when the other
capability cannot answer (its data missing or broken), so a dossier is always produced and
says what it lacks.
"""

from __future__ import annotations

import logging
from pathlib import Path

from forewarn.respond import service

log = logging.getLogger("forewarn.evidence")
MAX_RECOMMENDATIONS = 6


def obligations(session, iso3: str, raw_dir: Path | None = None) -> dict:
    """Treaties ISO3 is party to and court orders addressed to it, as the reference-facts
    registry holds them for this reader (an audited correction replaces the shipped fact),
    each with its citation and as-of date, and findings that contradict a fact in force."""

    try:
        out = service.obligations(session, iso3, raw_dir if raw_dir and Path(raw_dir).exists()
                                  else None)
    except Exception as exc:  # another capability's data: report, never break the dossier
        log.exception("treaty status for %s", iso3)
        return {"available": False, "treaties": [], "court_orders": [], "contradictions": [],
                "note": f"Treaty status could not be read from forewarn.respond ({exc})."}
    return {"available": True, **out, "note": ""}


def recommendations(session, iso3: str, settings, situation=None, principal=None,
                    phase: str | None = None, state_role: str | None = None) -> dict:
    """The response planner's best options for SITUATION's derived profile (PHASE and
    STATE_ROLE, when given, as a what-if), ranked across the pillars, with their reasons
    (forewarn.respond.service.situation_options)."""

    try:
        full = service.situation_options(session, settings, situation, principal, phase,
                                         state_role)
    except Exception as exc:  # another capability: report, never break the dossier
        log.exception("response options for %s", iso3)
        return {"available": False, "items": [],
                "note": f"The response planner could not produce options ({exc})."}
    items = [{"name": o["name"], "pillar": int(o["pillar"]),
              "pillar_label": PILLARS.get(str(o["pillar"]), f"Pillar {o['pillar']}"),
              "reasons": list(o.get("reasons", []))[:3], "existing": o.get("existing", False),
              "status": f"coercion level {o.get('coercion', '?')}"}
             for o in full["options"][:MAX_RECOMMENDATIONS]]
    p = full["profile"]
    what_if = " (what-if)" if phase or state_role else ""
    links = {"options": f"/situations/{situation.id}/options",
             "brief": f"/situations/{situation.id}/brief"}
    note = (f"From the response planner (forewarn.respond), phase "
            f"'{p['phase'].replace('_', ' ')}', state role "
            f"'{p['state_role'].replace('_', ' ')}'{what_if}; full options at "
            f"{links['options']}.")
    return {"available": True, "items": items, "council_route": full.get("council_route"),
            "phase": p["phase"], "state_role": p["state_role"], "links": links, "note": note}


PILLARS = {"1": "Pillar I: the State's own responsibility",
           "2": "Pillar II: international assistance",
           "3": "Pillar III: timely and decisive collective response"}
