"""The response record's JSON API: record a measure taken, a Security Council veto, or a
finding or correction of the reference-facts registry.

Writes need the `create` permission (forewarn.security); browser sessions also send the CSRF
token (the security middleware checks it), API-token callers do not. A refused field is a
422 in the same shape as any validation error, naming the field, and nothing is stored.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError

from forewarn.respond import facts
from forewarn.respond.recording import record_fact, record_measure, record_veto
from forewarn.respond.schemas import FactIn, MeasureIn, MeasureOut, VetoIn, VetoOut
from forewarn.respond.store import RecordError
from forewarn.respond.views import measure_out, veto_dict
from forewarn.security.deps import require
from forewarn.web.deps import SessionDep

router = APIRouter(prefix="/api/respond", tags=["respond"])
ERRORS = {401: {"description": "Not signed in"},
          403: {"description": "Role lacks `create`, or the CSRF token is missing"},
          422: {"description": "A field is invalid; `details[].loc` names it"}}


def refused(session, exc: RecordError) -> RequestValidationError:
    """Undo everything of this request and report the field, like pydantic's errors."""
    session.rollback()
    return RequestValidationError([{"loc": ("body", exc.field), "msg": exc.message,
                                    "type": "value_error"}])


@router.post("/measures", status_code=201, response_model=MeasureOut, responses=ERRORS,
             summary="Record a measure taken")
def api_record_measure(body: MeasureIn, request: Request, session: SessionDep,
                       principal=Depends(require("create"))):
    """Record a measure applied to a situation: which toolbox tool, by whom, when, under which
    decision. The situation is the country unless `situation` names another. What followed
    (deaths, displacement and risk at 6/12/24 months) is computed at once from the annual
    panel when the raw data is on the server; otherwise `outcomes` is empty and
    `outcomes_note` says so (`forewarn respond measure outcomes` computes them later).
    Audited as `create respond_measure`. The record: `GET /respond/record.json`."""
    try:
        measure, note = record_measure(session, body, principal,
                                       request.app.state.settings.raw_dir)
    except RecordError as exc:
        raise refused(session, exc) from None
    session.commit()
    return measure_out(measure, note)


@router.post("/vetoes", status_code=201, response_model=VetoOut, responses=ERRORS,
             summary="Record a Security Council veto")
def api_record_veto(body: VetoIn, session: SessionDep, principal=Depends(require("create"))):
    """Record a veto cast in the Security Council on a draft concerning a country. The answer
    carries `ga_deadline`: the General Assembly must debate the veto within 10 working days
    (A/RES/76/262); pass UN Headquarters holidays in `holidays` to skip them. The planner
    counts recorded vetoes when it judges the Council route for the country. Audited as
    `create respond_veto`."""
    try:
        veto = record_veto(session, body, principal)
    except RecordError as exc:
        raise refused(session, exc) from None
    session.commit()
    return veto_dict(veto)


@router.post("/facts", status_code=201, summary="Record a finding or correct a reference fact")
def api_add_fact(body: FactIn, session: SessionDep, principal=Depends(require("create"))):
    """A finding (`source` recorded) is shown beside the shipped fact and flagged where they
    disagree; a correction (`source` corrected, needs `edit:any`) replaces the shipped fact
    for the planner and every page. Audited as `create`/`correct respond_fact`."""
    try:
        row = record_fact(session, principal, body)
    except facts.FactError as exc:
        session.rollback()
        raise RequestValidationError([{"loc": ("body", exc.field), "msg": exc.message,
                                       "type": "value_error"}]) from None
    session.commit()
    return {"id": row.id, "kind": row.kind, "iso3": row.iso3, "subject": row.subject,
            "status": row.status, "citation": row.citation, "as_of": row.as_of,
            "source": row.source}
