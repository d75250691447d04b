"""The alerts inbox and alert pages (acknowledge, assign, annotate, dismiss, reopen; the
documents behind each alert), alert rules and feeds (list, create, edit, disable, delete),
and analysts' corrections of classifications (mark, export). HTML forms post here and are
redirected back (303); the same actions exist as JSON under /api/monitor/… (alerts_api.py)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse
from sqlalchemy import select

from forewarn.monitor import alerts as alerts_mod
from forewarn.monitor import corrections as corrections_mod
from forewarn.monitor import feeds as feeds_mod
from forewarn.monitor.models import MonitorAlert
from forewarn.monitor.riskfactors import signal_label
from forewarn.monitor.views import act, alert_json, alert_rows, feed_json, rule_fields, rule_json
from forewarn.security.deps import require
from forewarn.store.models import Country
from forewarn.web.deps import EngineDep, SessionDep
from forewarn.web.render import twin

router = APIRouter()
READ = require("read:internal")
FILTERS = ("new", "acknowledged", "dismissed", "all")


@twin(router, "/monitor/alerts", "monitor/alerts.html", summary="The alerts inbox",
      tags=["monitor"])
def alerts_inbox(request: Request, session: SessionDep, principal=Depends(READ),
                 status: str = "new"):
    """Alerts with the given status (new, acknowledged, dismissed, all), newest day first."""
    if status not in FILTERS:
        raise HTTPException(422, f"status must be one of {', '.join(FILTERS)}")
    return {"status": status, "statuses": FILTERS, "alerts": alert_rows(session, status),
            "actions": alerts_mod.ACTIONS}


@twin(router, "/monitor/alerts/{alert_id:int}", "monitor/alert.html", summary="One alert",
      tags=["monitor"])
def alert_detail(request: Request, alert_id: int, session: SessionDep, principal=Depends(READ)):
    """An alert, its notes and the documents that made its count."""
    row = session.execute(select(MonitorAlert, Country.iso3).join(
        Country, Country.id == MonitorAlert.country_id).where(MonitorAlert.id == alert_id)).first()
    if row is None:
        raise HTTPException(404, f"no alert {alert_id}")
    a, iso3 = row
    docs = alerts_mod.documents_of(session, a)
    return {"alert": alert_json(a, iso3), "documents": [
        {"id": d.id, "title": d.title or d.source, "source": d.source, "url": d.url,
         "published_at": d.published_at, "language": d.language, "label": d.label,
         "scores": d.scores, "text": d.text[:400]} for d in docs],
        "correction_kinds": corrections_mod.KINDS}


def _back(request: Request, form, default: str) -> RedirectResponse:
    target = str(form.get("next") or default)
    if not target.startswith("/") or target.startswith("//"):  # no open redirect
        target = default
    return RedirectResponse(target, status_code=303)


@router.post("/monitor/alerts/{alert_id:int}/act", include_in_schema=False)
async def alert_form(request: Request, alert_id: int, engine: EngineDep,
                     principal=Depends(require("review"))):
    form = await request.form()
    act(engine, alert_id, str(form.get("action", "")), principal.username,
        str(form.get("value", "")))
    return _back(request, form, f"/monitor/alerts/{alert_id}")


# --- rules -------------------------------------------------------------------------------

@twin(router, "/monitor/rules", "monitor/rules.html", summary="Alert rules", tags=["monitor"])
def rules_page(request: Request, engine: EngineDep, principal=Depends(READ)):
    """Every alert rule (active or disabled), and the signals a rule may watch."""
    return {"rules": [rule_json(r) for r in alerts_mod.rules(engine)],
            "signals": [{"id": s, "label": signal_label(s)} for s in alerts_mod.known_signals()],
            "modes": alerts_mod.MODES, "error": request.query_params.get("error")}


def _change(principal, what: str, op: str, delete, update, changes) -> None:
    """The form ops on an existing rule or feed (WHAT): delete, enable, disable, update with
    CHANGES(); all need edit:any."""
    if not principal.can("edit:any"):
        raise HTTPException(403, f"Changing {what} needs edit:any.")
    if op == "delete":
        delete()
    elif op in ("enable", "disable"):
        update(active=op == "enable")
    elif op == "update":
        update(**changes())
    else:
        raise HTTPException(422, f"unknown op {op!r}")


@router.post("/monitor/rules", include_in_schema=False)
async def rule_form(request: Request, engine: EngineDep, principal=Depends(require("create"))):
    """Form posts: op = create | update | enable | disable | delete (rule_id for the others)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    op = form.pop("op", "create")
    try:
        if op == "create":
            f = rule_fields(form, False)
            alerts_mod.create_rule(engine, f.get("name", ""), f.get("signal", ""),
                                   f["countries"], f.get("mode", "spike"),
                                   float(f.get("threshold") or 0.01),
                                   int(f.get("min_count") or 3), f.get("webhook_url", ""),
                                   f.get("email_to", ""), principal.username)
        else:
            rule_id = int(form.get("rule_id", "0"))
            _change(principal, "rules", op,
                    lambda: alerts_mod.delete_rule(engine, rule_id, principal.username),
                    lambda **changes: alerts_mod.update_rule(engine, rule_id,
                                                             principal.username, **changes),
                    lambda: rule_fields(form, True))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except (alerts_mod.RuleError, ValueError) as exc:
        return RedirectResponse(f"/monitor/rules?error={quote(str(exc))}", status_code=303)
    return RedirectResponse("/monitor/rules", status_code=303)


# --- feeds -------------------------------------------------------------------------------

@twin(router, "/monitor/feeds", "monitor/feeds.html", summary="Polled feeds", tags=["monitor"])
def feeds_page(request: Request, engine: EngineDep, principal=Depends(READ)):
    """Every RSS/Atom feed, when it was last polled and its last error."""
    return {"feeds": [feed_json(f) for f in feeds_mod.list_feeds(engine)],
            "error": request.query_params.get("error")}


@router.post("/monitor/feeds", include_in_schema=False)
async def feed_form(request: Request, engine: EngineDep, principal=Depends(require("create"))):
    """Form posts: op = create | update | enable | disable | delete (feed_id for the others)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    op = form.pop("op", "create")
    fields = {k: form[k] for k in feeds_mod.FEED_FIELDS if form.get(k) not in (None, "")}
    try:
        if op == "create":
            feeds_mod.add_feed(engine, fields.get("url", ""), fields.get("name", ""),
                               int(fields.get("interval_minutes", 60)),
                               fields.get("country_iso3"), principal.username)
        else:
            feed_id = int(form.get("feed_id", "0"))
            fields.pop("active", None)
            if "country_iso3" in form and not form["country_iso3"]:
                fields["country_iso3"] = None  # an emptied country: the feed covers any
            _change(principal, "feeds", op,
                    lambda: feeds_mod.delete_feed(engine, feed_id, principal.username),
                    lambda **changes: feeds_mod.update_feed(engine, feed_id,
                                                            principal.username, **changes),
                    lambda: fields)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        return RedirectResponse(f"/monitor/feeds?error={quote(str(exc))}", status_code=303)
    return RedirectResponse("/monitor/feeds", status_code=303)


# --- corrections -------------------------------------------------------------------------

@router.post("/monitor/documents/{document_id:int}/corrections", include_in_schema=False)
async def correct_form(request: Request, document_id: int, engine: EngineDep,
                       principal=Depends(require("create"))):
    form = await request.form()
    try:
        corrections_mod.add(engine, document_id, str(form.get("kind", "")), principal.username,
                            str(form.get("correct_language", "")) or None,
                            str(form.get("note", "")))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except corrections_mod.CorrectionError as exc:
        raise HTTPException(422, str(exc)) from exc
    return _back(request, form, "/monitor/corrections")


@twin(router, "/monitor/corrections", "monitor/corrections.html",
      summary="Analysts' corrections of the classifier", tags=["monitor"])
def corrections_page(request: Request, engine: EngineDep, principal=Depends(require("export"))):
    """Every correction, newest last (the CSV export: /monitor/corrections.csv)."""
    return {"corrections": corrections_mod.rows(engine), "kinds": corrections_mod.KINDS}


@router.get("/monitor/corrections.csv", response_class=PlainTextResponse, tags=["monitor"])
def corrections_csv(engine: EngineDep, principal=Depends(require("export"))):
    """The corrections as CSV (formula-safe), for `forewarn monitor train --corrections`."""
    return PlainTextResponse(corrections_mod.to_csv(corrections_mod.rows(engine)),
                             media_type="text/csv", headers={
                                 "Content-Disposition":
                                     "attachment; filename=monitor-corrections.csv"})
