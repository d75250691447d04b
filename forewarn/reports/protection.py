"""Protecting reporters: what each reader sees of a report, exports, and contact retention.

- Who reported and how to reach them are encrypted and redacted on load for readers without
  `read:confidential` (forewarn.security). On top of that, when the reporter did not consent
  to reviewers seeing their contact, it is shown only to administrators (`manage:users`).
- Readers below `restricted` (the public, viewers) get only a verified report's summary: no
  reporter, no contact, no attachments, coordinates rounded to about 10 km.
- Exports leave personal data out unless asked for by a reader allowed to see it.
- `purge_contacts` deletes reporter name, contact and original file names after the retention
  period (`FOREWARN_REPORTS_CONTACT_RETENTION_DAYS`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from forewarn.reports.models import Report, ReportAttachment
from forewarn.security import REDACTED, Principal, Sensitivity
from forewarn.security.audit import record
from forewarn.store.models import Country

PERSONAL = ("reporter_name", "contact")


def may_see_contact(report: Report, principal: Principal) -> bool:
    if not principal.can("read:confidential"):
        return False
    return report.contact_consent or principal.can("manage:users")


def _personal(report: Report, principal: Principal) -> dict:
    if report.contact_purged_at is not None:
        return {k: None for k in PERSONAL} | {"contact_purged": True}
    shown = may_see_contact(report, principal)
    return {k: (getattr(report, k) if shown else (REDACTED if getattr(report, k) else None))
            for k in PERSONAL} | {"contact_purged": False}


def summary(report: Report, principal: Principal) -> dict:
    """What PRINCIPAL may see of REPORT (the session already decided it may see it at all)."""
    full = principal.may_read(Sensitivity.restricted)
    out = {"id": report.id, "reference": report.reference, "status": report.status,
           "sensitivity": Sensitivity(report.sensitivity).value,
           "created_at": report.created_at, "occurred_at": report.occurred_at,
           "occurred_note": report.occurred_note, "place": report.place,
           "country": report.country_id and _iso3(report),
           "latitude": report.latitude, "longitude": report.longitude,
           "what": report.what, "affected": report.affected,
           "affected_count": report.affected_count, "incident_id": report.incident_id,
           "categories": list(report.categories or [])}
    if not full:
        for k in ("latitude", "longitude"):
            out[k] = None if out[k] is None else round(out[k], 1)
        return out
    out |= {"channel": report.channel, "language": report.language,
            "assigned_to_id": report.assigned_to_id, "duplicate_of_id": report.duplicate_of_id,
            "reviewed_at": report.reviewed_at, "contact_consent": report.contact_consent,
            "import_file": report.import_file, "answers": dict(report.answers or {}),
            "occurred_precision": report.occurred_precision,
            "occurred_end": report.occurred_end}
    out |= _personal(report, principal)
    return out


def _iso3(report: Report) -> str | None:
    session = Session.object_session(report)
    return session.scalar(select(Country.iso3).where(Country.id == report.country_id))


def attachment(a: ReportAttachment, principal: Principal) -> dict:
    return {"id": a.id, "kind": a.kind, "mime": a.mime, "size": a.size, "sha256": a.sha256,
            "working_sha256": a.working_sha256, "working_size": a.working_size,
            "metadata_stripped": a.metadata_stripped, "strip_note": a.strip_note,
            "source_id": a.source_id,
            "original_name": a.original_name if principal.can("read:confidential") and
            a.original_name != REDACTED else None}


def export_csv(session: Session, include_personal: bool = False) -> str:
    """Every report the session may see as CSV (kept for callers; see reports.exports)."""
    from forewarn.reports import exports  # cycle: exports imports this module

    return exports.export_csv(session, include_personal)


def purge_contacts(session: Session, retention_days: int, now: datetime | None = None) -> int:
    """Delete reporter names, contacts and original file names of reports older than
    RETENTION_DAYS. SESSION must see every report (SYSTEM). Returns how many were purged."""
    if retention_days <= 0:
        return 0
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=retention_days)
    old = list(session.scalars(select(Report).where(
        Report.created_at < cutoff, Report.contact_purged_at.is_(None),
        or_(Report.contact.is_not(None), Report.reporter_name.is_not(None),
            Report.attachments.any(ReportAttachment.original_name.is_not(None))))))
    for report in old:
        report.contact = None
        report.reporter_name = None
        report.contact_purged_at = now
        for a in report.attachments:
            a.original_name = None
    session.flush()
    if old:
        record(session, None, "report.purge_contacts", "report", None,
               after={"reports": [r.id for r in old], "retention_days": retention_days})
    return len(old)
