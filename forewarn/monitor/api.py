"""The monitor's JSON API outside alerts: the authenticated `POST /api/documents` (the alerts,
rules and corrections API: alerts_api.py)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Body, Depends, HTTPException

from forewarn.data import countries
from forewarn.data.errors import DataError
from forewarn.monitor.ingest import from_record
from forewarn.monitor.model import ModelNotFound, load
from forewarn.monitor.store import BatchReport, settle, store_document
from forewarn.security.deps import require
from forewarn.web.deps import EngineDep, SettingsDep

router = APIRouter()


_models: dict[str, tuple[float | None, object]] = {}


def latest_model(root: str):
    """The latest trained classifier, or None; a model trained after the app started (e.g.
    by the background training `forewarn setup` starts) is picked up on the next request."""
    latest = Path(root) / "LATEST"
    stamp = latest.stat().st_mtime if latest.exists() else None
    hit = _models.get(root)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    try:
        model = load(Path(root))
    except ModelNotFound:
        model = None
    _models[root] = (stamp, model)
    return model


@router.post("/api/documents", status_code=201, tags=["monitor"])
def post_document(engine: EngineDep, settings: SettingsDep,
                  principal=Depends(require("create")), body: dict = Body(...)):
    """Submit a document: {"text", "title"?, "url"?, "published_at"?, "country"?, "source"?}.
    It is de-duplicated, scored and tagged like any other."""
    try:
        doc = from_record(body, "api", body.get("source") or f"api:{principal.username}",
                          "request body")
    except DataError as exc:
        raise HTTPException(422, str(exc)) from exc
    if doc.country_iso3 and countries.get(doc.country_iso3) is None:
        raise HTTPException(422, f"unknown country code '{doc.country_iso3}'")
    report = BatchReport()
    doc_id = store_document(engine, doc, latest_model(str(settings.artifacts_dir / "monitor")),
                            report)
    settle(engine, report)  # signals and alert rules of the document's day, at once
    return {"id": doc_id, "duplicate": doc_id is None,
            "near_duplicate": bool(report.near_duplicates)}
