"""FastAPI dependencies of the reports capability: the submission limits (a per-client rate
limit, the size of a request), the deployment's form, the reviewer's session and who may read
or administer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from forewarn.reports import custom_form
from forewarn.reports.config import get_report_settings
from forewarn.reports.i18n import negotiate
from forewarn.security import Principal
from forewarn.security.deps import (
    LIMITERS,
    CurrentPrincipal,
    TokenBucket,
    client_key,
    require,
    require_login,
    shared_sessions,
)
from forewarn.web.deps import SessionDep

RATE_LIMIT = "reports-submit"


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
    wait = _bucket().take(client_key(request), shared_sessions(request))  # all workers
    if wait:
        lang = negotiate(request.query_params.get("lang"),
                         request.headers.get("accept-language"))
        raise HTTPException(429, lang.gettext("Too many reports from this connection. Please "
                                              "wait an hour and try again, or ask a partner "
                                              "organisation to send it."),
                            headers={"Retry-After": str(int(wait) + 1)})


limit_submissions.forewarn_rate_limit = RATE_LIMIT


def check_length(request: Request) -> None:
    """413 before reading a body larger than the attachments' total allowed (plus 1 MB)."""
    s = get_report_settings()
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > s.max_total_bytes + 1024 * 1024:
        lang = negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))
        raise HTTPException(413, lang.gettext("The files are too large. Attach at most "
                                              "%(limit)s MB in total.") %
                            {"limit": s.max_total_bytes // (1024 * 1024)})


def deployment_form(request: Request) -> custom_form.FormConfig:
    """The deployment's categories and questions (forewarn.reports.custom_form)."""
    return custom_form.load(request.app.state.settings.data_dir)


# The web layer's request session: filtered by the reader's clearance, and the one session
# the menu and page fragments read through (forewarn.web.deps.request_session).
ReportSession = SessionDep
Reader = Annotated[Principal, Depends(require_login)]
Admin = Annotated[Principal, Depends(require("manage:users"))]
