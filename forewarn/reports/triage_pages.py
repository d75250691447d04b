"""Reviewers' pages: the queue, one report with duplicate suggestions, triage actions, the
working copies of attachments, and the CSV export. Each page has its JSON twin."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from forewarn.evidence import service as evidence
from forewarn.reports import exports, protection, triage
from forewarn.reports.deps import Reader, ReportSession
from forewarn.reports.models import STATUSES, ReportAttachment
from forewarn.reports.storage import working_store
from forewarn.security import AccessDenied, Principal
from forewarn.security.deps import require
from forewarn.web.render import twin

router = APIRouter(tags=["reports"])


def _found(session: Session, report_id: int):
    report = triage.get(session, report_id)
    if report is None:  # missing and not-allowed look the same: no existence oracle
        raise HTTPException(404, f"No report {report_id} that you can see.")
    return report


@router.get("/reports/export.csv", response_class=PlainTextResponse)
def export(session: ReportSession, principal: Annotated[Principal, Depends(require("export"))],
           personal: bool = False):
    """Every report you may see as CSV (formula-safe; language, channel, duplicate_of and
    categories included); personal data (reporter, contact) only with `personal=true` and
    the `read:confidential` permission, and only where consent allows."""
    body = exports.export_csv(session, include_personal=personal)
    session.commit()
    return _download(body, "text/csv; charset=utf-8", "reports.csv")


@router.get("/reports/export.hxl.csv", response_class=PlainTextResponse)
def export_hxl(session: ReportSession,
               principal: Annotated[Principal, Depends(require("export"))],
               personal: bool = False):
    """The CSV export with a second row of HXL hashtags (#meta+id, #date+start, #geo+lat…)
    for humanitarian data tools."""
    body = exports.export_hxl(session, include_personal=personal)
    session.commit()
    return _download(body, "text/csv; charset=utf-8", "reports-hxl.csv")


@router.get("/reports/export.geojson")
def export_geojson(session: ReportSession,
                   principal: Annotated[Principal, Depends(require("export"))],
                   personal: bool = False):
    """Reports with a point as a GeoJSON FeatureCollection (longitude, latitude)."""
    body = json.dumps(exports.export_geojson(session, include_personal=personal),
                      ensure_ascii=False)
    session.commit()
    return _download(body, "application/geo+json", "reports.geojson")


def _download(body: str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@twin(router, "/reports/queue", "reports/queue.html", tags=["reports"])
@twin(router, "/reports", "reports/queue.html", tags=["reports"])
def report_queue(request: Request, session: ReportSession, principal: Reader,
                 status: str | None = None, country: str = "", since: str = "",
                 until: str = "", q: str = "", mine: bool = False):
    """The triage queue and its map: reports you may see, newest first, filtered by status
    (open|new|needs_info|...), country (ISO3), event day (since/until, YYYY-MM-DD), words
    (q) and `mine` (assigned to you)."""
    try:
        reports = triage.queue(session, status or None, country=country,
                               since=_day(since, "since"), until=_day(until, "until"),
                               text=q, assigned_to=principal.user_id if mine else None)
    except (triage.TriageError, ValueError) as exc:
        raise HTTPException(400, str(exc)) from None
    filters = {"status": status or "", "country": country.upper(), "since": since,
               "until": until, "q": q, "mine": mine}
    rows = []
    for r in reports:
        row = protection.summary(r, principal)
        row["url"] = f"/reports/{r.id}"
        rows.append(row)
    return {**filters, "filters": filters, "statuses": list(STATUSES), "count": len(reports),
            "reports": rows, "can_review": principal.can("review"),
            "points_url": "/reports/queue.json?" + urlencode(
                {k: v for k, v in filters.items() if v}),
            "topology_url": "/report/world.json"}


def _day(value: str, name: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise triage.TriageError(f"{name} must be a day as YYYY-MM-DD, not {value!r}") from None


@twin(router, "/reports/{report_id:int}", "reports/detail.html", tags=["reports"])
def report_detail(request: Request, report_id: int, session: ReportSession, principal: Reader):
    """One report with its attachments, notes and possible duplicates."""
    report = _found(session, report_id)
    return {"report": protection.summary(report, principal),
            "attachments": [protection.attachment(a, principal) for a in report.attachments],
            "notes": [{"author": n.author, "body": n.body, "created_at": n.created_at}
                      for n in report.notes],
            "suggestions": [{"id": o.id, "reference": o.reference, "score": s.score,
                             "reasons": list(s.reasons), "status": o.status}
                            for o, s in triage.suggestions(session, report)],
            "reviewers": [{"id": u.id, "username": u.username}
                          for u in triage.reviewers(session)] if principal.can("review") else [],
            "incidents": evidence.incident_choices(session)
            if principal.can("review") else [],
            "statuses": list(STATUSES), "can_review": principal.can("review"),
            "can_publish": principal.can("publish")}


@router.post("/reports/{report_id:int}/triage", include_in_schema=True)
def report_triage(report_id: int, session: ReportSession,
                  principal: Annotated[Principal, Depends(require("review"))],
                  action: Annotated[str, Form()], note: Annotated[str, Form()] = "",
                  status: Annotated[str, Form()] = "",
                  duplicate_of: Annotated[str, Form()] = "",
                  assignee: Annotated[str, Form()] = "",
                  incident_id: Annotated[str, Form()] = "",
                  incident_title: Annotated[str, Form()] = "",
                  level: Annotated[str, Form()] = "",
                  country: Annotated[str, Form()] = ""):
    """A triage step (action = status | note | assign | verify | publish); redirects back."""
    report = _found(session, report_id)
    try:
        if action == "status":
            triage.set_status(session, report, status, note,
                              duplicate_of=_int(duplicate_of, "duplicate_of"))
        elif action == "note":
            triage.add_note(session, report, note)
        elif action == "assign":
            triage.assign(session, report, _int(assignee, "assignee"))
        elif action == "verify":
            triage.verify(session, report, _int(incident_id, "incident_id"), incident_title,
                          note, country)
        elif action == "publish":
            triage.publish(session, report, level)
        else:
            raise triage.TriageError(f"unknown action {action!r}")
        session.commit()
    except (triage.TriageError, ValueError) as exc:
        session.rollback()
        raise HTTPException(400, str(exc)) from None
    except AccessDenied as exc:
        session.rollback()
        raise HTTPException(403, str(exc)) from None
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


def _int(value: str, name: str) -> int | None:
    value = (value or "").strip().lstrip("#").removeprefix("R")
    if not value:
        return None
    if not value.isdigit():
        raise triage.TriageError(f"{name} must be a number")
    return int(value)


@router.get("/reports/{report_id:int}/files/{attachment_id:int}")
def working_copy(request: Request, report_id: int, attachment_id: int, session: ReportSession,
                 principal: Reader):
    """The metadata-stripped working copy of an attachment (never the original)."""
    report = _found(session, report_id)
    att = session.get(ReportAttachment, attachment_id)
    if att is None or att.report_id != report.id:
        raise HTTPException(404, "No such attachment.")
    data = working_store(request.app.state.settings.data_dir).get(att.working_sha256)
    return Response(data, media_type=att.mime, headers={
        "Content-Disposition": f"inline; filename=report-{report.reference}-{att.id}.{att.ext}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
