"""Links from ratings to the evidence register (forewarn.evidence): `ref: {kind, id}` with kind
`source` or `incident` resolves to the record's title and page, through the reader's session,
so a record above the reader's clearance is withheld rather than shown."""

from __future__ import annotations

from forewarn.evidence.models import Incident, Source

PAGES = {"source": "/evidence/sources/{id}", "incident": "/evidence/incidents/{id}"}
MODELS = {"source": Source, "incident": Incident}


def resolve(session, ref) -> dict | None:
    """{"title", "url"} of the record REF names, None when the reader may not see it (or it is
    missing), {} for a ref that names no record id (shown as it was written)."""
    model = MODELS.get(ref.kind)
    if model is None or not ref.id.isdigit():
        return {}
    record = session.get(model, int(ref.id))
    if record is None:
        return None  # missing or above the reader's clearance
    return {"title": record.title, "url": PAGES[ref.kind].format(id=record.id)}
