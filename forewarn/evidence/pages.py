"""The register's pages (each with its JSON twin) and the plain-HTML forms behind them: add a
source, record an incident, decide on legal proposals, open a situation, read its dossier."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from forewarn.evidence import dossier, export, legal, sources
from forewarn.evidence import incidents as inc_mod
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
from forewarn.evidence.models import Incident, Situation, Source
from forewarn.evidence.profile import situation_rules
from forewarn.evidence.views import incident_dict, situation_dict, source_dict
from forewarn.web.deps import SessionDep
from forewarn.web.render import render, twin

router = APIRouter()
TAGS = ["evidence pages"]


def see_other(url: str) -> RedirectResponse:
    """The redirect after a form post (303: the browser then GETs URL)."""
    return RedirectResponse(url, status_code=303)


def _can(principal, permission: str) -> bool:
    return principal.can(permission)


@twin(router, "/evidence", "evidence/index.html", tags=TAGS)
def index(request: Request, session: SessionDep, principal: CurrentPrincipal):
    """The evidence register: latest sources, incidents and situations you may read."""
    count = {m.__tablename__: session.scalar(select(func.count()).select_from(m))
             for m in (Source, Incident, Situation)}
    return {"counts": {"sources": count["evidence_source"],
                       "incidents": count["evidence_incident"],
                       "situations": count["evidence_situation"]},
            "sources": [source_dict(s, principal) for s in
                        session.scalars(select(Source).order_by(Source.id.desc()).limit(20))],
            "incidents": [incident_dict(i, principal) for i in session.scalars(
                select(Incident).order_by(Incident.id.desc()).limit(20))],
            "situations": [situation_dict(s) for s in
                           session.scalars(select(Situation).order_by(Situation.id))],
            "can_create": _can(principal, "create")}


def form_vocab() -> dict:
    v = vocabulary()
    return {k: v[k] for k in ("harm_types", "protected_characteristics", "context_facts",
                              "reliability", "credibility", "standards_of_proof")}


@twin(router, "/evidence/sources/new", "evidence/source_new.html", tags=TAGS)
def source_form(request: Request, principal=Depends(require("create"))):
    """The form for registering a source (file, URL or pasted text)."""
    return {"vocabulary": form_vocab(), "error": None, "values": {}}


@router.post("/evidence/sources/new", include_in_schema=False)
async def source_submit(request: Request, session: SessionDep, store: StoreDep,
                        principal=Depends(require("create"))):
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    kind = values.get("kind", "upload")
    common = dict(title=values.get("title", ""), actor=principal,
                  collector=values.get("collector") or None,
                  description=values.get("description", ""),
                  citation=values.get("citation", ""),
                  sensitivity=values.get("sensitivity", "internal"),
                  reliability=values.get("reliability"), credibility=values.get("credibility"))
    try:
        if kind == "upload":
            upload = form.get("file")
            if upload is None or isinstance(upload, str) or not upload.filename:
                raise sources.IntakeError("choose a file to upload")
            data = await upload.read(sources.MAX_BYTES + 1)
            common["title"] = common["title"] or upload.filename
            result = sources.register(session, store, data, kind="upload",
                                      filename=upload.filename,
                                      original_location=values.get("url") or upload.filename,
                                      media_type=upload.content_type, **common)
        elif kind == "url":
            text = values.get("text", "")
            result = sources.register_url(session, store, values.get("url", ""),
                                          data=text.encode("utf-8") if text else None,
                                          fetch=bool(values.get("fetch")) and not text,
                                          **common)
        else:
            result = sources.register_text(session, store, values.get("text", ""),
                                           original_location=values.get("url", ""), **common)
    except sources.IntakeError as exc:
        session.rollback()
        return render(request, "evidence/source_new.html",
                      {"vocabulary": form_vocab(), "error": str(exc), "values": values},
                      status_code=422)
    if not result.visible:
        session.commit()  # the new capture stays in that source's custody log
        raise HTTPException(409, "These exact bytes are already registered in a source you "
                            "may not read; ask its custodian.")
    session.commit()
    suffix = "?duplicate=1" if result.duplicate else ""
    return see_other(f"/evidence/sources/{result.source.id}{suffix}")


@twin(router, "/evidence/sources/{source_id}", "evidence/source.html", tags=TAGS)
def source_page(request: Request, source_id: int, session: SessionDep,
                principal: CurrentPrincipal, duplicate: bool = False):
    """A source: hash, capture, grading, copies and its chain of custody."""
    s = get_source(session, source_id)
    copies = [source_dict(c, principal) for c in session.scalars(
        select(Source).where(Source.derived_from_id == s.id))]
    return {"source": source_dict(s, principal, True, session), "working_copies": copies,
            "duplicate": duplicate, "can_create": _can(principal, "create")}


@twin(router, "/evidence/incidents/new", "evidence/incident_new.html", tags=TAGS)
def incident_form(request: Request, session: SessionDep, principal=Depends(require("create")),
                  source: int | None = None, situation: int | None = None):
    """The form for recording an incident (optionally from a source, or into a situation)."""
    recent = [source_dict(s, principal) for s in
              session.scalars(select(Source).order_by(Source.id.desc()).limit(30))]
    values: dict = {"source_ids": [str(source)] if source else []}
    if situation is not None:
        sit = get_situation(session, situation)
        values |= {"situation": sit.id, "situation_title": sit.title,
                   "country": sit.country.iso3}
    return {"vocabulary": form_vocab(), "sources": recent, "error": None, "values": values}


def incident_from_form(form) -> tuple[dict, list[dict]]:
    get = form.get
    casualties = {}
    for cat in ("killed", "injured", "displaced"):
        fig = {k: get(f"{cat}_{k}") for k in ("low", "best", "high") if get(f"{cat}_{k}")}
        if fig and get(f"{cat}_at_least"):
            fig = {"low": fig.get("low") or fig.get("best") or fig.get("high"),
                   "at_least": True}
        if fig:
            casualties[cat] = fig
    context = {}
    if get("armed_conflict"):
        context["armed_conflict"] = get("armed_conflict")
    for f in form.getlist("facts"):
        context[f] = True
    victims = []
    if get("victim_name"):
        victims.append({"name": get("victim_name"),
                        "characteristics": form.getlist("characteristics")})
    data = {"title": get("title"), "summary": get("summary"), "date_start": get("date_start"),
            "date_end": get("date_end"), "date_precision": get("date_precision"),
            "perpetrator_kind": get("perpetrator_kind"),
            "place": get("place"), "country": get("country"),
            "latitude": get("latitude"), "longitude": get("longitude"),
            "harm_types": form.getlist("harm_types"), "perpetrators": get("perpetrators"),
            "victim_groups": victims, "casualties": casualties, "context": context,
            "sensitivity": get("sensitivity")}
    supports = ["conduct", *(list(context) if get("sources_support_context") else [])]
    links = [{"source_id": int(sid), "supports": supports, "locator": get("locator") or ""}
             for sid in form.getlist("source_ids") if str(sid).isdigit()]
    return data, links


@router.post("/evidence/incidents/new", include_in_schema=False)
async def incident_submit(request: Request, session: SessionDep,
                          principal=Depends(require("create"))):
    form = await request.form()
    data, links = incident_from_form(form)
    sit = get_situation(session, int(form["situation"])) \
        if str(form.get("situation") or "").isdigit() else None
    try:
        i = inc_mod.create_incident(session, data, principal, sources=links)
        if sit is not None:
            inc_mod.add_to_situation(session, sit, [i], principal)
    except inc_mod.IncidentError as exc:
        session.rollback()
        recent = [source_dict(s, principal) for s in
                  session.scalars(select(Source).order_by(Source.id.desc()).limit(30))]
        values = {**{k: v for k, v in form.items() if k != "csrf_token"},
                  "source_ids": form.getlist("source_ids"),
                  "harm_types": form.getlist("harm_types")}
        return render(request, "evidence/incident_new.html",
                      {"vocabulary": form_vocab(), "sources": recent, "error": str(exc),
                       "values": values}, status_code=422)
    session.commit()
    return see_other(f"/situations/{sit.id}/profile" if sit is not None
                      else f"/evidence/incidents/{i.id}")


@twin(router, "/evidence/incidents/{incident_id}", "evidence/incident.html", tags=TAGS)
def incident_page(request: Request, incident_id: int, session: SessionDep,
                  principal: CurrentPrincipal):
    """An incident with its sources and links to its legal proposals."""
    i = get_incident(session, incident_id)
    return {"incident": incident_dict(i, principal), "can_create": _can(principal, "create"),
            "standards": vocabulary()["standards_of_proof"], "today": date.today().isoformat()}


def _proposals_view(session, principal, **scope) -> dict:
    result = legal.proposals_for(session, principal, **scope)
    result["can_decide"] = _can(principal, "create")
    return result


@twin(router, "/evidence/incidents/{incident_id}/proposals", "evidence/proposals.html",
      tags=TAGS)
def incident_proposals(request: Request, incident_id: int, session: SessionDep,
                       principal: CurrentPrincipal):
    """Candidate crimes for an incident, element by element, for an analyst to decide."""
    i = get_incident(session, incident_id)
    return {**_proposals_view(session, principal, incident=i), "title": i.title,
            "action": f"/evidence/incidents/{i.id}/proposals"}


async def _form_decision(request: Request, session, principal, crime_id: str, back: str,
                         **scope):
    check_edit(principal, next(iter(scope.values())).created_by)
    form = await request.form()
    try:
        legal.decide(session, crime_id, str(form.get("decision", "")), principal,
                     str(form.get("reason", "")), principal=principal, **scope)
    except legal.DecisionError as exc:
        raise HTTPException(422, str(exc)) from None
    session.commit()
    return see_other(f"{back}#{crime_id}")


@router.post("/evidence/incidents/{incident_id}/proposals/{crime_id}",
             include_in_schema=False)
async def incident_decision(request: Request, incident_id: int, crime_id: str,
                            session: SessionDep, principal=Depends(require("create"))):
    i = get_incident(session, incident_id)
    return await _form_decision(request, session, principal, crime_id,
                                f"/evidence/incidents/{i.id}/proposals", incident=i)


@twin(router, "/situations", "evidence/situations.html", tags=TAGS)
def situations(request: Request, session: SessionDep, principal: CurrentPrincipal):
    """Situations (a set of incidents, a country and a period) and their dossiers."""
    incidents = [{"id": i.id, "title": i.title, "country": i.country.iso3 if i.country
                  else None} for i in session.scalars(
        select(Incident).order_by(Incident.id.desc()).limit(100))] \
        if _can(principal, "create") else []
    return {"situations": [situation_dict(s) for s in
                           session.scalars(select(Situation).order_by(Situation.id))],
            "can_create": _can(principal, "create"), "incidents": incidents,
            "standards": vocabulary()["standards_of_proof"]}


@router.post("/situations/new", include_in_schema=False)
async def situation_submit(request: Request, session: SessionDep,
                           principal=Depends(require("create"))):
    form = await request.form()
    data = {k: form.get(k) for k in ("title", "country", "period_start", "period_end",
                                     "summary", "standard_of_proof", "sensitivity",
                                     "perpetrators", "protected_groups", "other_countries")}
    data["incident_ids"] = [int(i) for i in form.getlist("incident_ids") if str(i).isdigit()]
    try:
        s = inc_mod.create_situation(session, data, principal)
    except inc_mod.IncidentError as exc:
        raise HTTPException(422, str(exc)) from None
    session.commit()
    # From the situations page: its profile; from an incident's "generate dossier": the dossier.
    return see_other(f"/situations/{s.id}/profile" if form.get("next") == "profile"
                      else f"/situations/{s.id}")


def _dossier(request: Request, session, principal, situation_id: int) -> dict:
    sit = get_situation(session, situation_id)
    q = request.query_params
    phase, role = q.get("phase") or None, q.get("state_role") or None

    allowed = situation_rules()["overridable"]
    if phase is not None and phase not in allowed["phase"]:
        raise HTTPException(422, f"phase must be one of {', '.join(allowed['phase'])}")
    if role is not None and role not in allowed["state_role"]:
        raise HTTPException(422, f"state_role must be one of {', '.join(allowed['state_role'])}")
    return dossier.build(session, sit, principal, request.app.state.settings, phase=phase,
                         state_role=role)


def _download(request: Request, session, principal, situation_id: int, fmt: str) -> Response:
    d = _dossier(request, session, principal, situation_id)
    body = export.to_pdf(d) if fmt == "pdf" else export.to_markdown(d).encode("utf-8")
    dossier.record_export(session, d, principal, fmt)
    session.commit()
    media = "application/pdf" if fmt == "pdf" else "text/markdown; charset=utf-8"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="situation-{situation_id}.{fmt}"'})


@router.get("/situations/{situation_id}.pdf", tags=["evidence"],
            response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def situation_pdf(request: Request, situation_id: int, session: SessionDep,
                  principal=Depends(require("export"))):
    """The dossier as PDF (redacted for you; logged as an export of every cited source)."""
    return _download(request, session, principal, situation_id, "pdf")


@router.get("/situations/{situation_id}.md", tags=["evidence"], response_class=Response,
            responses={200: {"content": {"text/markdown": {}}}})
def situation_md(request: Request, situation_id: int, session: SessionDep,
                 principal=Depends(require("export"))):
    """The dossier as Markdown (redacted for you; logged as an export)."""
    return _download(request, session, principal, situation_id, "md")


@twin(router, "/situations/{situation_id}", "evidence/dossier.html", tags=["evidence"])
def situation_dossier(request: Request, situation_id: int, session: SessionDep,
                      principal: CurrentPrincipal):
    """The situation dossier: findings of fact with citations, legal determinations element by
    element, obligations of the state and recommendations."""
    d = _dossier(request, session, principal, situation_id)
    d["can_export"] = _can(principal, "export")
    return d


@twin(router, "/situations/{situation_id}/proposals", "evidence/proposals.html", tags=TAGS)
def situation_proposals(request: Request, situation_id: int, session: SessionDep,
                        principal: CurrentPrincipal):
    """Candidate crimes across a situation's incidents."""
    s = get_situation(session, situation_id)
    return {**_proposals_view(session, principal, situation=s), "title": s.title,
            "action": f"/situations/{s.id}/proposals"}


@router.post("/situations/{situation_id}/proposals/{crime_id}", include_in_schema=False)
async def situation_decision(request: Request, situation_id: int, crime_id: str,
                             session: SessionDep, principal=Depends(require("create"))):
    s = get_situation(session, situation_id)
    return await _form_decision(request, session, principal, crime_id,
                                f"/situations/{s.id}/proposals", situation=s)

