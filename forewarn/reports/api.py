"""`POST /api/reports`: submission for partner apps (multipart), with the same anti-abuse as
the form (pages.py): a per-client rate limit and a challenge, both skipped for callers with
the `create` permission."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import Field

from forewarn.reports import challenge
from forewarn.reports.config import get_report_settings
from forewarn.reports.deps import check_length, deployment_form, limit_submissions
from forewarn.reports.i18n import negotiate
from forewarn.reports.media import UploadRejected
from forewarn.reports.schemas import ReportAccepted, ReportIn
from forewarn.reports.submit import read_uploads, save
from forewarn.security.deps import CurrentPrincipal

router = APIRouter()  # tagged "reports" where web.py includes it


class ApiReportIn(ReportIn):
    challenge_token: str = Field("", description="From `GET /report.json` (not needed when "
                                 "signed in with the `create` permission).")
    pow_counter: str = Field("", description="Proof-of-work solution for the challenge.")
    answers: str = Field("", description="Answers to the deployment's questions as a JSON "
                         "object {question id: answer} (GET /report.json lists them).")


@router.post("/api/reports", status_code=201, response_model=ReportAccepted,
             dependencies=[Depends(limit_submissions), Depends(check_length)],
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
            nonce = challenge.check(challenge.signing_key(), report.challenge_token,
                                    counter=report.pow_counter)
            with request.app.state.sessions() as session, session.begin():
                challenge.spend(session, nonce, challenge.expiry_of(report.challenge_token))
        except challenge.ChallengeFailed as exc:
            raise HTTPException(400, lang.gettext(str(exc))) from None
    try:
        answers = json.loads(report.answers) if report.answers.strip() else {}
        if not isinstance(answers, dict):
            raise ValueError("answers must be a JSON object")
        categories, answers = deployment_form(request).clean(
            report.categories, {str(k): str(v) for k, v in answers.items()})
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    report_in = ReportIn.model_validate(report.model_dump() | {
        "categories": categories, "answers": answers})
    s = get_report_settings()
    uploads = await read_uploads(attachments or [], s.max_file_bytes)
    try:
        reference, files = await run_in_threadpool(
            save, request.app.state.sessions, request.app.state.settings.data_dir, report_in,
            uploads, s, "api",
            principal if principal.is_authenticated else "public (api)")
    except UploadRejected as exc:
        status = 415 if "type" in exc.reason_id else 413 if "limit" in exc.reason_id else 400
        return JSONResponse({"error": exc.translated(lang.gettext), "status": status,
                             "file": exc.filename}, status_code=status)
    return {"reference": reference, "status": "new", "attachments": len(uploads),
            "files": files, "message": lang.gettext("Thank you. Your report was received.")}
