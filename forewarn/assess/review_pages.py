"""The review side of assessments: the queue of submissions waiting for a reviewer (with its
count in the site menu), per-indicator comments, and an assessment as a PDF. The e-mail sent
on submission: review_mail.py."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from forewarn.assess import service
from forewarn.assess.access import actor_from_principal
from forewarn.assess.catalog import load_framework
from forewarn.assess.models import Assessment, AssessmentVersion
from forewarn.assess.views import WORKFLOW_ERRORS, assessment_dict, http_error
from forewarn.security.deps import CurrentPrincipal, require
from forewarn.web.deps import SessionDep, SettingsDep, request_session
from forewarn.web.menu import COUNTS
from forewarn.web.render import templates, twin

router = APIRouter(tags=["assessments"])


def queue_count(request: Request) -> int:
    """Submissions waiting, for the menu badge (reviewers only; 0 for everyone else)."""
    principal = getattr(request.state, "principal", None)
    if principal is None or not principal.can("review"):
        return 0
    with request_session(request) as session:
        return session.scalar(select(func.count(Assessment.id)).where(
            Assessment.status == "in_review")) or 0


def returned_count(request: Request) -> int:
    """The reader's own assessments a reviewer returned with a note (the author's notice)."""
    principal = getattr(request.state, "principal", None)
    if principal is None or principal.user_id is None or not principal.can("create"):
        return 0
    with request_session(request) as session:
        return session.scalar(
            select(func.count(Assessment.id)).join(AssessmentVersion, (
                AssessmentVersion.assessment_id == Assessment.id) & (
                AssessmentVersion.number == Assessment.current_version)).where(
                Assessment.status == "draft", Assessment.author_id == principal.user_id,
                AssessmentVersion.kind == "return")) or 0


COUNTS["assess_review"] = queue_count
COUNTS["assess_returned"] = returned_count


def _submission(session, a: Assessment) -> dict:
    v = session.scalar(select(AssessmentVersion).where(
        AssessmentVersion.assessment_id == a.id, AssessmentVersion.kind == "submit")
        .order_by(AssessmentVersion.number.desc()).limit(1))
    return {"id": a.id, "iso3": a.country.iso3, "country": a.country.name,
            "as_of": a.as_of.isoformat(), "author": a.author_name,
            "sensitivity": str(a.sensitivity), "version": a.current_version,
            "submitted_at": v.created_at.isoformat() if v and v.created_at else None,
            "submitted_by": v.editor_name if v else None, "note": v.note if v else ""}


@twin(router, "/assessments/review", "assess/review.html")
def review_page(request: Request, session: SessionDep, principal: CurrentPrincipal):
    """Assessments waiting for review (oldest first) and the latest review decisions."""
    actor = actor_from_principal(principal)
    if not (actor.can("review") or actor.can("create")):
        raise HTTPException(401 if actor.id is None else 403,
                            "The review queue is for analysts and reviewers.")
    waiting = [_submission(session, a) for a in service.review_queue(session)]
    decided = session.scalars(select(AssessmentVersion).where(
        AssessmentVersion.kind.in_(("publish", "return")))
        .order_by(AssessmentVersion.created_at.desc()).limit(20))
    recent = []
    for v in decided:
        a = session.get(Assessment, v.assessment_id)
        if a is not None:
            recent.append({"id": a.id, "country": a.country.name, "as_of": a.as_of.isoformat(),
                           "decision": v.kind, "by": v.editor_name, "note": v.note,
                           "at": v.created_at.isoformat() if v.created_at else None})
    return {"waiting": waiting, "count": len(waiting), "recent": recent,
            "can_review": actor.can("review")}


@router.post("/assessments/{assessment_id}/comments", dependencies=[Depends(require("create"))],
             include_in_schema=False)
async def comment_from_form(request: Request, assessment_id: int, session: SessionDep,
                            principal: CurrentPrincipal):
    form = await request.form()
    actor = actor_from_principal(principal)
    try:
        a = service.get(session, assessment_id)
        indicator = str(form.get("indicator", ""))[:20]
        service.add_comment(session, actor, a, indicator, str(form.get("body", "")))
        session.commit()
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None
    anchor = f"#comments-{indicator}" if indicator else "#comments"
    return RedirectResponse(f"/assessments/{a.id}{anchor}", status_code=303)


def _no_fetch(url: str, *args, **kwargs):
    # Built from our own template, with the styles inline: never reach out to the network.
    raise ValueError(f"external resource refused in assessment PDF: {url}")


@router.get("/assessments/{assessment_id}.pdf", include_in_schema=False)
def assessment_pdf(request: Request, assessment_id: int, session: SessionDep,
                   settings: SettingsDep, principal: CurrentPrincipal):
    """The assessment as the reader sees it, as a PDF (WeasyPrint)."""
    actor = actor_from_principal(principal)
    try:
        a = service.get(session, assessment_id)
        data = assessment_dict(session, actor, load_framework(settings.data_dir), a)
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None
    html = templates.get_template("assess/print.html").render(
        **data, generated=datetime.now().strftime("%Y-%m-%d %H:%M"))
    from weasyprint import HTML  # heavy: weasyprint

    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    name = f"forewarn-assessment-{data['iso3']}-{data['as_of']}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
