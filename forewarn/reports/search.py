"""Search group of field reports, from the full-text index: what happened, where and who was
affected (never the reporter's name or contact). Signed-in readers only, as for the triage
queue, and within each report's sensitivity (new reports are restricted)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.reports.models import Report
from forewarn.store.models import Country
from forewarn.web import fulltext
from forewarn.web.search import register_search


def _report(session: Session, key: str) -> list[dict]:
    r = session.get(Report, int(key))
    if r is None:
        return []
    country = session.get(Country, r.country_id) if r.country_id else None
    when = r.occurred_at.date() if r.occurred_at else None
    return [fulltext.entry(
        title=f"Report {r.reference}" + (f": {r.place}" if r.place else ""),
        url=f"/reports/{r.id}", sensitivity=r.sensitivity, audience="read:internal",
        body=" ".join(x for x in (r.what, r.place, r.occurred_note, r.affected) if x),
        iso3=country.iso3 if country else "", sort_date=when,
        extra_terms=f"{r.reference} {country.name if country else ''}",
        meta={"id": r.id, "status": r.status, "reference": r.reference})]


fulltext.register_indexer("reports", (Report,), lambda obj: [str(obj.id)] if obj.id else [],
                          _report, lambda s: [str(i) for i in s.scalars(select(Report.id))])


@register_search("reports", "Field reports", permission="read:internal", order=350)
def reports(session: Session, q: str, limit: int) -> list[dict]:
    return fulltext.results(session, q, ["reports"], limit)
