"""The JSON shapes of alerts, rules and feeds, shared by the alert pages (alerts_pages.py),
their JSON API (alerts_api.py) and the duty officer's view (duty_pages.py)."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import select

from forewarn.data import countries
from forewarn.monitor import alerts as alerts_mod
from forewarn.monitor.models import MonitorAlert
from forewarn.monitor.riskfactors import signal_label
from forewarn.store.models import Country


def country_json(iso3: str | None) -> dict | None:
    c = countries.get(iso3) if iso3 else None
    return {"iso3": c.iso3, "name": c.name} if c else None


def alert_json(a: MonitorAlert, iso3: str) -> dict:
    return {"id": a.id, "rule_id": a.rule_id, "rule": a.rule.name if a.rule else a.rule_name,
            "signal": a.signal, "signal_label": signal_label(a.signal),
            "country": iso3, "country_name": (country_json(iso3) or {}).get("name", iso3),
            "day": a.day, "count": a.count, "expected": a.expected, "p_value": a.p_value,
            "baseline": a.baseline, "status": a.status, "assigned_to": a.assigned_to,
            "notes": a.notes or [], "acted_by": a.acted_by, "acted_at": a.acted_at,
            "created_at": a.created_at, "deliveries": a.deliveries,
            "url": f"/monitor/alerts/{a.id}",
            "documents_url": _documents_url(a, iso3)}


def _documents_url(a: MonitorAlert, iso3: str) -> str:
    signal = a.signal.split(":", 1)[1] if a.signal.startswith("rf:") else a.signal
    if a.signal.startswith("gdelt:"):
        return f"/monitor/countries/{iso3}/signals.json"
    return f"/monitor?country={iso3}&signal={signal}&date_from={a.day}&date_to={a.day}"


def alert_rows(session, status: str | None = "new", limit: int = 500) -> list[dict]:
    q = (select(MonitorAlert, Country.iso3).join(Country, Country.id == MonitorAlert.country_id)
         .order_by(MonitorAlert.day.desc(), MonitorAlert.id.desc()).limit(limit))
    if status and status != "all":
        q = q.where(MonitorAlert.status == status)
    return [alert_json(a, iso3) for a, iso3 in session.execute(q).all()]


def act(engine, alert_id: int, action: str, username: str, value: str):
    """alerts.act, its errors as HTTP ones (404 unknown alert, 422 refused action)."""
    try:
        return alerts_mod.act(engine, alert_id, action, username, value)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc


def rule_json(r) -> dict:
    return {"id": r.id, "name": r.name, "signal": r.signal, "signal_label": signal_label(r.signal),
            "countries": r.countries, "mode": r.mode, "threshold": r.threshold,
            "min_count": r.min_count, "webhook_url": r.webhook_url, "email_to": r.email_to,
            "active": r.active, "created_by": r.created_by, "created_at": r.created_at}


def rule_fields(body: dict, partial: bool) -> dict:
    out = {k: body[k] for k in alerts_mod.RULE_FIELDS if k in body and body[k] is not None}
    if isinstance(out.get("countries"), str):
        out["countries"] = [c for c in out["countries"].replace(" ", ",").split(",") if c]
    if isinstance(out.get("active"), str):
        out["active"] = out["active"].lower() in ("1", "true", "on", "yes")
    if not partial:
        out.setdefault("countries", [])
    return out


def feed_json(f) -> dict:
    return {"id": f.id, "url": f.url, "name": f.name, "interval_minutes": f.interval_minutes,
            "country": country_json(f.country_iso3), "active": f.active,
            "last_polled_at": f.last_polled_at, "last_error": f.last_error}
