"""The register's Python API for other capabilities (forewarn.reports keeps report uploads
here and verifies reports into incidents). Everything runs in the caller's session and
transaction, as the session's principal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence import incidents, sources
from forewarn.evidence.access import principal_of
from forewarn.evidence.models import Incident, Source
from forewarn.evidence.storage import BlobStore
from forewarn.settings import get_settings
from forewarn.store.models import Country


def store_for(data_dir: Path | None = None, session: Session | None = None) -> BlobStore:
    """The register's file store: in DATA_DIR, else the data dir of the settings the session
    carries (a request's), else the process's."""
    if data_dir is None:
        settings = (session.info.get("settings") if session is not None else None) \
            or get_settings()
        data_dir = settings.data_dir
    return BlobStore(Path(data_dir) / "evidence")


def add_report_source(session: Session, data: bytes, digest: str, mime: str, *, title: str,
                      received_via: str, data_dir: Path | None = None,
                      sensitivity: str = "restricted") -> int:
    """Keep an uploaded original as an evidentiary source (restricted by default); returns
    its id. DIGEST must be the sha256 of DATA."""
    from forewarn.evidence.storage import sha256_bytes

    if sha256_bytes(data) != digest:
        raise sources.IntakeError("the digest does not match the bytes")
    result = sources.register(session, store_for(data_dir, session), data, kind="upload",
                              title=title,
                              actor=principal_of(session), collector=received_via[:120],
                              original_location=received_via, media_type=mime,
                              sensitivity=sensitivity, witness_media=True)
    return result.source.id


def link_report(session: Session, report, incident_id: int | None, new_title: str) -> int:
    """Join REPORT's originals to incident INCIDENT_ID, or to a new incident titled NEW_TITLE
    built from the report (harm `unclassified` until an analyst classifies it)."""
    actor = principal_of(session)
    if incident_id is not None:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise incidents.IncidentError("incident", f"no incident #{incident_id}")
    else:
        iso3 = session.scalar(select(Country.iso3).where(Country.id == report.country_id)) \
            if report.country_id else None
        when = report.occurred_at or report.created_at or datetime.now(UTC)
        incident = incidents.create_incident(session, {
            "title": new_title, "summary": report.what, "date_start": when.date(),
            "place": report.place, "country": iso3, "latitude": report.latitude,
            "longitude": report.longitude, "harm_types": ["unclassified"],
            "victim_groups": [{"name": report.affected[:200], "characteristics": []}]
            if report.affected else [],
            "sensitivity": "restricted"}, actor)
    for n, att in enumerate(report.attachments, start=1):
        if att.source_id is None:
            continue
        source = session.get(Source, att.source_id)
        if source is not None:
            incidents.link_source(session, incident, source, actor, ["conduct"],
                                  f"report {report.reference}, attachment {n}")
    return incident.id


def incident_choices(session: Session, limit: int = 100) -> list[dict]:
    """Recent incidents the session may read, for a picker."""
    rows = session.scalars(select(Incident).order_by(Incident.id.desc()).limit(limit))
    return [{"id": i.id, "title": i.title, "date_start": i.date_start.isoformat(),
             "country": i.country.iso3 if i.country else None} for i in rows]
