"""Recording a measure, a veto or a reference fact from the web app (API and forms share this):
validated input in, one transaction, an audit entry per row, outcomes computed when the data
is here."""

from __future__ import annotations

from pathlib import Path

from fastapi import HTTPException
from sqlalchemy.orm import Session

from forewarn.data.errors import DataError
from forewarn.respond import facts, store
from forewarn.respond.models import RespondMeasure, RespondVeto
from forewarn.respond.outcomes import cached_panel_from_raw, store_outcomes
from forewarn.respond.schemas import FactIn, MeasureIn, VetoIn
from forewarn.respond.views import OUTCOMES_COMPUTED, OUTCOMES_PENDING


def record_measure(session: Session, body: MeasureIn, principal, raw_dir: Path
                   ) -> tuple[RespondMeasure, str]:
    """Store the measure and what followed it; returns it with a note on its outcomes. Raises
    store.RecordError (nothing written) for a bad field. The caller commits."""
    measure = store.add_measure(
        session, body.iso3, body.tool_id, body.date, body.actor, body.decision_ref,
        body.decision_url, body.note, body.situation, created_by=principal.username,
        recorded_by=principal)
    try:
        panel = cached_panel_from_raw(raw_dir)
    except (FileNotFoundError, DataError):  # no raw data here, or a file it cannot read
        return measure, OUTCOMES_PENDING
    store_outcomes(session, measure, panel)
    return measure, OUTCOMES_COMPUTED


def record_veto(session: Session, body: VetoIn, principal) -> RespondVeto:
    """Store the veto with its General Assembly debate deadline (A/RES/76/262)."""
    return store.add_veto(session, body.iso3, body.date, body.members, body.draft, body.note,
                          holidays=frozenset(body.holidays), recorded_by=principal)


def record_fact(session: Session, principal, body: FactIn):
    """A finding (recorded) or a correction (needs `edit:any`); raises facts.FactError
    (nothing written) for a bad field. The caller commits."""
    if body.source == "corrected" and not principal.can("edit:any"):
        raise HTTPException(403, "Correcting a shipped fact needs the `edit:any` permission.")
    return facts.add_fact(session, principal, kind=body.kind, iso3=body.iso3,
                          subject=body.subject, status=body.status, citation=body.citation,
                          as_of=body.as_of, on=body.date, source=body.source, note=body.note)
