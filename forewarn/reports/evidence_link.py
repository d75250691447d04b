"""The adapter to the evidence register (forewarn.evidence): where originals are kept with
their chain of custody, and the incidents verified reports become or join."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence import incidents
from forewarn.evidence.models import Incident, Source
from forewarn.evidence.sources import register
from forewarn.evidence.storage import BlobStore
from forewarn.reports import dates
from forewarn.store.models import Country


def keep_original(session: Session, data_dir: Path, data: bytes, digest: str, mime: str, *,
                  title: str, received_via: str) -> int | None:
    """Keep DATA unchanged as an evidentiary source (its custody log starts with this intake);
    return its id, or None when the submitter's session may not see it."""
    store = BlobStore(Path(data_dir) / "evidence")
    intake = register(session, store, data, kind="upload", title=title, actor=received_via,
                      collector=received_via, original_location=received_via,
                      media_type=mime, sensitivity="restricted", witness_media=True)
    return intake.source.id if intake.visible else None


def link_incident(session: Session, report, incident_id: int | None, new_title: str,
                  country: str = "") -> int:
    """Join INCIDENT_ID or create an incident from REPORT; link the report's originals."""
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
            # The reporter's precision is kept: "last night" is a two-day span, never an
            # exact date on the day of submission; their words stay in the summary.
            when = dates.span(report)
            incident = incidents.create_incident(session, {
                "title": new_title, "summary": f"{report.what}\n\n{when.note}",
                "date_start": when.start, "date_end": when.end,
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
    if report.country_id is None:
        return None
    return session.scalar(select(Country.iso3).where(Country.id == report.country_id))


def incident_choices(session: Session) -> list[dict]:
    rows = session.scalars(select(Incident).order_by(Incident.id.desc()).limit(200))
    return [{"id": i.id, "title": i.title} for i in rows]
