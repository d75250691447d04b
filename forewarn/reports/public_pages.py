"""The public map and list of reports published to everyone (`/reports/map` and its JSON
twin): verified reports a reviewer lowered to `public`, as summaries (no reporter, no files,
no reviewer's notes) with their points coarsened to a tenth of a degree (about 11 km), so a
published report cannot lead anyone to a witness's door. Anonymous visitors are welcome."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from forewarn.reports.models import Report
from forewarn.security import ANONYMOUS, Sensitivity, set_principal
from forewarn.store.models import Country
from forewarn.web.render import twin

router = APIRouter(tags=["reports"])
COARSEN_DECIMALS = 1  # 0.1 degree ≈ 11 km of latitude
SUMMARY_CHARS = 280
PAGE = 500


def _summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 1].rstrip() + "…"


def _coarse(value: float | None) -> float | None:
    return None if value is None else round(value, COARSEN_DECIMALS)


def public_reports(sessions, country: str = "") -> list[dict]:
    """Published reports as the public may see them, newest event first."""
    with sessions() as session:
        # Whoever asks, the public map shows what the public may see, and no more.
        set_principal(session, ANONYMOUS)
        q = (select(Report, Country.iso3).outerjoin(Country, Country.id == Report.country_id)
             .where(Report.sensitivity == Sensitivity.public, Report.status == "verified")
             .order_by(Report.occurred_at.desc().nulls_last(), Report.id.desc()).limit(PAGE))
        if country:
            q = q.where(Country.iso3 == country.strip().upper())
        return [{"reference": r.reference, "summary": _summary(r.what),
                 "occurred_at": r.occurred_at, "occurred_end": r.occurred_end,
                 "occurred_precision": r.occurred_precision, "occurred_note": r.occurred_note,
                 "place": r.place, "country": iso3, "latitude": _coarse(r.latitude),
                 "longitude": _coarse(r.longitude), "categories": list(r.categories or []),
                 "updated_at": r.updated_at}
                for r, iso3 in session.execute(q)]


@twin(router, "/reports/map", "reports/public_map.html", tags=["reports"])
def public_map(request: Request, country: str = ""):
    """Reports published to everyone: summaries with points coarsened to about 11 km
    (0.1 degree). No sign-in needed."""
    reports = public_reports(request.app.state.sessions, country)
    return {"count": len(reports), "country": country.upper(), "reports": reports,
            "coarsened_to_degrees": 10 ** -COARSEN_DECIMALS,
            "points_url": "/reports/map.json" + (f"?country={country}" if country else ""),
            "topology_url": "/report/world.json"}
