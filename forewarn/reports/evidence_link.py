"""A verified report into the evidence register (forewarn.evidence.service): the incident it
joins or becomes, with the report's originals (kept there at intake) as its evidence."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence import service as evidence
from forewarn.evidence.models import Incident
from forewarn.reports import dates
from forewarn.security import principal_of
from forewarn.store.models import Country


def link_incident(session: Session, report, incident_id: int | None, new_title: str,
                  country: str = "") -> int:
    """Join INCIDENT_ID or create an incident from REPORT; link the report's originals."""
    from forewarn.reports.triage import TriageError  # cycle: triage calls this module

    actor = principal_of(session)
    try:
        if incident_id is not None:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise TriageError(f"no incident {incident_id} that you can see")
        else:
            if country.strip() and report.country_id is None:
                report.country_id = evidence.country_id(session, country.strip().upper())
            iso3 = _iso3(session, report)
            if not iso3:
                raise TriageError("set the report's country before creating an incident")
            # The reporter's precision is kept: "last night" is a two-day span, never an
            # exact date on the day of submission; their words stay in the summary.
            when = dates.span(report)
            incident = evidence.create_incident(session, {
                "title": new_title, "summary": f"{report.what}\n\n{when.note}",
                "date_start": when.start, "date_end": when.end,
                "place": report.place, "country": iso3, "latitude": report.latitude,
                "longitude": report.longitude, "harm_types": ["unclassified"],
                "sensitivity": "restricted",
                "external_ref": f"report {report.reference}"}, actor)
        evidence.cite_sources(session, incident, [a.source_id for a in report.attachments],
                              actor, locator=f"report {report.reference}")
    except (evidence.IncidentError, AttributeError) as exc:
        raise TriageError(str(exc)) from None
    return incident.id


def _iso3(session: Session, report) -> str | None:
    if report.country_id is None:
        return None
    return session.scalar(select(Country.iso3).where(Country.id == report.country_id))

