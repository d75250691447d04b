"""The assessment JSON API: everything the pages do, for scripts (bearer tokens) and clients.

Reads are filtered by sensitivity (the session carries the caller) and by role (readers who
are not analysts or reviewers see published snapshots only); writes need the permissions of
the workflow (service.py) and are recorded in the audit log.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from forewarn.assess import service, transfer
from forewarn.assess.access import actor_from_principal, audit
from forewarn.assess.catalog import load_framework
from forewarn.assess.ratings import Content, Rating
from forewarn.assess.review_mail import notify_submitted
from forewarn.assess.views import (
    WORKFLOW_ERRORS,
    assessment_dict,
    get_or_404,
    http_error,
    suggestions_dict,
)
from forewarn.security.deps import CurrentPrincipal, require
from forewarn.web.deps import SessionDep, SettingsDep

router = APIRouter(prefix="/api", tags=["assessments"])
Level = Literal["public", "internal", "restricted", "confidential"]
MEDIA = {"yaml": "application/yaml", "json": "application/json", "csv": "text/csv"}
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class AssessmentIn(BaseModel):
    iso3: str = Field(min_length=3, max_length=3)
    as_of: date
    sensitivity: Level = "internal"
    summary: str = ""
    ratings: list[Rating] = Field(default_factory=list)


class ContentIn(BaseModel):
    summary: str = ""
    ratings: list[Rating] = Field(default_factory=list)
    expected_version: int | None = Field(None, description="Refuse the save if the assessment "
                                         "moved on since this version (optimistic locking).")
    note: str = ""


class StepIn(BaseModel):
    note: str = ""


class SensitivityIn(BaseModel):
    sensitivity: Level


@router.get("/assessments")
def list_assessments(session: SessionDep, principal: CurrentPrincipal,
                     iso3: str | None = None, status: str | None = None):
    """Assessments the caller may see (with their workflow state and version numbers)."""
    actor = actor_from_principal(principal)
    return {"assessments": [
        {"id": a.id, "iso3": a.country.iso3, "as_of": a.as_of.isoformat(), "status": a.status,
         "sensitivity": str(a.sensitivity), "demo": a.demo, "author": a.author_name,
         "current_version": a.current_version, "published_version": a.published_version}
        for a in service.list_assessments(session, actor, iso3, status)]}


@router.post("/assessments", status_code=201, dependencies=[Depends(require("create"))])
def create(body: AssessmentIn, session: SessionDep, settings: SettingsDep,
           principal: CurrentPrincipal):
    """Start an assessment of a country as of a date (draft, version 1)."""
    actor = actor_from_principal(principal)
    framework = load_framework(settings.data_dir)
    try:
        a = service.create(session, actor, framework, body.iso3, body.as_of,
                           Content(summary=body.summary, ratings=body.ratings),
                           sensitivity=body.sensitivity)
        session.commit()
        return assessment_dict(session, actor, framework, a)
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None


@router.get("/assessments/export", dependencies=[Depends(require("export"))])
def export(request: Request, session: SessionDep, principal: CurrentPrincipal,
           fmt: Literal["yaml", "json", "csv"] = Query("yaml", alias="format"),
           iso3: str | None = None):
    """Every assessment the caller may read, as YAML, JSON or CSV (import round-trips it)."""
    actor = actor_from_principal(principal)
    text = transfer.dumps(transfer.records(session, actor, iso3), fmt)
    audit(session, actor, "assessment.export", "assessment", None,
          after={"format": fmt, "iso3": iso3})
    session.commit()
    return Response(text, media_type=f"{MEDIA[fmt]}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="forewarn-assessments.{fmt}"'})


@router.post("/assessments/import", dependencies=[Depends(require("create"))])
async def import_(request: Request, settings: SettingsDep, principal: CurrentPrincipal,
                  fmt: Literal["yaml", "json", "csv"] = Query("yaml", alias="format")):
    """Create or revise assessments from an export (request body); all or nothing."""
    body = await request.body()
    if len(body) > MAX_IMPORT_BYTES:
        raise HTTPException(413, "imports are limited to 5 MB")
    actor = actor_from_principal(principal)

    def work():
        with request.app.state.sessions() as session:
            session.info["principal"] = principal
            try:
                recs = transfer.loads(body.decode("utf-8"), fmt)
                result = transfer.import_records(session, actor,
                                                 load_framework(settings.data_dir), recs,
                                                 f"API upload ({fmt})")
                session.commit()
                return result
            except UnicodeDecodeError:
                raise HTTPException(422, "the file must be UTF-8 text") from None
            except WORKFLOW_ERRORS as exc:
                raise http_error(exc) from None

    return await run_in_threadpool(work)


@router.get("/assessments/{assessment_id}")
def read(assessment_id: int, session: SessionDep, settings: SettingsDep,
         principal: CurrentPrincipal):
    """One assessment as the caller may read it, with its computed profile."""
    actor = actor_from_principal(principal)
    try:
        return assessment_dict(session, actor, load_framework(settings.data_dir),
                               get_or_404(session, assessment_id))
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None


@router.put("/assessments/{assessment_id}", dependencies=[Depends(require("edit:own"))])
def save(assessment_id: int, body: ContentIn, session: SessionDep, settings: SettingsDep,
         principal: CurrentPrincipal):
    """Replace the ratings and summary (a new version; unchanged content adds none)."""
    actor = actor_from_principal(principal)
    framework = load_framework(settings.data_dir)
    a = get_or_404(session, assessment_id)
    try:
        service.save(session, actor, framework, a,
                     Content(summary=body.summary, ratings=body.ratings), note=body.note,
                     expected_version=body.expected_version)
        session.commit()
        return assessment_dict(session, actor, framework, a)
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None


def _step(name: str):
    step = {"submit": service.submit, "return": service.return_to_draft,
            "publish": service.publish}[name]
    permission = "review" if name in ("return", "publish") else "edit:own"

    def endpoint(assessment_id: int, session: SessionDep, settings: SettingsDep,
                 principal: CurrentPrincipal, body: StepIn | None = None):
        actor = actor_from_principal(principal)
        a = get_or_404(session, assessment_id)
        try:
            step(session, actor, a, body.note if body else "")
            session.commit()
            if name == "submit":
                notify_submitted(session, a, actor, body.note if body else "")
            return assessment_dict(session, actor, load_framework(settings.data_dir), a)
        except WORKFLOW_ERRORS as exc:
            raise http_error(exc) from None

    endpoint.__name__ = f"{name}_assessment"
    endpoint.__doc__ = {"submit": "Draft → in review (needs complete content).",
                        "return": "In review → draft, with a note for the author.",
                        "publish": "In review → published, by a reviewer who wrote none of "
                                   "it."}[name]
    router.add_api_route(f"/assessments/{{assessment_id}}/{name}", endpoint, methods=["POST"],
                         dependencies=[Depends(require(permission))])


for _name in ("submit", "return", "publish"):
    _step(_name)


@router.put("/assessments/{assessment_id}/sensitivity",
            dependencies=[Depends(require("edit:own"))])
def set_sensitivity(assessment_id: int, body: SensitivityIn, session: SessionDep,
                    principal: CurrentPrincipal):
    """Change who may read the assessment (lowering it needs `publish`)."""
    actor = actor_from_principal(principal)
    a = get_or_404(session, assessment_id)
    try:
        service.set_sensitivity(session, actor, a, body.sensitivity)
        session.commit()
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None
    return {"id": a.id, "sensitivity": body.sensitivity}


@router.get("/assessments/{assessment_id}/versions")
def versions(assessment_id: int, session: SessionDep, principal: CurrentPrincipal):
    """Every stored version (who, when, what kind of step)."""
    actor = actor_from_principal(principal)
    if not service.is_editor(actor):
        raise HTTPException(403, "Version history is for analysts and reviewers.")
    a = get_or_404(session, assessment_id)
    return [{"number": v.number, "kind": v.kind, "status": v.status, "editor": v.editor_name,
             "note": v.note, "created_at": v.created_at.isoformat()}
            for v in service.versions(session, a)]


@router.get("/assessments/{assessment_id}/versions/{number}")
def read_version(assessment_id: int, number: int, session: SessionDep, settings: SettingsDep,
                 principal: CurrentPrincipal):
    """One version as it was, with its profile."""
    actor = actor_from_principal(principal)
    try:
        return assessment_dict(session, actor, load_framework(settings.data_dir),
                               get_or_404(session, assessment_id), number)
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None


@router.get("/assessments/{assessment_id}/diff")
def diff(assessment_id: int, session: SessionDep, principal: CurrentPrincipal,
         first: int = Query(..., alias="from", ge=1), second: int = Query(..., alias="to",
                                                                          ge=1)):
    """Differences between two versions."""
    if not service.is_editor(actor_from_principal(principal)):
        raise HTTPException(403, "Comparing versions is for analysts and reviewers.")
    try:
        return service.diff_versions(session, get_or_404(session, assessment_id), first, second)
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None


@router.get("/countries/{iso3}/suggestions", tags=["framework"])
def suggestions(iso3: str, session: SessionDep, settings: SettingsDep,
                year: int | None = Query(None, ge=1900, le=2200)):
    """Data-suggested indicators for a country (source, dataset, year, value, signal), from
    data up to YEAR (default: the latest). Never ratings: for the analyst to weigh."""
    framework = load_framework(settings.data_dir)
    try:
        c = service.country_by_iso3(session, iso3)
    except service.NotFound as exc:
        raise http_error(exc) from None
    return {"iso3": c.iso3, "country": c.name, **suggestions_dict(session, framework, c.id,
                                                                  year)}
