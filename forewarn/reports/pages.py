"""Public submission: the form `/report` (no JavaScript needed), its JSON twin with a fresh
challenge, and the map outline and service worker the form uses. `POST /api/reports` is in
api.py, the reviewers' pages in triage_pages.py.

Anti-abuse on both: a per-client rate limit (forewarn.security's limiter) and a challenge
(proof of work, or an arithmetic question without JavaScript). Partner apps signed in with the
`create` permission skip both.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from forewarn.reports import challenge, custom_form
from forewarn.reports.config import get_report_settings
from forewarn.reports.deps import check_length, deployment_form, limit_submissions
from forewarn.reports.i18n import LANGUAGES, Language, negotiate
from forewarn.reports.media import ALLOWED_HELP, UploadRejected
from forewarn.reports.schemas import ReportIn
from forewarn.reports.submit import read_uploads, save
from forewarn.security.deps import CurrentPrincipal
from forewarn.store.models import Country
from forewarn.web.render import templates

router = APIRouter()  # tagged "reports" where web.py includes it
ACCEPT = ("image/*,audio/*,video/*,.pdf,.docx,.xlsx,.pptx,.odt,.ods,.txt,.mp3,.m4a,.wav,.ogg,"
          ".amr,.mp4,.mov,.3gp,.webm")
# Why each field was refused, in words a reporter understands (gettext message ids).
FIELD_MESSAGES = {
    "what": "Please describe what happened (at least 10 characters).",
    "occurred_at": "Please give the date as on a calendar, not in the future.",
    "latitude": "The point on the map is not valid.",
    "longitude": "The point on the map is not valid.",
    "affected_count": "Please give the number of people as a whole number.",
    "occurred_end": "The end of the period must be a date after its start.",
    "occurred_month": "Please give the month as on a calendar.",
    "custom": "Please check this answer.",
    "": "Please say where it happened: a place name or a point on the map.",
}


def _countries(request: Request) -> list[dict]:
    with request.app.state.sessions() as session:
        return [{"iso3": c.iso3, "name": c.name}
                for c in session.scalars(select(Country).order_by(Country.name))]


def form_context(request: Request, lang: Language, values: dict | None = None,
                 errors: dict | None = None) -> dict:
    s = get_report_settings()
    ch = challenge.issue(challenge.signing_key(), s.pow_bits, s.challenge_ttl_seconds)
    return {**deployment_form(request).localized(lang.code),
            "lang": lang.code, "dir": lang.dir, "_": lang.gettext, "languages": LANGUAGES,
            "values": values or {}, "errors": errors or {}, "countries": _countries(request),
            "challenge": ch, "accept": ACCEPT, "allowed_help": ALLOWED_HELP,
            "max_files": s.max_files, "max_file_mb": s.max_file_bytes // (1024 * 1024),
            "max_total_mb": s.max_total_bytes // (1024 * 1024), "json_url": "/report.json",
            "csrf_token": getattr(request.state, "csrf_token", "")}


def _lang(request: Request) -> Language:
    return negotiate(request.query_params.get("lang") or request.query_params.get("language"),
                     request.headers.get("accept-language"))


@router.get("/report", response_class=HTMLResponse, include_in_schema=False)
def report_form(request: Request):
    lang = _lang(request)
    return templates.TemplateResponse(request, "reports/form.html", form_context(request, lang))


@router.get("/report.json")
def report_form_json(request: Request):
    """The public report form as data: fields, limits, languages and a fresh challenge (for
    partner apps: solve it as proof of work and send it with `POST /api/reports`)."""
    s = get_report_settings()
    ch = challenge.issue(challenge.signing_key(), s.pow_bits, s.challenge_ttl_seconds)
    form = deployment_form(request)
    return {"fields": ReportIn.model_json_schema(), "languages": list(LANGUAGES),
            "categories": [c.model_dump() for c in form.categories],
            "questions": [q.model_dump() for q in form.questions],
            "limits": {"max_files": s.max_files, "max_file_bytes": s.max_file_bytes,
                       "max_total_bytes": s.max_total_bytes, "accepted": ALLOWED_HELP},
            "challenge": {"token": ch.token, "bits": ch.bits, "expires_at": ch.expires_at,
                          "how": "find counter with sha256('<token>:<counter>') starting with "
                                 "`bits` zero bits; send challenge_token and pow_counter"}}


@router.get("/report/world.json", tags=["reports"], responses={404: {"description": "No map data"}})
def world_outline(request: Request):
    """Country outlines for the map picker (progressive enhancement), when the data is here."""
    path = request.app.state.settings.raw_dir / "geo" / "world-atlas_countries-110m.json"
    if not path.exists():
        raise HTTPException(404, "No map data; type the coordinates instead.")
    return Response(path.read_bytes(), media_type="application/json",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/report/sw.js", include_in_schema=False)
def service_worker():
    """The form's service worker; allowed to control /report (its own folder is /report/)."""
    script = resources.files("forewarn.web") / "static" / "reports" / "sw.js"
    return Response(script.read_bytes(), media_type="text/javascript",
                    headers={"Service-Worker-Allowed": "/report", "Cache-Control": "no-cache"})


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors = {}
    for e in exc.errors():
        field = str(e["loc"][0]) if e["loc"] else ""
        errors.setdefault(field, FIELD_MESSAGES.get(field, "Please check this field."))
    return errors


@router.post("/report", response_class=HTMLResponse, include_in_schema=False,
             dependencies=[Depends(limit_submissions), Depends(check_length)])
async def report_submit(request: Request, principal: CurrentPrincipal):
    s = get_report_settings()
    form = await request.form(max_files=s.max_files + 5)
    lang = negotiate(form.get("language") or request.query_params.get("lang"),
                     request.headers.get("accept-language"))
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    values["contact_consent"] = form.get("contact_consent") in ("1", "on", "true", "yes")
    values["language"] = lang.code
    errors: dict[str, str] = {}
    try:  # the deployment's categories and questions (forewarn.reports.custom_form)
        values["categories"], values["answers"] = deployment_form(request).clean(
            form.getlist("categories"),
            {k[2:]: v for k, v in values.items() if k.startswith("q_")})
    except custom_form.SubmissionError as exc:
        errors[exc.field] = FIELD_MESSAGES["custom"]
    try:
        nonce = challenge.check(challenge.signing_key(), values.get("challenge_token", ""),
                                counter=values.get("pow_counter"),
                                answer=values.get("challenge_answer"))
    except challenge.ChallengeFailed as exc:
        errors["challenge"] = str(exc)
    try:
        report_in = ReportIn.model_validate(values)
    except ValidationError as exc:
        errors.update(_field_errors(exc))
    if not errors:
        try:
            uploads = await read_uploads(form.getlist("attachments"), s.max_file_bytes)
            with request.app.state.sessions() as session, session.begin():
                challenge.spend(session, nonce, challenge.expiry_of(values["challenge_token"]))
            reference, files = await run_in_threadpool(
                save, request.app.state.sessions, request.app.state.settings.data_dir,
                report_in, uploads, s, "web",
                principal if principal.is_authenticated else "public (web form)")
        except UploadRejected as exc:
            errors["attachments"] = exc.translated(lang.gettext)
        except challenge.ChallengeFailed as exc:
            errors["challenge"] = str(exc)
    if errors:
        ctx = form_context(request, lang, values, errors)
        status = 413 if "attachments" in errors and "limit" in errors["attachments"] else 400
        return templates.TemplateResponse(request, "reports/form.html", ctx, status_code=status)
    return templates.TemplateResponse(
        request, "reports/thanks.html",
        {"lang": lang.code, "dir": lang.dir, "_": lang.gettext, "reference": reference,
         "files": [f | {"name": u.filename} for f, u in zip(files, uploads, strict=True)]},
        status_code=201)


