"""The duty officer's view, `/duty` and its JSON twin `/duty.json` (what it lists: duty.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Query, Request

from forewarn.monitor.duty import field_reports, flagged_documents, rising_countries
from forewarn.monitor.views import alert_rows
from forewarn.security.deps import require
from forewarn.web.deps import SessionDep
from forewarn.web.render import twin

router = APIRouter()
REFRESH_SECONDS = 60


@twin(router, "/duty", "monitor/duty.html", summary="The duty officer's view", tags=["monitor"])
def duty(request: Request, session: SessionDep, principal=Depends(require("read:internal")),
         refresh: int = Query(REFRESH_SECONDS, ge=2, le=3600,
                              description="Seconds between the page's own refreshes")):
    """New alerts, rising countries, latest flagged documents and field reports."""
    return {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "refresh_seconds": refresh,
            "can_review": principal.can("review"), "username": principal.username,
            "alerts": alert_rows(session, "new", limit=50),
            "rising": rising_countries(session),
            "documents": flagged_documents(session),
            "reports": field_reports(session)}
