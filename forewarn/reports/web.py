"""Public submission: the form `/report` (no JavaScript needed) and `POST /api/reports`.

Anti-abuse on both: a per-client rate limit (forewarn.security's limiter) and a challenge
(proof of work, or an arithmetic question without JavaScript). Partner apps signed in with the
`create` permission skip both. The reviewers' pages are in `forewarn.reports.triage_web`.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import Field, ValidationError
from sqlalchemy import select

from forewarn.reports import challenge, custom_form
from forewarn.reports.config import get_report_settings
from forewarn.reports.form_web import router as form_router
from forewarn.reports.i18n import LANGUAGES, Language, negotiate
from forewarn.reports.media import ALLOWED_HELP, UploadRejected
from forewarn.reports.public_web import router as public_router
from forewarn.reports.schemas import ReportAccepted, ReportIn
from forewarn.reports.submit import Upload, prepare, store
from forewarn.reports.triage_web import router as triage_router
from forewarn.security import SYSTEM, set_principal
from forewarn.security.crypto import derive
from forewarn.security.deps import LIMITERS, CurrentPrincipal, TokenBucket
from forewarn.store.models import Country
from forewarn.web.render import templates

router = APIRouter(tags=["reports"])
router.include_router(public_router)
router.include_router(form_router)
router.include_router(triage_router)
RATE_LIMIT = "reports-submit"
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


def _secret() -> bytes:
    return derive("reports-challenge")


def _bucket() -> TokenBucket:
    s = get_report_settings()
    if RATE_LIMIT not in LIMITERS:
        LIMITERS[RATE_LIMIT] = TokenBucket(s.rate_limit * 60 / s.rate_window_seconds,
                                           burst=s.rate_limit, name=RATE_LIMIT)
    return LIMITERS[RATE_LIMIT]


def limit_submissions(request: Request, principal: CurrentPrincipal) -> None:
    """Each client may submit `rate_limit` reports per window; signed-in partners with
    `create` are trusted. The address is kept only as a keyed hash in the shared bucket."""
    if principal.can("create"):
        return
    from forewarn.security.deps import client_key, shared_sessions

    wait = _bucket().take(client_key(request), shared_sessions(request))  # all workers
    if wait:
        lang = negotiate(request.query_params.get("lang"),
                         request.headers.get("accept-language"))
        raise HTTPException(429, lang.gettext("Too many reports from this connection. Please "
                                              "wait an hour and try again, or ask a partner "
                                              "organisation to send it."),
                            headers={"Retry-After": str(int(wait) + 1)})


limit_submissions.forewarn_rate_limit = RATE_LIMIT


def _check_length(request: Request) -> None:
    s = get_report_settings()
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > s.max_total_bytes + 1024 * 1024:
        lang = negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))
        raise HTTPException(413, lang.gettext("The files are too large. Attach at most "
                                              "%(limit)s MB in total.") %
                            {"limit": s.max_total_bytes // (1024 * 1024)})


def _countries(request: Request) -> list[dict]:
    with request.app.state.sessions() as session:
        return [{"iso3": c.iso3, "name": c.name}
                for c in session.scalars(select(Country).order_by(Country.name))]


def _custom_form(request: Request) -> custom_form.FormConfig:
    return custom_form.load(request.app.state.settings.data_dir)


def form_context(request: Request, lang: Language, values: dict | None = None,
                 errors: dict | None = None) -> dict:
    s = get_report_settings()
    ch = challenge.issue(_secret(), s.pow_bits, s.challenge_ttl_seconds)
    return {**_custom_form(request).localized(lang.code),
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
    ch = challenge.issue(_secret(), s.pow_bits, s.challenge_ttl_seconds)
    form = _custom_form(request)
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


async def _uploads(files) -> list[Upload]:
    limit = get_report_settings().max_file_bytes
    out = []
    for f in files:
        if not getattr(f, "filename", None) and not getattr(f, "size", None):
            continue
        out.append(Upload(f.filename or "attachment", await f.read(limit + 1)))
    return out


def _save(request: Request, report_in: ReportIn, uploads: list[Upload], channel: str,
          actor) -> tuple[str, list[dict]]:
    """Store the report; returns its reference and a receipt per file (the sha256 the server
    computed of what it received, so the reporter can check nothing was altered)."""
    prepared = prepare(uploads, get_report_settings())
    with request.app.state.sessions() as session, session.begin():
        # The reporter may not read `restricted` records; the write runs as the system, the
        # audit entry names the real actor.
        set_principal(session, SYSTEM)
        report = store(session, request.app.state.settings.data_dir, report_in, prepared,
                       actor=actor, channel=channel)
        return report.reference, [{"sha256": a.sha256, "size": a.size, "kind": a.kind}
                                  for a in report.attachments]


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors = {}
    for e in exc.errors():
        field = str(e["loc"][0]) if e["loc"] else ""
        errors.setdefault(field, FIELD_MESSAGES.get(field, "Please check this field."))
    return errors


@router.post("/report", response_class=HTMLResponse, include_in_schema=False,
             dependencies=[Depends(limit_submissions), Depends(_check_length)])
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
        values["categories"], values["answers"] = _custom_form(request).clean(
            form.getlist("categories"),
            {k[2:]: v for k, v in values.items() if k.startswith("q_")})
    except custom_form.SubmissionError as exc:
        errors[exc.field] = FIELD_MESSAGES["custom"]
    try:
        nonce = challenge.check(_secret(), values.get("challenge_token", ""),
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
            uploads = await _uploads(form.getlist("attachments"))
            with request.app.state.sessions() as session, session.begin():
                challenge.spend(session, nonce, challenge.expiry_of(values["challenge_token"]))
            reference, files = await run_in_threadpool(
                _save, request, report_in, uploads, "web",
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


class ApiReportIn(ReportIn):
    challenge_token: str = Field("", description="From `GET /report.json` (not needed when "
                                 "signed in with the `create` permission).")
    pow_counter: str = Field("", description="Proof-of-work solution for the challenge.")
    answers: str = Field("", description="Answers to the deployment's questions as a JSON "
                         "object {question id: answer} (GET /report.json lists them).")


@router.post("/api/reports", status_code=201, response_model=ReportAccepted,
             dependencies=[Depends(limit_submissions), Depends(_check_length)],
             responses={400: {"description": "Challenge failed"},
                        403: {"description": "CSRF cookie/header missing or invalid"},
                        413: {"description": "Attachment too large or too many"},
                        415: {"description": "Attachment type not accepted"},
                        429: {"description": "Too many reports from this client"}})
async def api_submit(request: Request, principal: CurrentPrincipal,
                     report: Annotated[ApiReportIn, Form()],
                     attachments: Annotated[list[UploadFile], File(
                         description="Photos, audio, video or documents")] = None):
    """Submit a report (multipart/form-data) for partner apps. Attachments are kept byte for
    byte as evidence (sha256, chain of custody) with a working copy stripped of EXIF/GPS and
    other identifying metadata.

    Anonymous callers: `GET /report.json` first. Its response carries the challenge (solve the
    proof of work and send `challenge_token` and `pow_counter`) and sets the `forewarn_csrf`
    cookie; send that cookie back together with its value in the `X-CSRF-Token` header (or
    a `csrf_token` form field). Callers with an API token (`Authorization: Bearer …`) and the
    `create` permission need neither."""
    lang = negotiate(report.language, request.headers.get("accept-language"))
    if not principal.can("create"):
        try:
            nonce = challenge.check(_secret(), report.challenge_token,
                                    counter=report.pow_counter)
            with request.app.state.sessions() as session, session.begin():
                challenge.spend(session, nonce, challenge.expiry_of(report.challenge_token))
        except challenge.ChallengeFailed as exc:
            raise HTTPException(400, lang.gettext(str(exc))) from None
    try:
        answers = json.loads(report.answers) if report.answers.strip() else {}
        if not isinstance(answers, dict):
            raise ValueError("answers must be a JSON object")
        categories, answers = _custom_form(request).clean(
            report.categories, {str(k): str(v) for k, v in answers.items()})
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    report_in = ReportIn.model_validate(report.model_dump() | {
        "categories": categories, "answers": answers})
    uploads = await _uploads(attachments or [])
    try:
        reference, files = await run_in_threadpool(
            _save, request, report_in, uploads, "api",
            principal if principal.is_authenticated else "public (api)")
    except UploadRejected as exc:
        status = 415 if "type" in exc.reason_id else 413 if "limit" in exc.reason_id else 400
        return JSONResponse({"error": exc.translated(lang.gettext), "status": status,
                             "file": exc.filename}, status_code=status)
    return {"reference": reference, "status": "new", "attachments": len(uploads),
            "files": files, "message": lang.gettext("Thank you. Your report was received.")}
