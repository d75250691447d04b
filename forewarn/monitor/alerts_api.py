"""The alerts, rules and corrections JSON API under /api/monitor/… (the HTML forms of the
same actions: alerts_pages.py)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, HTTPException

from forewarn.monitor import alerts as alerts_mod
from forewarn.monitor import corrections as corrections_mod
from forewarn.monitor.views import act, rule_fields, rule_json
from forewarn.security.deps import require
from forewarn.web.deps import EngineDep

router = APIRouter()


@router.post("/api/monitor/alerts/{alert_id}/{action}", tags=["monitor"])
def act_on_alert(alert_id: int, action: str, engine: EngineDep,
                 principal=Depends(require("review")), body: dict | None = Body(None)):
    """acknowledge, dismiss, reopen; assign ({"value": username}); annotate ({"value": note})."""
    if action not in alerts_mod.ACTIONS:
        raise HTTPException(404, f"action must be one of {', '.join(alerts_mod.ACTIONS)}")
    a = act(engine, alert_id, action, principal.username, str((body or {}).get("value", "")))
    return {"id": a.id, "status": a.status, "acted_by": a.acted_by,
            "assigned_to": a.assigned_to, "notes": a.notes}


# --- rules -------------------------------------------------------------------------------

@router.post("/api/monitor/rules", status_code=201, tags=["monitor"])
def create_rule(engine: EngineDep, principal=Depends(require("create")),
                body: dict = Body(...)):
    """Create an alert rule: {"name", "signal", "countries"?, "mode"?, "threshold"?,
    "min_count"?, "webhook_url"?, "email_to"?}; an unknown signal is refused (422)."""
    try:
        rid = alerts_mod.create_rule(
            engine, str(body.get("name", "")), str(body.get("signal", "")),
            rule_fields(body, False)["countries"], body.get("mode", "spike"),
            float(body.get("threshold", 0.01)), int(body.get("min_count", 3)),
            body.get("webhook_url", ""), body.get("email_to", ""), principal.username)
    except (alerts_mod.RuleError, TypeError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from exc
    return {"id": rid}


@router.patch("/api/monitor/rules/{rule_id}", tags=["monitor"])
def edit_rule(rule_id: int, engine: EngineDep, principal=Depends(require("edit:any")),
              body: dict = Body(...)):
    """Change a rule's fields (e.g. {"active": false} disables it)."""
    try:
        r = alerts_mod.update_rule(engine, rule_id, principal.username,
                                   **rule_fields(body, True))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except (alerts_mod.RuleError, TypeError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from exc
    return rule_json(r)


@router.delete("/api/monitor/rules/{rule_id}", status_code=204, tags=["monitor"])
def remove_rule(rule_id: int, engine: EngineDep, principal=Depends(require("edit:any"))):
    """Delete a rule; its alerts are kept."""
    try:
        alerts_mod.delete_rule(engine, rule_id, principal.username)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc


# --- corrections -------------------------------------------------------------------------

@router.post("/api/monitor/documents/{document_id}/corrections", status_code=201,
             tags=["monitor"])
def correct(document_id: int, engine: EngineDep, principal=Depends(require("create")),
            body: dict = Body(...)):
    """Mark a document's classification wrong: {"kind": false_positive | counter_speech |
    wrong_language | missed, "correct_language"?, "note"?}."""
    try:
        cid = corrections_mod.add(engine, document_id, str(body.get("kind", "")),
                                  principal.username, body.get("correct_language"),
                                  str(body.get("note", "")))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except corrections_mod.CorrectionError as exc:
        raise HTTPException(422, str(exc)) from exc
    return {"id": cid}
