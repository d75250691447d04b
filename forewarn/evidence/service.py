"""The evidence register's Python interface for the other capabilities. Everything runs in the
caller's session and transaction; what the session's principal may not read stays invisible.

forewarn.reports keeps report uploads here as originals and verifies reports into incidents;
forewarn.respond reads what a principal may see, audits its exports and starts a situation's
options from the situation's derived profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence import incidents, sources
from forewarn.evidence.access import actor_name, audit, may_read, readable_levels
from forewarn.evidence.incidents import IncidentError, country_id
from forewarn.evidence.models import Incident, Source
from forewarn.evidence.profile import derive as derive_profile
from forewarn.evidence.storage import BlobStore

__all__ = [
    "IncidentChoice", "IncidentError", "actor_name", "audit", "cite_sources", "country_id",
    "create_incident", "derive_profile", "incident_choices", "keep_original", "may_read",
    "readable_levels",
]


@dataclass(frozen=True)
class IncidentChoice:
    """An incident as a picker lists it."""
    id: int
    title: str


def keep_original(session: Session, data_dir: Path, data: bytes, mime: str, *, title: str,
                  received_via: str) -> int | None:
    """Keep DATA unchanged as a restricted source, sealed at rest (witness media), in the
    register's one content-addressed store under DATA_DIR; its custody log starts with this
    intake by RECEIVED_VIA. Returns its id, or None when the same bytes are already
    registered above the session's clearance."""
    intake = sources.register(session, BlobStore(Path(data_dir) / "evidence"), data,
                              kind="upload", title=title, actor=received_via,
                              collector=received_via, original_location=received_via,
                              media_type=mime, sensitivity="restricted", witness_media=True)
    return intake.source.id if intake.visible else None


def create_incident(session: Session, data: dict, actor) -> Incident:
    """A new incident from DATA (the fields of `POST /api/evidence/incidents`); IncidentError
    names a field it refuses."""
    return incidents.create_incident(session, data, actor)


def cite_sources(session: Session, incident: Incident, source_ids: Iterable[int | None], actor,
                 locator: str) -> None:
    """Link the sources SOURCE_IDS the session may read to INCIDENT as evidence of its
    conduct (each link is written to the source's custody log); others are skipped."""
    for source_id in source_ids:
        source = session.get(Source, source_id) if source_id else None
        if source is not None:
            incidents.link_source(session, incident, source, actor, locator=locator)


def incident_choices(session: Session, limit: int = 200) -> list[IncidentChoice]:
    """The newest incidents the session may read."""
    rows = session.scalars(select(Incident).order_by(Incident.id.desc()).limit(limit))
    return [IncidentChoice(i.id, i.title) for i in rows]
