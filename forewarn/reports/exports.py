"""Reports as CSV, HXL-tagged CSV and GeoJSON: every report the session may see, what its
reader may see of each (forewarn.reports.protection.summary), personal data only on request
by a reader allowed to see it. Every CSV goes through forewarn.security.exports (formula-safe)
and every export is audited.

HXL (the Humanitarian Exchange Language, hxlstandard.org) adds a row of hashtags under the
header so humanitarian tools (HDX, HXL Proxy) recognise the columns.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.reports.models import Report
from forewarn.reports.protection import PERSONAL, _personal, summary
from forewarn.security import AccessDenied, principal_of
from forewarn.security.audit import record
from forewarn.security.exports import write_csv

COLUMNS = ["reference", "status", "created_at", "occurred_at", "occurred_end",
           "occurred_precision", "occurred_note", "place", "country", "latitude", "longitude",
           "what", "affected", "affected_count", "categories", "answers", "language",
           "channel", "duplicate_of", "incident_id"]
# HXL 1.1 hashtags for the columns above (attributes say which date or which identifier).
HXL = {"reference": "#meta+id", "status": "#status", "created_at": "#date+reported",
       "occurred_at": "#date+start", "occurred_end": "#date+end",
       "occurred_precision": "#meta+date_precision", "occurred_note": "#description+date",
       "place": "#loc+name", "country": "#country+code", "latitude": "#geo+lat",
       "longitude": "#geo+lon", "what": "#description", "affected": "#affected+description",
       "affected_count": "#affected+num", "categories": "#event+type",
       "answers": "#meta+answers",
       "language": "#meta+language", "channel": "#meta+channel",
       "duplicate_of": "#meta+id+duplicate_of", "incident_id": "#event+id+incident",
       "reporter_name": "#contact+name", "contact": "#contact+phone"}


def _rows(session: Session, include_personal: bool, kind: str):
    principal = principal_of(session)
    if not principal.can("export"):
        raise AccessDenied(f"{principal.username} lacks 'export'")
    personal = include_personal and principal.can("read:confidential")
    reports = list(session.scalars(select(Report).order_by(Report.id)))
    references = {r.id: r.reference for r in reports}
    rows = []
    for report in reports:
        row = summary(report, principal)
        row["categories"] = ";".join(report.categories or [])
        row["occurred_end"] = report.occurred_end
        row["occurred_precision"] = report.occurred_precision
        if "channel" in row:  # readers who see the full report
            row["duplicate_of"] = references.get(report.duplicate_of_id, "")
            row["answers"] = json.dumps(report.answers or {}, ensure_ascii=False, sort_keys=True)
        if personal:
            row |= _personal(report, principal)
        rows.append(row)
    record(session, None, "report.export", "report", None,
           after={"rows": len(rows), "personal": personal, "format": kind})
    return rows, COLUMNS + (list(PERSONAL) if personal else [])


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_csv(session: Session, include_personal: bool = False) -> str:
    """Every report the session may see, as formula-safe CSV. Needs `export`; audited."""
    rows, columns = _rows(session, include_personal, "csv")
    return write_csv(({k: _plain(v) for k, v in r.items()} for r in rows), columns)


def export_hxl(session: Session, include_personal: bool = False) -> str:
    """The CSV export with a row of HXL hashtags under the header."""
    rows, columns = _rows(session, include_personal, "hxl")
    tags = {c: HXL[c] for c in columns}
    return write_csv([tags] + [{k: _plain(v) for k, v in r.items()} for r in rows], columns)


def export_geojson(session: Session, include_personal: bool = False) -> dict:
    """Reports with a point as a GeoJSON FeatureCollection (RFC 7946: longitude first).
    Coordinates are as coarse as the reader's summary (about 10 km below `restricted`)."""
    rows, columns = _rows(session, include_personal, "geojson")
    features = []
    for r in rows:
        if r.get("latitude") is None or r.get("longitude") is None:
            continue
        features.append({"type": "Feature", "id": r["reference"],
                         "geometry": {"type": "Point",
                                      "coordinates": [r["longitude"], r["latitude"]]},
                         "properties": {c: _plain(r.get(c)) for c in columns
                                        if c not in ("latitude", "longitude")}})
    return {"type": "FeatureCollection", "features": features}
