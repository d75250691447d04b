"""The register's JSON API (/api/evidence/..., /api/situations); corrections and situation
profiles are in situation_api.py, the pages in pages.py and situation_pages.py.

Stable: sources and incidents creatable here (documented in /openapi.json), an incident's legal
proposals as JSON at /api/evidence/incidents/{id}/proposals.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from forewarn.data.errors import DataError
from forewarn.evidence import incidents as inc_mod
from forewarn.evidence import legal, sources
from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.deps import (
    CurrentPrincipal,
    StoreDep,
    check_edit,
    get_incident,
    get_situation,
    get_source,
    require,
)
from forewarn.evidence.importers import import_csv, import_ucdp
from forewarn.evidence.incidents import IncidentError
from forewarn.evidence.models import Incident, Situation, Source
from forewarn.evidence.schemas import (
    DecisionIn,
    FindingIn,
    GradeIn,
    IncidentIn,
    IncidentOut,
    LinkIn,
    SituationIn,
    SourceIn,
    SourceOut,
    TransferIn,
)
from forewarn.evidence.views import incident_dict, situation_dict, source_dict
from forewarn.store.models import Country
from forewarn.web.deps import SessionDep

router = APIRouter(prefix="/api", tags=["evidence"])
CREATE = [Depends(require("create"))]


def unprocessable(exc: Exception) -> HTTPException:
    return HTTPException(422, str(exc))


def intake_response(session, result: sources.Intake, principal) -> dict:
    if not result.visible:
        session.commit()  # the new capture stays in that source's custody log
        raise HTTPException(409, f"These exact bytes are already registered as source "
                            f"#{result.source.id}, which you may not read; ask its custodian.")
    return {**source_dict(result.source, principal), "duplicate": result.duplicate}


@router.get("/evidence/vocabulary")
def api_vocabulary():
    """Harm types, protected characteristics, casualty categories, context facts, grading
    scales and standards of proof."""
    v = vocabulary()
    keys = ("harm_types", "protected_characteristics", "casualty_categories", "context_facts",
            "reliability", "credibility", "standards_of_proof")
    return {k: v[k] for k in keys}


@router.get("/evidence/sources")
def api_sources(session: SessionDep, principal: CurrentPrincipal):
    """Sources you may read, newest first."""
    rows = session.scalars(select(Source).order_by(Source.id.desc()))
    return {"sources": [source_dict(s, principal) for s in rows]}


@router.post("/evidence/sources", response_model=SourceOut, status_code=201, dependencies=CREATE)
def api_create_source(body: SourceIn, session: SessionDep, store: StoreDep,
                      principal: CurrentPrincipal):
    """Register a URL (supplied copy or server fetch) or pasted text. The same bytes
    registered twice return the existing source with `duplicate: true`."""
    common = dict(title=body.title, actor=principal, collector=body.collector,
                  captured_at=body.captured_at, description=body.description,
                  citation=body.citation, sensitivity=body.sensitivity,
                  reliability=body.reliability, credibility=body.credibility,
                  confidential_notes=body.confidential_notes)
    try:
        data = None
        if body.content_base64:
            data = base64.b64decode(body.content_base64, validate=True)
        elif body.text is not None:
            data = body.text.encode("utf-8")
        if body.kind == "text":
            if data is None:
                raise sources.IntakeError("text is required")
            result = sources.register(session, store, data, kind="text",
                                      media_type="text/plain; charset=utf-8",
                                      original_location=body.url or "", **common)
        else:
            if not body.url:
                raise sources.IntakeError("url is required")
            result = sources.register_url(session, store, body.url, data=data,
                                          fetch=body.fetch and data is None, **common)
    except (sources.IntakeError, ValueError) as exc:  # binascii.Error is a ValueError
        raise unprocessable(exc) from None
    out = intake_response(session, result, principal)
    session.commit()
    return out


@router.post("/evidence/sources/upload", response_model=SourceOut, status_code=201,
          dependencies=CREATE)
async def api_upload_source(session: SessionDep, store: StoreDep, principal: CurrentPrincipal,
                            file: UploadFile = File(...), title: str = Form(""),
                            collector: str = Form(""), original_location: str = Form(""),
                            description: str = Form(""), citation: str = Form(""),
                            sensitivity: str = Form("internal"), reliability: str = Form(""),
                            credibility: str = Form("")):
    """Register an uploaded file (multipart)."""
    data = await file.read(sources.MAX_BYTES + 1)
    try:
        result = sources.register(
            session, store, data, kind="upload", title=title or file.filename or "upload",
            actor=principal, collector=collector or None, filename=file.filename or "",
            original_location=original_location or file.filename or "",
            media_type=file.content_type, description=description, citation=citation,
            sensitivity=sensitivity, reliability=reliability, credibility=credibility)
    except sources.IntakeError as exc:
        raise unprocessable(exc) from None
    out = intake_response(session, result, principal)
    session.commit()
    return out


@router.get("/evidence/sources/{source_id}")
def api_source(source_id: int, session: SessionDep, principal: CurrentPrincipal):
    """A source with its full custody log."""
    return source_dict(get_source(session, source_id), principal, True, session)


@router.get("/evidence/sources/{source_id}/content")
def api_source_content(source_id: int, session: SessionDep, store: StoreDep,
                       principal: CurrentPrincipal, purpose: str = "view"):
    """The stored bytes, re-hashed first; the access is written to the custody log."""
    s = get_source(session, source_id)
    try:
        data = sources.read_bytes(session, store, s, principal, purpose[:200])
    except (sources.IntegrityError, FileNotFoundError) as exc:
        raise HTTPException(500, str(exc)) from None
    session.commit()
    name = (s.filename or f"source-{s.id}").replace('"', "")
    return Response(data, media_type=s.media_type.split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Content-SHA256": s.sha256})


@router.post("/evidence/sources/{source_id}/grade", dependencies=CREATE)
def api_grade(source_id: int, body: GradeIn, session: SessionDep, principal: CurrentPrincipal):
    """Grade the source's reliability (A-F) and the information's credibility (1-6)."""
    s = get_source(session, source_id)
    check_edit(principal, s.created_by)
    sources.grade(session, s, body.reliability, body.credibility, principal)
    session.commit()
    return source_dict(s, principal)


@router.post("/evidence/sources/{source_id}/transfer", dependencies=CREATE)
def api_transfer(source_id: int, body: TransferIn, session: SessionDep,
                 principal: CurrentPrincipal):
    """Hand custody of the source to someone else (recorded in the custody log)."""
    s = get_source(session, source_id)
    check_edit(principal, s.created_by)
    sources.transfer(session, s, body.to, principal, body.reason)
    session.commit()
    return source_dict(s, principal)


@router.post("/evidence/sources/{source_id}/working-copy", status_code=201, dependencies=CREATE)
async def api_working_copy(source_id: int, session: SessionDep, store: StoreDep,
                           principal: CurrentPrincipal, note: str = Form(""),
                           file: UploadFile | None = File(None)):
    """Make a working copy (the same bytes, or an uploaded processed version)."""
    s = get_source(session, source_id)
    if not principal.can("custody:originals"):  # custodians derive copies for analysts
        check_edit(principal, s.created_by)
    data = await file.read(sources.MAX_BYTES + 1) if file is not None else None
    try:
        wc = sources.working_copy(session, store, s, principal, data, note,
                                  file.filename if file is not None else "")
    except sources.IntakeError as exc:
        raise unprocessable(exc) from None
    session.commit()
    return source_dict(wc, principal)


@router.get("/evidence/incidents")
def api_incidents(session: SessionDep, principal: CurrentPrincipal, country: str | None = None,
                  limit: int = 200, offset: int = 0):
    """Incidents you may read, newest first (LIMIT at most 1000)."""
    q = select(Incident).order_by(Incident.date_start.desc(), Incident.id.desc())
    if country:
        q = q.join(Incident.country).where(Country.iso3 == country.upper())
    rows = session.scalars(q.limit(min(max(limit, 1), 1000)).offset(max(offset, 0)))
    return {"incidents": [incident_dict(i, principal) for i in rows]}


@router.post("/evidence/incidents", response_model=IncidentOut, status_code=201,
          dependencies=CREATE)
def api_create_incident(body: IncidentIn, session: SessionDep, principal: CurrentPrincipal):
    """Record an incident, optionally linking sources (each with the facts it supports)."""
    data = body.model_dump(mode="json")
    try:
        i = inc_mod.create_incident(session, data, principal,
                                    sources=[lk.model_dump() for lk in body.sources])
    except IncidentError as exc:
        raise unprocessable(exc) from None
    session.commit()
    return incident_dict(i, principal)


@router.get("/evidence/incidents/{incident_id}", response_model=IncidentOut)
def api_incident(incident_id: int, session: SessionDep, principal: CurrentPrincipal):
    return incident_dict(get_incident(session, incident_id), principal)


@router.post("/evidence/incidents/{incident_id}/sources", dependencies=CREATE)
def api_link(incident_id: int, body: LinkIn, session: SessionDep, principal: CurrentPrincipal):
    """Link a source to the incident as evidence of the facts in `supports`."""
    i = get_incident(session, incident_id)
    check_edit(principal, i.created_by)
    try:
        inc_mod.link_source(session, i, get_source(session, body.source_id), principal,
                            body.supports, body.locator)
    except IncidentError as exc:
        raise unprocessable(exc) from None
    session.commit()
    session.refresh(i)
    return incident_dict(i, principal)


def _add_finding(session, principal, body: FindingIn, owner: str, **where):
    """A finding on an incident or a situation (WHERE), if the caller may edit OWNER's
    record: (finding, [(source, locator)])."""
    check_edit(principal, owner)
    cites = [(get_source(session, c.source_id), c.locator) for c in body.citations]
    try:
        f = inc_mod.add_finding(session, body.text, cites, principal, section=body.section,
                                sensitivity=body.sensitivity, **where)
    except IncidentError as exc:
        raise unprocessable(exc) from None
    session.commit()
    return f, cites


@router.post("/evidence/incidents/{incident_id}/findings", status_code=201, dependencies=CREATE)
def api_finding(incident_id: int, body: FindingIn, session: SessionDep,
                principal: CurrentPrincipal):
    """Add a finding of fact (one sentence) with at least one citation."""
    i = get_incident(session, incident_id)
    f, cites = _add_finding(session, principal, body, i.created_by, incident=i)
    return {"id": f.id, "text": f.text, "incident_id": i.id,
            "citations": [{"source_id": s.id, "locator": loc} for s, loc in cites]}


@router.post("/evidence/incidents/import", dependencies=CREATE)
async def api_import(session: SessionDep, store: StoreDep, principal: CurrentPrincipal,
                     file: UploadFile = File(...), format: str = Form("csv")):
    """Bulk import from an incident CSV or a UCDP GED event file; all or nothing. A bad row is
    a 422 naming the file, row and column."""
    if format not in ("csv", "ucdp"):
        raise HTTPException(422, "format must be csv or ucdp")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file.filename or "upload.csv").name
        path.write_bytes(await file.read())
        try:
            result = (import_ucdp(session, store, path, principal) if format == "ucdp"
                      else import_csv(session, path, principal))
        except DataError as exc:
            session.rollback()
            raise HTTPException(422, f"Import failed, nothing changed: {exc}") from None
    session.commit()
    return {"file": result.file, "rows": result.rows, "created": result.created,
            "skipped": result.skipped, "source_id": result.source_id}


@router.get("/evidence/incidents/{incident_id}/proposals")
def api_incident_proposals(incident_id: int, session: SessionDep, principal: CurrentPrincipal):
    """Candidate crimes for the incident, element by element, with supporting evidence, what
    is missing, and the analysts' decisions (stable)."""
    return legal.proposals_for(session, principal, incident=get_incident(session, incident_id))


def _decide(session, principal, crime_id: str, body: DecisionIn, **scope):
    check_edit(principal, next(iter(scope.values())).created_by)
    try:
        d = legal.decide(session, crime_id, body.decision, principal, body.reason,
                         principal=principal, **scope)
    except legal.DecisionError as exc:
        raise unprocessable(exc) from None
    session.commit()
    return {"crime_id": d.crime_id, **legal.decision_dict(d)}


@router.post("/evidence/incidents/{incident_id}/proposals/{crime_id}/decision",
          dependencies=CREATE)
def api_incident_decision(incident_id: int, crime_id: str, body: DecisionIn,
                          session: SessionDep, principal: CurrentPrincipal):
    """Accept or reject one proposed crime for the incident (recorded and audited)."""
    return _decide(session, principal, crime_id, body,
                   incident=get_incident(session, incident_id))


@router.get("/situations")
def api_situations(session: SessionDep):
    """Situations you may read."""
    return {"situations": [situation_dict(s) for s in
                           session.scalars(select(Situation).order_by(Situation.id))]}


@router.post("/situations", status_code=201, dependencies=CREATE)
def api_create_situation(body: SituationIn, session: SessionDep, principal: CurrentPrincipal):
    """A situation: a set of incidents, a country and a period (its dossier at
    /situations/{id})."""
    try:
        s = inc_mod.create_situation(session, body.model_dump(mode="json"), principal)
    except IncidentError as exc:
        raise unprocessable(exc) from None
    session.commit()
    return situation_dict(s)


@router.post("/situations/{situation_id}/incidents", dependencies=CREATE)
def api_situation_add(situation_id: int, incident_ids: list[int], session: SessionDep,
                      principal: CurrentPrincipal):
    s = get_situation(session, situation_id)
    check_edit(principal, s.created_by)
    inc_mod.add_to_situation(session, s, [get_incident(session, i) for i in incident_ids],
                             principal)
    session.commit()
    return situation_dict(s)


@router.post("/situations/{situation_id}/findings", status_code=201, dependencies=CREATE)
def api_situation_finding(situation_id: int, body: FindingIn, session: SessionDep,
                          principal: CurrentPrincipal):
    """Add a situation-wide finding (e.g. section `obligation`: a court order's terms), with at
    least one citation."""
    sit = get_situation(session, situation_id)
    f, cites = _add_finding(session, principal, body, sit.created_by, situation=sit)
    return {"id": f.id, "text": f.text, "situation_id": sit.id, "section": f.section,
            "citations": [{"source_id": s.id, "locator": loc} for s, loc in cites]}


@router.get("/situations/{situation_id}/proposals")
def api_situation_proposals(situation_id: int, session: SessionDep,
                            principal: CurrentPrincipal):
    """Candidate crimes across all the situation's incidents, with the decisions taken."""
    return legal.proposals_for(session, principal,
                               situation=get_situation(session, situation_id))


@router.post("/situations/{situation_id}/proposals/{crime_id}/decision", dependencies=CREATE)
def api_situation_decision(situation_id: int, crime_id: str, body: DecisionIn,
                           session: SessionDep, principal: CurrentPrincipal):
    return _decide(session, principal, crime_id, body,
                   situation=get_situation(session, situation_id))
