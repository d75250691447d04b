"""Reviewers' work on reports: status, notes, assignment, duplicates, verification into an
incident of the evidence register, and publishing. Every change is audited.

The session's principal decides what can be seen (SensitiveMixin filtering); the functions here
check what it may *do*: `review` for triage, `publish` to lower a verified report's level.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forewarn.reports import duplicates, evidence_link, similar
from forewarn.reports.models import STATUSES, Report, ReportAttachment, ReportNote
from forewarn.security import AccessDenied, Sensitivity, permissions_of, principal_of
from forewarn.security.audit import record, snapshot
from forewarn.security.models import User
from forewarn.store.models import Country
from forewarn.web.search import matches

OPEN = ("new", "needs_info")


class TriageError(ValueError):
    """A triage step that cannot be done as asked (the message says why)."""


def _need(session: Session, permission: str) -> None:
    principal = principal_of(session)
    if not principal.can(permission):
        raise AccessDenied(f"{principal.username} lacks '{permission}'")


def queue(session: Session, status: str | None = None, assigned_to: int | None = None,
          limit: int = 200, country: str = "", since: date | None = None,
          until: date | None = None, text: str = "") -> list[Report]:
    """Reports the session may see, newest first, filtered by status, assignee, country
    (ISO3), day of the event (or of receipt when undated) and words in the text or place."""
    q = select(Report).order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)
    if status:
        if status not in STATUSES and status != "open":
            raise TriageError(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
        q = q.where(Report.status.in_(OPEN) if status == "open" else Report.status == status)
    if assigned_to is not None:
        q = q.where(Report.assigned_to_id == assigned_to)
    if country:
        q = q.where(Report.country_id == select(Country.id).where(
            Country.iso3 == country.strip().upper()).scalar_subquery())
    when = func.coalesce(Report.occurred_at, Report.created_at)
    if since is not None:
        q = q.where(when >= datetime.combine(since, time.min, UTC))
    if until is not None:
        q = q.where(when < datetime.combine(until + timedelta(days=1), time.min, UTC))
    if text.strip():
        q = q.where(matches(text.strip(), Report.what, Report.place))
    return list(session.scalars(q))


def get(session: Session, report_id: int) -> Report | None:
    """The report, or None when it does not exist *or* the session may not see it."""
    return session.scalar(select(Report).where(Report.id == report_id))


def _audit(session: Session, action: str, report: Report, before: dict, note: str = "") -> None:
    session.flush()
    record(session, None, action, "report", report.id, before=before, after=report, note=note)


def add_note(session: Session, report: Report, body: str) -> ReportNote:
    _need(session, "review")
    body = body.strip()
    if not body:
        raise TriageError("a note cannot be empty")
    principal = principal_of(session)
    note = ReportNote(author=principal.username, author_id=principal.user_id, body=body,
                      sensitivity=Sensitivity.restricted)
    report.notes.append(note)
    session.flush()
    record(session, None, "report.note", "report", report.id, after={"note_id": note.id})
    return note


def reviewers(session: Session) -> list[User]:
    able = [r for r in ("reviewer", "admin") if "review" in permissions_of(r)]
    return list(session.scalars(select(User).where(User.active.is_(True), User.role.in_(able))
                                .order_by(User.username)))


def assign(session: Session, report: Report, user_id: int | None) -> None:
    _need(session, "review")
    if user_id is not None and user_id not in {u.id for u in reviewers(session)}:
        raise TriageError("reports can only be assigned to an active reviewer")
    before = snapshot(report)
    report.assigned_to_id = user_id
    _audit(session, "report.assign", report, before)


def set_status(session: Session, report: Report, status: str, note: str = "",
               duplicate_of: int | None = None) -> None:
    """Move REPORT to STATUS (not `verified`: use `verify`, which links an incident)."""
    _need(session, "review")
    if status not in STATUSES:
        raise TriageError(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    if status == "verified":
        raise TriageError("verify a report by linking it to an incident")
    before = snapshot(report)
    if status == "duplicate":
        original = get(session, duplicate_of) if duplicate_of else None
        if original is None or original.id == report.id:
            raise TriageError("say which other report this one duplicates")
        report.duplicate_of_id = original.id
    else:
        report.duplicate_of_id = None
    if report.status == "verified" and report.sensitivity < Sensitivity.restricted:
        report.sensitivity = Sensitivity.restricted  # no longer verified: withdraw it
    report.status = status
    _stamp(session, report)
    if note.strip():
        add_note(session, report, note)
    _audit(session, f"report.{status}", report, before, note=note.strip()[:200])


def _stamp(session: Session, report: Report) -> None:
    report.reviewed_at = datetime.now(UTC)
    report.reviewed_by_id = principal_of(session).user_id


def verify(session: Session, report: Report, incident_id: int | None = None,
           new_incident_title: str = "", note: str = "", country: str = "") -> int:
    """Mark REPORT verified and link it to an incident: join INCIDENT_ID, or create a new one
    titled NEW_INCIDENT_TITLE. Its attachments' originals join the incident's evidence.
    Returns the incident id."""
    _need(session, "review")
    if incident_id is None and not new_incident_title.strip():
        raise TriageError("choose an incident to join, or give a title for a new one")
    before = snapshot(report)
    incident_id = evidence_link.link_incident(session, report, incident_id,
                                              new_incident_title.strip(), country)
    report.incident_id = incident_id
    report.status = "verified"
    report.duplicate_of_id = None
    _stamp(session, report)
    if note.strip():
        add_note(session, report, note)
    _audit(session, "report.verified", report, before, note=f"incident {incident_id}")
    return incident_id


def publish(session: Session, report: Report, level: str) -> None:
    """Lower a verified report to `internal` or `public` (never its reporter or files)."""
    _need(session, "publish")
    level = Sensitivity(level)
    if level < Sensitivity.restricted and report.status != "verified":
        raise TriageError("only verified reports can be shared beyond reviewers")
    before = snapshot(report)
    report.sensitivity = level
    _audit(session, "report.publish", report, before, note=level.value)


def suggestions(session: Session, report: Report, limit: int = 5):
    """Possible duplicates among reports within two weeks of this one, and any report that
    shares a file or a near-identical image with it, whenever it was sent."""
    window = timedelta(days=14)
    q = select(Report).where(Report.id != report.id)
    pivot = report.occurred_at or report.created_at
    if pivot is not None:
        q = q.where(((Report.occurred_at >= pivot - window) & (Report.occurred_at <= pivot +
                                                                 window))
                    | ((Report.created_at >= pivot - window) & (Report.created_at <= pivot +
                                                                  window)))
    others = list(session.scalars(q.limit(2000)))
    others += [o for o in _sharing_media(session, report) if o not in others]
    found = duplicates.suggest(facts(report), [facts(o) for o in others], limit=limit)
    by_id = {o.id: o for o in others}
    return [(by_id[s.report_id], s) for s in found]


def _sharing_media(session: Session, report: Report) -> list[Report]:
    """Other reports with one of REPORT's files (sha256) or an image a few bits apart."""
    digests = {a.sha256 for a in report.attachments}
    hashes = [a.phash for a in report.attachments if a.phash]
    if not digests and not hashes:
        return []
    near = set()
    if hashes:
        # 64-bit hashes of a deployment's images fit in memory; compare them all.
        for rid, ph in session.execute(select(ReportAttachment.report_id, ReportAttachment.phash)
                                       .where(ReportAttachment.phash.is_not(None),
                                              ReportAttachment.report_id != report.id)):
            if any(similar.distance(ph, h) <= similar.NEAR_BITS for h in hashes):
                near.add(rid)
    q = select(Report).where(Report.id != report.id, Report.id.in_(
        select(ReportAttachment.report_id).where(ReportAttachment.sha256.in_(digests)))
        | Report.id.in_(near))
    return list(session.scalars(q.limit(200)))


def facts(report: Report) -> duplicates.Facts:
    return duplicates.Facts(report.id, report.what, report.place or "", report.latitude,
                            report.longitude, report.occurred_at,
                            frozenset(a.sha256 for a in report.attachments),
                            frozenset(a.phash for a in report.attachments if a.phash))
