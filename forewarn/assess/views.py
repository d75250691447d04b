"""Data for pages and the API: an assessment as its reader may see it, a country's profile
history, and the mapping from workflow exceptions to HTTP answers."""

from __future__ import annotations

from fastapi import HTTPException
from pydantic import ValidationError

from forewarn.assess import service, suggest
from forewarn.assess.access import Actor
from forewarn.assess.catalog import Framework
from forewarn.assess.profile import RULE_TEXT, compute_profile
from forewarn.assess.ratings import ContentError, resolve_evidence
from forewarn.assess.transfer import TransferError
from forewarn.security import AccessDenied


def http_error(exc: Exception) -> HTTPException:
    """One translation from workflow errors to status codes, for HTML and JSON alike."""
    if isinstance(exc, service.NotFound):
        return HTTPException(404, str(exc))
    if isinstance(exc, service.Forbidden | AccessDenied):
        return HTTPException(403, str(exc))
    if isinstance(exc, service.WorkflowError):
        return HTTPException(409, str(exc))
    if isinstance(exc, ContentError | TransferError):
        return HTTPException(422, str(exc))
    if isinstance(exc, ValidationError):
        return HTTPException(422, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                            for e in exc.errors()))
    raise exc


WORKFLOW_ERRORS = (service.NotFound, service.Forbidden, AccessDenied, service.WorkflowError,
                   ContentError, TransferError, ValidationError)


def get_or_404(session, assessment_id: int):
    """The assessment the reader may see, or the HTTP error (404) its absence gives."""
    try:
        return service.get(session, assessment_id)
    except service.NotFound as exc:
        raise http_error(exc) from None


def permissions(actor: Actor, a) -> dict:
    return {"edit": service.may_edit(actor, a) and a.status != "in_review",
            "submit": service.may_edit(actor, a) and a.status == "draft",
            "return": actor.can("review") and a.status == "in_review",
            "publish": actor.can("review") and a.status == "in_review",
            "sensitivity": service.may_edit(actor, a) or actor.can("review")}


def assessment_dict(session, actor: Actor, framework: Framework, a,
                    number: int | None = None) -> dict:
    """The assessment as ACTOR reads it: working copy for editors, published for others."""
    readable = service.readable_number(actor, a)
    if readable is None:
        raise service.NotFound(f"no assessment {a.id}")
    if number is not None and not service.is_editor(actor) and number != readable:
        raise service.NotFound(f"no version {number} of assessment {a.id} for you")
    snap = service.snapshot(a, service.version(session, a, number or readable))
    for r in snap["ratings"]:
        r["evidence"] = resolve_evidence(session, r.get("evidence") or [], actor)
        r["text"] = framework.indicator(r["indicator"]).text
    out = {"id": a.id, "iso3": a.country.iso3, "country": a.country.name,
           "as_of": a.as_of.isoformat(), "status": a.status, "sensitivity": snap["sensitivity"],
           "demo": a.demo, "author": a.author_name, "current_version": a.current_version,
           "published_version": a.published_version,
           "published_at": a.published_at.isoformat() if a.published_at else None,
           "published_by": a.published_by_name, "shown_version": snap["number"],
           "summary": snap["summary"], "ratings": snap["ratings"],
           "profile": compute_profile(framework, snap["ratings"]), "rule": RULE_TEXT,
           "permissions": permissions(actor, a), "versions": []}
    if service.is_editor(actor):
        out["versions"] = [{"number": v.number, "kind": v.kind, "status": v.status,
                            "editor": v.editor_name, "note": v.note,
                            "created_at": v.created_at.isoformat() if v.created_at else None}
                           for v in service.versions(session, a)]
        out["comments"] = [{"id": c.id, "indicator": c.indicator, "body": c.body,
                            "author": c.author_name,
                            "created_at": c.created_at.isoformat() if c.created_at else ""}
                           for c in service.comments(session, a)]
        by: dict[str, list] = {}
        for c in out["comments"]:
            by.setdefault(c["indicator"], []).append(c)
        out["comments_by"] = by
    return out


def country_profile(session, framework: Framework, country_id: int) -> dict:
    """Published profiles of one country over time, latest first in `published`."""
    history = []
    for snap in service.published(session, country_id):
        prof = compute_profile(framework, snap["ratings"])
        history.append({"assessment_id": snap["assessment_id"], "as_of": snap["as_of"],
                        "version": snap["number"], "demo": snap["demo"],
                        "published_at": snap["published_at"],
                        "published_by": snap["published_by"], "summary": snap["summary"],
                        "ratings": len([r for r in snap["ratings"]
                                        if r["rating"] != "not_assessed"]),
                        "factors": prof["factors"], "views": prof["views"]})
    return {"published": history[-1] if history else None, "history": history,
            "factor_ids": [f.id for f in framework.factors],
            "factor_titles": {f.id: f.title for f in framework.factors}, "rule": RULE_TEXT}


def suggestions_dict(session, framework: Framework, country_id: int,
                     year: int | None = None, as_of=None) -> dict:
    """Data suggestions up to YEAR, or (AS_OF) only what was published by that date."""
    by_ind = suggest.for_country(session, framework, country_id, year, as_of=as_of)
    meta, _ = suggest.load_rules(framework)
    order = framework.order()
    return {"year": year, "as_of": as_of.isoformat() if as_of else None,
            "notice": meta.get("notice", ""),
            "indicators": {iid: by_ind[iid] for iid in sorted(by_ind, key=order.__getitem__)}}
