"""Links from ratings to the evidence register (forewarn.evidence): `ref: {kind, id}` with kind
`source` or `incident` resolves to the record's title and page, through the reader's session,
so a record above the reader's clearance is withheld rather than shown."""

from __future__ import annotations

from forewarn.assess.ratings import register_evidence_resolver

PAGES = {"source": "/evidence/sources/{id}", "incident": "/evidence/incidents/{id}"}


def _model(kind: str):
    try:
        from forewarn.evidence import models
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("forewarn.evidence"):
            return None
        raise
    return {"source": models.Source, "incident": models.Incident}[kind]


def _resolver(kind: str):
    def resolve(session, ref, _actor):
        model = _model(kind)
        if model is None or not ref.id.isdigit():
            return {}  # no register installed: show the link as it was written
        record = session.get(model, int(ref.id))
        if record is None:
            return None  # missing or above the reader's clearance
        return {"title": record.title, "url": PAGES[kind].format(id=record.id)}

    return resolve


for _kind in PAGES:
    register_evidence_resolver(_kind, _resolver(_kind))
