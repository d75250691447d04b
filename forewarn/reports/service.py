"""The reports capability's Python interface for the other capabilities.

`latest(session, limit)`: the newest field reports the session's reader may see (the reader's
clearance filters them, as everywhere), as plain summaries for dashboards such as the duty
officer's view.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from forewarn.reports.triage import queue
from forewarn.store.models import Country

__all__ = ["latest"]


def latest(session: Session, limit: int = 10) -> list[dict]:
    out = []
    for r in queue(session, limit=limit):
        c = session.get(Country, r.country_id) if r.country_id else None
        out.append({"id": r.id, "reference": r.reference, "created_at": r.created_at,
                    "status": r.status, "place": r.place, "country": c.iso3 if c else None,
                    "what": (r.what or "")[:200], "url": f"/reports/{r.id}"})
    return out
