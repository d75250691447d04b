"""Plain dicts of the register's records for the JSON API, the pages and the CLI, with
confidential fields redacted for readers without clearance."""

from __future__ import annotations

from forewarn.evidence import custody
from forewarn.evidence.access import redact
from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.models import Incident, Situation, Source
from forewarn.evidence.wording import date_label, figure


def _iso(value):
    return value.isoformat() if value is not None else None


def _level(value) -> str:
    return str(getattr(value, "value", value))


def source_dict(s: Source, principal, with_custody: bool = False, session=None) -> dict:
    v = vocabulary()
    out = {
        "id": s.id, "title": s.title, "kind": s.kind, "copy": s.copy,
        "derived_from": s.derived_from_id, "sha256": s.sha256, "size": s.size,
        "media_type": s.media_type, "filename": s.filename,
        "original_location": s.original_location, "captured_at": _iso(s.captured_at),
        "registered_at": _iso(s.registered_at), "collector": s.collector,
        "custodian": s.custodian, "fetched_by_server": s.fetched_by_server,
        "fetched_at": _iso(s.fetched_at), "http_status": s.http_status,
        "http_headers": s.http_headers, "reliability": s.reliability,
        "reliability_label": v["reliability"].get(s.reliability or "", None),
        "credibility": s.credibility,
        "credibility_label": v["credibility"].get(s.credibility or "", None),
        "graded_by": s.graded_by, "graded_at": _iso(s.graded_at),
        "description": s.description, "citation": s.citation,
        "sensitivity": _level(s.sensitivity), "created_by": s.created_by,
        "confidential_notes": redact(s.confidential_notes, principal),
        "custody_head": s.custody_head,
        "links": {"self": f"/evidence/sources/{s.id}",
                  "content": f"/api/evidence/sources/{s.id}/content"},
    }
    if with_custody and session is not None:
        out["custody"] = [custody_dict(e) for e in custody.events(session, s.id)]
    return out


def custody_dict(e) -> dict:
    return {"seq": e.seq, "at": _iso(e.at), "actor": e.actor, "action": e.action,
            "detail": e.detail, "prev_hash": e.prev_hash, "hash": e.hash}


def incident_dict(i: Incident, principal) -> dict:
    v = vocabulary()
    links = []
    for lk in i.links:
        src = lk.source  # None when the reader may not read the source (filtered load)
        if src is None:  # a link is as sensitive as its source: say only that one exists
            links.append({"source_id": None, "title": "[withheld]", "supports": [],
                          "locator": "", "note": "", "withheld": True})
            continue
        links.append({"source_id": lk.source_id, "title": src.title,
                      "supports": lk.supports, "locator": lk.locator, "note": lk.note,
                      "withheld": False})
    return {
        "id": i.id, "title": i.title, "summary": i.summary,
        "date_start": _iso(i.date_start), "date_end": _iso(i.date_end),
        "date_precision": i.date_precision or "exact",
        "date": date_label(i.date_start, i.date_end, i.date_precision),
        "exact_date": i.date_start == i.date_end and (i.date_precision or "exact") == "exact",
        "place": i.place, "perpetrator_kind": i.perpetrator_kind, "version": i.version or 1,
        "figures": {cat: figure(f) for cat, f in (i.casualties or {}).items()},
        "country": i.country.iso3 if i.country else None,
        "country_name": i.country.name if i.country else None,
        "latitude": i.latitude, "longitude": i.longitude, "harm_types": i.harm_types,
        "harm_labels": [v["harm_labels"].get(h, h) for h in i.harm_types],
        "perpetrators": i.perpetrators, "victim_groups": i.victim_groups,
        "casualties": i.casualties, "context": i.context, "external_ref": i.external_ref,
        "sensitivity": _level(i.sensitivity), "created_by": i.created_by,
        "created_at": _iso(i.created_at),
        "confidential_notes": redact(i.confidential_notes, principal), "sources": links,
        "links": {"self": f"/evidence/incidents/{i.id}",
                  "proposals": f"/api/evidence/incidents/{i.id}/proposals"},
    }


def situation_dict(s: Situation) -> dict:
    return {"id": s.id, "title": s.title, "summary": s.summary,
            "country": s.country.iso3 if s.country else None,
            "country_name": s.country.name if s.country else None,
            "period_start": _iso(s.period_start), "period_end": _iso(s.period_end),
            "standard_of_proof": s.standard_of_proof, "sensitivity": _level(s.sensitivity),
            "created_by": s.created_by, "incident_ids": [i.id for i in s.incidents],
            "other_countries": s.other_countries or [],
            "protected_groups": s.protected_groups or [], "perpetrators": s.perpetrators or [],
            "status": s.status or "open",
            "closed_at": _iso(s.closed_at), "version": s.version or 1,
            "links": {"dossier": f"/situations/{s.id}", "json": f"/situations/{s.id}.json",
                      "pdf": f"/situations/{s.id}.pdf", "md": f"/situations/{s.id}.md",
                      "profile": f"/situations/{s.id}/profile",
                      "options": f"/situations/{s.id}/options",
                      "brief": f"/situations/{s.id}/brief",
                      "brief_pdf": f"/situations/{s.id}/brief.pdf"}}
