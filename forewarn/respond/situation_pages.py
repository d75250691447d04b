"""A situation's response options and its decision brief (HTML, JSON twin and PDF), for a
situation of the evidence register; what they show is built in brief.py."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from forewarn.evidence.models import Situation
from forewarn.respond.brief import build_brief, record_issue, situation_options, to_pdf
from forewarn.respond.catalog import PHASES, STATE_ROLES
from forewarn.security import principal_of
from forewarn.web.deps import SessionDep
from forewarn.web.render import twin

router = APIRouter()
TAGS = ["respond"]


def _situation(session, situation_id: int):
    s = session.get(Situation, situation_id)
    if s is None:
        raise HTTPException(404, f"No situation #{situation_id} (or you may not read it).")
    return s


def _check(phase, state_role):
    if phase is not None and phase not in PHASES:
        raise HTTPException(422, f"phase must be one of {', '.join(PHASES)}")
    if state_role is not None and state_role not in STATE_ROLES:
        raise HTTPException(422, f"state_role must be one of {', '.join(STATE_ROLES)}")


_PHASE = Query(None, description="what-if: latent_risk | escalation | ongoing_atrocities | "
               "aftermath (derived from the situation when omitted)")
_ROLE = Query(None, description="what-if: willing_unable | unwilling | complicit | perpetrator")


@twin(router, "/situations/{situation_id}/options", "respond/situation_options.html",
      tags=TAGS)
def options_page(request: Request, session: SessionDep, situation_id: int,
                 phase: str | None = _PHASE, state_role: str | None = _ROLE):
    """Response options for a situation, ranked across all pillars for its derived profile,
    each with why it fits, who must agree and how, what was tried, risks and safeguards."""
    _check(phase, state_role)
    principal = principal_of(session)
    return situation_options(session, request.app.state.settings,
                             _situation(session, situation_id), principal, phase, state_role)


@twin(router, "/situations/{situation_id}/brief", "respond/situation_brief.html", tags=TAGS)
def brief_page(request: Request, session: SessionDep, situation_id: int,
               phase: str | None = _PHASE, state_role: str | None = _ROLE):
    """The decision brief (2-3 A4 pages): key judgements with confidence, what changed, the
    best options with trade-offs and safeguards, deadlines, what was tried, evidence."""
    _check(phase, state_role)
    principal = principal_of(session)
    return build_brief(session, request.app.state.settings, _situation(session, situation_id),
                       principal, phase, state_role)


@router.get("/situations/{situation_id}/brief.pdf", tags=TAGS, response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def brief_pdf(request: Request, session: SessionDep, situation_id: int,
              phase: str | None = _PHASE, state_role: str | None = _ROLE):
    """The decision brief as an A4 PDF; issuing it is recorded (for "what changed")."""
    _check(phase, state_role)
    principal = principal_of(session)
    sit = _situation(session, situation_id)
    brief = build_brief(session, request.app.state.settings, sit, principal, phase,
                        state_role)
    body = to_pdf(brief)
    if principal is not None and principal.can("create") and not (phase or state_role):
        record_issue(session, sit, brief, principal)
        session.commit()
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="brief-situation-{situation_id}.pdf"'})
