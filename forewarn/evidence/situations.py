"""Situations as the spine of a case: who is involved (other countries, protected groups,
perpetrators, state or not), editing with history, closing and reopening. Every change keeps
the state before as a version and is audited."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from forewarn.data import countries
from forewarn.evidence.access import actor_name, audit, check_level
from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.incidents import (
    PERPETRATOR_KINDS,
    IncidentError,
    _date,
    _list,
    country_id,
    cover_incidents,
)
from forewarn.evidence.models import Incident, RecordVersion, Situation

FIELDS = ("title", "country", "period_start", "period_end", "summary", "standard_of_proof",
          "sensitivity", "other_countries", "protected_groups", "perpetrators")


def clean_parties(data: dict) -> dict:
    """other_countries (ISO3 list), protected_groups (names), perpetrators ([{name, kind}] or
    'Name:kind; Other')."""
    others = [str(c).strip().upper() for c in _list(data.get("other_countries"),
                                                      "other_countries") if str(c).strip()]
    bad = [c for c in others if countries.get(c) is None]
    if bad:
        raise IncidentError("other_countries", f"unknown ISO3 code '{bad[0]}'")
    groups = [str(g).strip()[:200] for g in _list(data.get("protected_groups"),
                                                  "protected_groups") if str(g).strip()]
    perps = []
    for p in _list(data.get("perpetrators"), "perpetrators"):
        if isinstance(p, str):
            name, _, kind = p.partition(":")
            p = {"name": name, "kind": kind or "unknown"}
        if not isinstance(p, dict) or not str(p.get("name", "")).strip():
            raise IncidentError("perpetrators", "each perpetrator needs a name")
        kind = str(p.get("kind") or "unknown").strip().lower()
        if kind not in PERPETRATOR_KINDS:
            raise IncidentError("perpetrators", f"kind '{kind}' is not one of "
                                f"{', '.join(PERPETRATOR_KINDS)}")
        perps.append({"name": str(p["name"]).strip()[:200], "kind": kind})
    return {"other_countries": others, "protected_groups": groups, "perpetrators": perps}


def situation_state(s: Situation) -> dict:
    return {"title": s.title, "country": s.country.iso3 if s.country else None,
            "period_start": s.period_start.isoformat(), "period_end": s.period_end.isoformat(),
            "summary": s.summary, "standard_of_proof": s.standard_of_proof,
            "sensitivity": str(getattr(s.sensitivity, "value", s.sensitivity)),
            "other_countries": s.other_countries or [],
            "protected_groups": s.protected_groups or [], "perpetrators": s.perpetrators or [],
            "status": s.status or "open", "incident_ids": [i.id for i in s.incidents]}


def _keep(session: Session, s: Situation, actor, reason: str) -> dict:
    before = situation_state(s)
    session.add(RecordVersion(record_type="situation", record_id=s.id, version=s.version or 1,
                              data=before, changed_by=actor_name(actor), reason=reason or ""))
    s.version = (s.version or 1) + 1
    return before


def update_situation(session: Session, s: Situation, changes: dict, actor,
                     reason: str = "") -> Situation:
    """Edit the fields given in CHANGES (incident_ids replaces the set of incidents)."""
    v = vocabulary()
    merged = {**situation_state(s), **{k: val for k, val in changes.items() if k in FIELDS}}
    title = str(merged.get("title") or "").strip()
    if not title:
        raise IncidentError("title", "required")
    iso3 = str(merged.get("country") or "").strip().upper()
    if countries.get(iso3) is None:
        raise IncidentError("country", f"unknown ISO3 code '{iso3}'")
    start = _date(merged.get("period_start"), "period_start")
    if start is None:
        raise IncidentError("period_start", "required")
    end = _date(merged.get("period_end"), "period_end") or start
    if end < start:
        raise IncidentError("period_end", "before period_start")
    if merged["standard_of_proof"] not in v["standard_ids"]:
        raise IncidentError("standard_of_proof", f"one of {', '.join(v['standard_ids'])}")
    try:
        level = check_level(merged.get("sensitivity"))
    except ValueError as exc:
        raise IncidentError("sensitivity", str(exc)) from None
    parties = clean_parties(merged)
    new_incidents = None
    if changes.get("incident_ids") is not None:
        new_incidents = []
        for iid in changes["incident_ids"]:
            inc = session.get(Incident, int(iid))
            if inc is None:
                raise IncidentError("incident_ids", f"no incident #{iid} (or not visible)")
            new_incidents.append(inc)
    before = _keep(session, s, actor, reason)
    s.title, s.period_start, s.period_end = title[:300], start, end
    s.country_id = country_id(session, iso3)
    s.summary, s.standard_of_proof = str(merged.get("summary") or ""), merged["standard_of_proof"]
    s.sensitivity = level
    s.other_countries, s.protected_groups = parties["other_countries"], \
        parties["protected_groups"]
    s.perpetrators = parties["perpetrators"]
    if new_incidents is not None:
        s.incidents = new_incidents
    cover_incidents(s)
    session.flush()
    session.refresh(s)
    after = situation_state(s)
    audit(session, actor, "edit", "evidence_situation", s.id,
          before={k: val for k, val in before.items() if after.get(k) != val},
          after={k: val for k, val in after.items() if before.get(k) != val}, note=reason)
    return s


def set_status(session: Session, s: Situation, status: str, actor, reason: str) -> Situation:
    """Close or reopen S (a reason is required: the history says why)."""
    if status not in ("open", "closed"):
        raise IncidentError("status", "open or closed")
    if not (reason or "").strip():
        raise IncidentError("reason", f"say why the situation is {status}")
    if (s.status or "open") == status:
        raise IncidentError("status", f"the situation is already {status}")
    _keep(session, s, actor, reason)
    s.status = status
    s.closed_at = datetime.now(UTC) if status == "closed" else None
    session.flush()
    audit(session, actor, "close" if status == "closed" else "reopen", "evidence_situation",
          s.id, after={"status": status}, note=reason.strip())
    return s
