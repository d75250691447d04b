"""Assessment pages: list and start, view, edit (plain HTML forms, no JavaScript needed),
workflow steps, versions and diffs. Every page has a JSON twin; form posts redirect (303)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from forewarn.assess import evidence_form, review_mail, service
from forewarn.assess.access import actor_from_principal
from forewarn.assess.catalog import load_framework
from forewarn.assess.ratings import CONFIDENCES, RATINGS, TRENDS, Content, Rating
from forewarn.assess.views import (
    WORKFLOW_ERRORS,
    assessment_dict,
    get_or_404,
    http_error,
    suggestions_dict,
)
from forewarn.security.deps import CurrentPrincipal, require
from forewarn.store.models import Country
from forewarn.web.deps import SessionDep, SettingsDep
from forewarn.web.render import render, twin

router = APIRouter(tags=["assessments"])
LEVELS = ("public", "internal", "restricted", "confidential")


async def form_fields(request: Request) -> dict[str, str]:
    # The whole-framework editor sends ~13 fields for each of the 143 indicators.
    form = await request.form(max_fields=20000)
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


FormDep = Annotated[dict[str, str], Depends(form_fields)]


@twin(router, "/assessments", "assess/list.html")
def assessments_page(request: Request, session: SessionDep, principal: CurrentPrincipal,
                     iso3: str | None = None, status: str | None = None):
    """Assessments the reader may see (editors: all states; others: published ones)."""
    actor = actor_from_principal(principal)
    rows = [{"id": a.id, "iso3": a.country.iso3, "country": a.country.name,
             "as_of": a.as_of.isoformat(), "status": a.status, "demo": a.demo,
             "author": a.author_name, "sensitivity": str(a.sensitivity),
             "current_version": a.current_version, "published_version": a.published_version}
            for a in service.list_assessments(session, actor, iso3, status)]
    return {"assessments": rows, "can_create": actor.can("create"), "iso3": (iso3 or "").upper(),
            "levels": LEVELS, "today": date.today().isoformat(),
            "countries": country_choices(session) if actor.can("create") else []}


def country_choices(session) -> list[dict]:
    """Every country of the registry by name, for the picker (no ISO3 code to remember)."""
    return [{"iso3": c.iso3, "name": c.name, "until": c.last_year}
            for c in session.scalars(select(Country).order_by(Country.name))]


@router.post("/assessments", dependencies=[Depends(require("create"))],
             include_in_schema=False)
def create_from_form(request: Request, session: SessionDep, settings: SettingsDep,
                     principal: CurrentPrincipal, form: FormDep):
    actor = actor_from_principal(principal)
    try:
        as_of = date.fromisoformat(form.get("as_of", ""))
    except ValueError:
        raise HTTPException(422, "give the date as YYYY-MM-DD") from None
    level = form.get("sensitivity", "internal")
    if level not in LEVELS:
        raise HTTPException(422, f"sensitivity must be one of {', '.join(LEVELS)}")
    try:
        a = service.create(session, actor, load_framework(settings.data_dir),
                           form.get("iso3", ""), as_of, sensitivity=level)
        session.commit()
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None
    return RedirectResponse(f"/assessments/{a.id}/edit", status_code=303)


@twin(router, "/assessments/{assessment_id}", "assess/view.html")
def assessment_page(request: Request, assessment_id: int, session: SessionDep,
                    settings: SettingsDep, principal: CurrentPrincipal):
    """One assessment: ratings with evidence, its profile, workflow state and versions."""
    actor = actor_from_principal(principal)
    try:
        data = assessment_dict(session, actor, load_framework(settings.data_dir),
                               get_or_404(session, assessment_id))
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None
    data["levels"] = LEVELS
    return data


# -- the editor ------------------------------------------------------------------------------
def _rows(framework, ratings: dict, suggestions: dict, factor: str | None,
          field_errors: dict) -> list[dict]:
    out = []
    for f in framework.factors:
        if factor and f.id != factor:
            continue
        items = []
        for i in f.indicators:
            r = ratings.get(i.id, {})
            items.append({"id": i.id, "text": i.text, "confirmed": i.confirmed,
                          "flag": i.confidence, "wording": i.wording,
                          "rating": r.get("rating", "not_assessed"), "trend": r.get("trend"),
                          "confidence": r.get("confidence"),
                          "rationale": r.get("rationale", ""),
                          "comment": r.get("comment", ""),
                          "evidence_rows": r.get("evidence_rows") or evidence_form.rows_for(
                              r.get("evidence") or []),
                          "field_errors": {k.removeprefix(f"{i.id}:"): v
                                           for k, v in field_errors.items()
                                           if k.startswith(f"{i.id}:")},
                          "suggestions": [s for s in suggestions.get(i.id, [])
                                          if s["signal"] not in ("no_data",)]})
        out.append({"id": f.id, "title": f.title, "scope": f.scope, "indicators": items,
                    "rated": sum(x["rating"] != "not_assessed" for x in items)})
    return out


def _editor(request, session, framework, actor, a, factor, ratings=None, summary=None,
            errors=(), status_code=200, field_errors=None, kept=None):
    data = assessment_dict(session, actor, framework, a)
    if not data["permissions"]["edit"]:
        raise HTTPException(409 if a.status == "in_review" else 403,
                            "This assessment is in review: a reviewer must return it first."
                            if a.status == "in_review" else "You may not edit this assessment.")
    current = ratings if ratings is not None else {
        r["indicator"]: r for r in service.working_content(session, a).get("ratings", [])}
    # Only the figures published by the assessment's date: what the analyst could have known.
    sugg = suggestions_dict(session, framework, a.country_id, as_of=a.as_of)["indicators"]
    field_errors = field_errors or {}
    data.update({"factor": factor or "", "factors": [{"id": f.id, "title": f.title}
                                                     for f in framework.factors],
                 "rows": _rows(framework, current, sugg, factor, field_errors),
                 "errors": list(errors), "kinds": evidence_form.KIND_LABELS,
                 "register": evidence_form.register_choices(session),
                 "choices": {"rating": RATINGS, "trend": TRENDS, "confidence": CONFIDENCES}})
    data["shown"] = ",".join(i["id"] for f in data["rows"] for i in f["indicators"])
    data["kept"] = kept or {"note": "", "expected_version": a.current_version}
    if summary is not None:
        data["summary"] = summary
    return render(request, "assess/edit.html", data, status_code=status_code)


@router.get("/assessments/{assessment_id}/edit.json", tags=["assess"],
            summary="The editor's data: indicators, current ratings and data suggestions")
@router.get("/assessments/{assessment_id}/edit", response_class=HTMLResponse,
            include_in_schema=False)
def edit_page(request: Request, assessment_id: int, session: SessionDep,
              settings: SettingsDep, principal: CurrentPrincipal,
              factor: str | None = Query(None, pattern=r"^RF\d{1,2}$")):
    actor = actor_from_principal(principal)
    if not actor.can("create") and not actor.can("edit:any"):
        raise HTTPException(401 if actor.id is None else 403, "Sign in as an analyst to edit.")
    try:
        return _editor(request, session, load_framework(settings.data_dir), actor,
                       get_or_404(session, assessment_id), factor)
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None


_RATING_FIELDS = {"rating": "r", "trend": "t", "confidence": "c", "rationale": "why"}


def _submitted(form: dict, iid: str, problems: list, field_errors: dict) -> dict:
    """One indicator's inputs as entered, with its evidence parsed row by row."""
    entries, rows, ev_problems = evidence_form.parse_indicator(form, iid)
    for field, problem in ev_problems:
        problems.append((field, problem))
        field_errors[f"{iid}:{field}"] = problem
    return {"indicator": iid, "rating": form.get(f"r-{iid}", "not_assessed"),
            "trend": form.get(f"t-{iid}") or None, "confidence": form.get(f"c-{iid}") or None,
            "rationale": form.get(f"why-{iid}", "").strip(), "evidence": entries,
            "evidence_rows": rows, "comment": form.get(f"cm-{iid}", "")}


@router.post("/assessments/{assessment_id}/edit", dependencies=[Depends(require("edit:own"))],
             include_in_schema=False)
def save_from_form(request: Request, assessment_id: int, session: SessionDep,
                   settings: SettingsDep, principal: CurrentPrincipal, form: FormDep):
    """Save the shown indicators over the stored working copy. On any problem nothing is
    stored and the form comes back with every input as entered and each problem marked."""
    actor = actor_from_principal(principal)
    framework = load_framework(settings.data_dir)
    a = get_or_404(session, assessment_id)
    factor = form.get("factor") or None
    shown = [i for i in form.get("shown", "").split(",") if framework.has(i)]
    try:
        assessment_dict(session, actor, framework, a)  # readable by this editor at all
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None
    current = {r["indicator"]: r for r in service.working_content(session, a)["ratings"]}
    problems: list[tuple[str, str]] = []
    field_errors: dict[str, str] = {}
    submitted = {iid: _submitted(form, iid, problems, field_errors) for iid in shown}
    merged = {**current, **submitted}
    summary = form.get("summary", "")
    ratings = []
    for r in merged.values():
        try:
            ratings.append(Rating(**{k: v for k, v in r.items() if k in Rating.model_fields}))
        except ValidationError as exc:
            for e in exc.errors():
                field = _RATING_FIELDS.get(str(e["loc"][0]) if e["loc"] else "", "r")
                msg = f"{r['indicator']}: {e['msg'].removeprefix('Value error, ')}"
                problems.append((f"{field}-{r['indicator']}", msg))
                field_errors[f"{r['indicator']}:{field}-{r['indicator']}"] = msg
    kept = {"note": form.get("note", ""), "expected_version": form.get("expected_version", "")}
    if not problems:
        try:
            expected = int(kept["expected_version"]) if kept["expected_version"] else None
            service.save(session, actor, framework, a, Content(summary=summary, ratings=ratings),
                         note=kept["note"], expected_version=expected)
            for iid, r in submitted.items():
                if r["comment"].strip():
                    service.add_comment(session, actor, a, iid, r["comment"])
            session.commit()
            target = f"/assessments/{a.id}"
            if form.get("next") == "continue":
                target += "/edit" + (f"?factor={factor}" if factor else "")
            return RedirectResponse(target, status_code=303)
        except WORKFLOW_ERRORS as exc:
            session.rollback()
            problems.append(("", str(exc)))
    session.rollback()
    errors = [{"field": f, "message": m} for f, m in problems]
    return _editor(request, session, framework, actor, get_or_404(session, assessment_id), factor,
                   ratings=merged, summary=summary, errors=errors, status_code=422,
                   field_errors=field_errors, kept=kept)


@router.post("/assessments/{assessment_id}/workflow", dependencies=[Depends(require("create"))],
             include_in_schema=False)
def workflow_from_form(request: Request, assessment_id: int, session: SessionDep,
                       settings: SettingsDep, principal: CurrentPrincipal, form: FormDep):
    """Submit for review, return to draft, or publish (the button's `action`). A refused step
    shows the assessment again with the reason and the note as typed."""
    actor = actor_from_principal(principal)
    a = get_or_404(session, assessment_id)
    steps = {"submit": service.submit, "return": service.return_to_draft,
             "publish": service.publish}
    action = form.get("action", "")
    step = steps.get(action)
    if step is None:
        raise HTTPException(422, "action must be submit, return or publish")
    note = form.get("note", "")
    try:
        step(session, actor, a, note)
        if action == "publish" and form.get("make_public") == "yes":
            service.set_sensitivity(session, actor, a, "public")
        session.commit()
    except WORKFLOW_ERRORS as exc:
        session.rollback()
        error = http_error(exc)
        if error.status_code == 404:
            raise error from None
        framework = load_framework(settings.data_dir)
        a = get_or_404(session, assessment_id)
        data = assessment_dict(session, actor, framework, a)
        data.update({"levels": LEVELS, "kept_notes": {action: note},
                     "refused": {"action": action, "message": str(exc).split(": ")[0],
                                 "problems": getattr(exc, "problems", []) or [str(exc)]}})
        return render(request, "assess/view.html", data, status_code=error.status_code)
    if action == "submit":
        review_mail.notify_submitted(session, a, actor, note)
    return RedirectResponse(f"/assessments/{a.id}", status_code=303)


@router.post("/assessments/{assessment_id}/sensitivity",
             dependencies=[Depends(require("edit:own"))], include_in_schema=False)
def sensitivity_from_form(request: Request, assessment_id: int, session: SessionDep,
                          principal: CurrentPrincipal, form: FormDep):
    actor = actor_from_principal(principal)
    a = get_or_404(session, assessment_id)
    level = form.get("sensitivity", "")
    if level not in LEVELS:
        raise HTTPException(422, f"sensitivity must be one of {', '.join(LEVELS)}")
    try:
        service.set_sensitivity(session, actor, a, level)
        session.commit()
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None
    return RedirectResponse(f"/assessments/{a.id}", status_code=303)


@twin(router, "/assessments/{assessment_id}/versions/{number}", "assess/version.html")
def version_page(request: Request, assessment_id: int, number: int, session: SessionDep,
                 settings: SettingsDep, principal: CurrentPrincipal):
    """One stored version of an assessment, as it was."""
    actor = actor_from_principal(principal)
    try:
        return assessment_dict(session, actor, load_framework(settings.data_dir),
                               get_or_404(session, assessment_id), number)
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None


@twin(router, "/assessments/{assessment_id}/diff", "assess/diff.html")
def diff_page(request: Request, assessment_id: int, session: SessionDep,
              principal: CurrentPrincipal, settings: SettingsDep,
              a_: int = Query(..., alias="from", ge=1), b_: int = Query(..., alias="to", ge=1)):
    """What changed between two versions (status, summary, each rating's fields)."""
    actor = actor_from_principal(principal)
    a = get_or_404(session, assessment_id)
    if not service.is_editor(actor):
        raise HTTPException(403, "Comparing versions is for analysts and reviewers.")
    try:
        out = service.diff_versions(session, a, a_, b_)
    except WORKFLOW_ERRORS as exc:
        raise http_error(exc) from None
    framework = load_framework(settings.data_dir)
    out.update({"iso3": a.country.iso3, "country": a.country.name,
                "as_of": a.as_of.isoformat(), "current_version": a.current_version,
                "indicator_text": {c["indicator"]: framework.indicator(c["indicator"]).text
                                   for c in out["ratings"] if framework.has(c["indicator"])}})
    return out
