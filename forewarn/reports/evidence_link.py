"""The adapter to the evidence register (forewarn.evidence): where originals are kept with
their chain of custody, and the incidents verified reports become or join.

While forewarn.evidence is not installed, originals are kept byte for byte in the reports'
own content-addressed store (sha256 recorded on the attachment) and verification is refused.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.reports.storage import original_store


def evidence():
    """The forewarn.evidence package, or None when it is not installed."""
    try:
        return importlib.import_module("forewarn.evidence.incidents")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("forewarn.evidence"):
            return None
        raise


def keep_original(session: Session, data_dir: Path, data: bytes, digest: str, mime: str, *,
                  title: str, received_via: str) -> int | None:
    """Keep DATA unchanged; return the evidence source id when the register keeps it (its
    custody log then starts with this intake)."""
    if evidence() is None:
        original_store(data_dir).put(data)
        return None
    from forewarn.evidence.sources import register
    from forewarn.evidence.storage import BlobStore

    store = BlobStore(Path(data_dir) / "evidence")
    intake = register(session, store, data, kind="upload", title=title, actor=received_via,
                      collector=received_via, original_location=received_via,
                      media_type=mime, sensitivity="restricted", witness_media=True)
    return intake.source.id if intake.visible else None


def link_incident(session: Session, report, incident_id: int | None, new_title: str,
                  country: str = "") -> int:
    """Join INCIDENT_ID or create an incident from REPORT; link the report's originals."""
    incidents = evidence()
    if incidents is None:
        from forewarn.reports.triage import TriageError

        raise TriageError("the evidence register (forewarn.evidence) is not installed, so "
                          "reports cannot be linked to incidents yet")
    from forewarn.evidence.models import Incident, Source
    from forewarn.reports.triage import TriageError
    from forewarn.security import principal_of

    actor = principal_of(session)
    try:
        if incident_id is not None:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise TriageError(f"no incident {incident_id} that you can see")
        else:
            if country.strip() and report.country_id is None:
                report.country_id = incidents.country_id(session, country.strip().upper())
            iso3 = _iso3(session, report)
            if not iso3:
                raise TriageError("set the report's country before creating an incident")
            when = (report.occurred_at or report.created_at).date()
            incident = incidents.create_incident(session, {
                "title": new_title, "summary": report.what, "date_start": when,
                "place": report.place, "country": iso3, "latitude": report.latitude,
                "longitude": report.longitude, "harm_types": ["unclassified"],
                "sensitivity": "restricted",
                "external_ref": f"report {report.reference}"}, actor)
        for att in report.attachments:
            source = session.get(Source, att.source_id) if att.source_id else None
            if source is not None:
                incidents.link_source(session, incident, source, actor,
                                      locator=f"report {report.reference}")
    except (incidents.IncidentError, AttributeError) as exc:
        raise TriageError(str(exc)) from None
    return incident.id


def _iso3(session: Session, report) -> str | None:
    from sqlalchemy import select

    from forewarn.store.models import Country

    if report.country_id is None:
        return None
    return session.scalar(select(Country.iso3).where(Country.id == report.country_id))


def incident_choices(session: Session) -> list[dict]:
    if evidence() is None:
        return []
    from sqlalchemy import select

    from forewarn.evidence.models import Incident

    rows = session.scalars(select(Incident).order_by(Incident.id.desc()).limit(200))
    return [{"id": i.id, "title": i.title} for i in rows]
