"""Recording a measure or a veto from the web app (API and forms share this): validated
input in, one transaction, an audit entry per row, outcomes computed when the data is here."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.data.errors import DataError
from forewarn.respond import store
from forewarn.respond.models import RespondMeasure, RespondVeto
from forewarn.respond.outcomes import cached_panel_from_raw, store_outcomes
from forewarn.respond.schemas import MeasureIn, VetoIn
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
