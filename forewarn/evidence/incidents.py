"""Incidents (when, where, what harm, who did it, to whom, how many), their links to sources,
the findings of fact drawn from them, and situations (a set of incidents, a country, a period).

`clean_incident` is the one validator: the JSON API, the forms and both importers use it, so a
bad value is reported the same way everywhere (IncidentError names the field).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.data import countries
from forewarn.evidence import custody
from forewarn.evidence.access import actor_name, audit, check_level
from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.models import (
    Finding,
    FindingCitation,
    Incident,
    IncidentSource,
    RecordVersion,
    Situation,
    Source,
)
from forewarn.store.countries import country_id as store_country_id


class IncidentError(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


def _list(value, field: str) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(";") if p.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    raise IncidentError(field, "expected a list (or ';'-separated text)")


def _date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise IncidentError(field, f"'{value}' is not a date (YYYY-MM-DD)") from None


PRECISIONS = ("exact", "month", "year", "range")
PERPETRATOR_KINDS = ("state", "state_backed", "non_state", "unknown")


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _partial_date(value, field: str) -> tuple[date | None, str | None, date | None]:
    """(first day, precision, last day) of 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'."""
    if value in (None, ""):
        return None, None, None
    if isinstance(value, date):
        return value, "exact", value
    text = str(value).strip()
    try:
        if len(text) == 4 and text.isdigit():
            return date(int(text), 1, 1), "year", date(int(text), 12, 31)
        if len(text) == 7 and text[4] == "-":
            first = date(int(text[:4]), int(text[5:]), 1)
            return first, "month", _month_end(first)
    except ValueError:
        pass
    d = _date(text, field)
    return d, "exact", d


def clean_dates(data: dict) -> tuple[date, date, str]:
    """date_start, date_end and the precision they are known to (exact, month, year, range):
    '2017-08' is August 2017, '2017' the year; a stated precision widens exact dates to it."""
    start, p1, start_last = _partial_date(data.get("date_start"), "date_start")
    if start is None:
        raise IncidentError("date_start", "required")
    end_first, p2, end = _partial_date(data.get("date_end"), "date_end")
    end = end or start_last
    precision = str(data.get("date_precision") or "").strip().lower() or None
    if precision is not None and precision not in PRECISIONS:
        raise IncidentError("date_precision", f"'{precision}' is not one of "
                            f"{', '.join(PRECISIONS)}")
    if precision is None:
        precision = p1 if p1 != "exact" else (p2 if p2 not in (None, "exact") else "exact")
    if precision == "month":
        start, end = start.replace(day=1), _month_end(end)
    elif precision == "year":
        start, end = date(start.year, 1, 1), date(end.year, 12, 31)
    if end < start:
        raise IncidentError("date_end", f"{end} is before date_start {start}")
    return start, end, precision


def _lower_bound(fig) -> dict | None:
    """'at least 200', '>=200', '200+' or {low: 200, at_least: true}: a lower bound."""
    if isinstance(fig, dict):
        return fig if fig.get("at_least") else None
    text = str(fig).strip().lower()
    for prefix in ("at least", "over", "more than", ">=", ">"):
        if text.startswith(prefix):
            return {"low": text[len(prefix):].strip().replace(",", ""), "at_least": True}
    if text.endswith("+"):
        return {"low": text[:-1].strip().replace(",", ""), "at_least": True}
    return None


def _number(value, field: str, lo: float, hi: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise IncidentError(field, f"'{value}' is not a number") from None
    if not lo <= x <= hi:
        raise IncidentError(field, f"{x} is outside {lo}..{hi}")
    return x


def _count(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise IncidentError(field, f"'{value}' is not a number") from None
    if f < 0 or not f.is_integer():
        raise IncidentError(field, f"'{value}' is not a whole number ≥ 0")
    return int(f)


def clean_victims(value) -> list[dict]:
    """[{name, characteristics, civilian}] from dicts or 'Name:ethnical|religious; Other'."""
    allowed = vocabulary()["characteristic_ids"]
    out = []
    for g in _list(value, "victim_groups"):
        if isinstance(g, str):
            name, _, chars = g.partition(":")
            g = {"name": name, "characteristics": [c for c in chars.split("|") if c]}
        if not isinstance(g, dict) or not str(g.get("name", "")).strip():
            raise IncidentError("victim_groups", "each group needs a name")
        chars = [str(c).strip().lower() for c in _list(g.get("characteristics"),
                                                       "victim_groups")]
        bad = [c for c in chars if c not in allowed]
        if bad:
            raise IncidentError("victim_groups", f"unknown characteristic '{bad[0]}' "
                                f"(allowed: {', '.join(allowed)})")
        civilian = g.get("civilian", True)
        out.append({"name": str(g["name"]).strip()[:200], "characteristics": chars,
                    "civilian": bool(civilian) if civilian is not None else None})
    return out


def clean_casualties(value) -> dict[str, dict]:
    """{category: {low, best, high}}; a bare number is an exact figure."""
    allowed = vocabulary()["casualty_ids"]
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise IncidentError("casualties", "expected {category: {low, best, high}}")
    out = {}
    for cat, fig in value.items():
        if cat not in allowed:
            raise IncidentError("casualties", f"unknown category '{cat}' "
                                f"(allowed: {', '.join(allowed)})")
        bound = _lower_bound(fig)
        if bound is not None:  # a lower bound is not an estimate: no best, no high
            low = _count(bound.get("low"), f"casualties.{cat}.low")
            if low is None:
                raise IncidentError(f"casualties.{cat}", "a lower bound needs its number")
            out[cat] = {"low": low, "best": None, "high": None, "at_least": True}
            continue
        if not isinstance(fig, dict):
            fig = {"low": fig, "best": fig, "high": fig}
        low, best, high = (_count(fig.get(k), f"casualties.{cat}.{k}")
                           for k in ("low", "best", "high"))
        known = [x for x in (low, best, high) if x is not None]
        if not known:
            continue
        if known != sorted(known):
            raise IncidentError(f"casualties.{cat}", f"need low ≤ best ≤ high (got {low}, "
                                f"{best}, {high})")
        out[cat] = {"low": low, "best": best, "high": high}
    return out


def clean_context(value) -> dict[str, Any]:
    v = vocabulary()
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise IncidentError("context", "expected {fact: value}")
    out = {}
    for key, val in value.items():
        if key not in v["fact_ids"]:
            raise IncidentError("context", f"unknown fact '{key}' (known: "
                                f"{', '.join(v['fact_ids'])})")
        if val in (None, "", "unknown"):
            continue
        if key == "armed_conflict":
            allowed = next(f["values"] for f in v["context_facts"] if f["id"] == key)
            if val not in allowed:
                raise IncidentError("context.armed_conflict", f"'{val}' is not one of "
                                    f"{', '.join(allowed)} (or unknown)")
            out[key] = val
        elif isinstance(val, bool):
            out[key] = val
        elif str(val).lower() in ("true", "yes", "1", "false", "no", "0"):
            out[key] = str(val).lower() in ("true", "yes", "1")
        else:
            raise IncidentError(f"context.{key}", f"'{val}' is not true, false or unknown")
    return out


def clean_incident(data: dict) -> dict:
    """Validated incident fields from DATA (raises IncidentError naming the field)."""
    v = vocabulary()
    title = str(data.get("title") or "").strip()
    if not title:
        raise IncidentError("title", "required")
    start, end, precision = clean_dates(data)
    iso3 = str(data.get("country") or "").strip().upper()
    if not iso3:
        raise IncidentError("country", "required (ISO3 code)")
    kind = str(data.get("perpetrator_kind") or "").strip().lower() or None
    if kind is not None and kind not in PERPETRATOR_KINDS:
        raise IncidentError("perpetrator_kind", f"'{kind}' is not one of "
                            f"{', '.join(PERPETRATOR_KINDS)}")
    if countries.get(iso3) is None:
        raise IncidentError("country", f"unknown ISO3 code '{iso3}'")
    harms = [h.strip().lower() for h in _list(data.get("harm_types"), "harm_types")]
    if not harms:
        raise IncidentError("harm_types", f"at least one of: {', '.join(v['harm_ids'])}")
    bad = [h for h in harms if h not in v["harm_ids"]]
    if bad:
        raise IncidentError("harm_types", f"unknown harm type '{bad[0]}' (allowed: "
                            f"{', '.join(v['harm_ids'])})")
    lat = _number(data.get("latitude"), "latitude", -90, 90)
    lon = _number(data.get("longitude"), "longitude", -180, 180)
    if (lat is None) != (lon is None):
        raise IncidentError("latitude" if lat is None else "longitude",
                            "give both coordinates or neither")
    try:
        level = check_level(data.get("sensitivity"))
    except ValueError as exc:
        raise IncidentError("sensitivity", str(exc)) from None
    return {
        "title": title[:300], "summary": str(data.get("summary") or "").strip(),
        "date_start": start, "date_end": end, "date_precision": precision,
        "place": str(data.get("place") or "")[:300], "perpetrator_kind": kind,
        "country": iso3, "latitude": lat, "longitude": lon,
        "harm_types": list(dict.fromkeys(harms)),
        "perpetrators": [str(p).strip()[:200] for p in _list(data.get("perpetrators"),
                                                              "perpetrators") if str(p).strip()],
        "victim_groups": clean_victims(data.get("victim_groups")),
        "casualties": clean_casualties(data.get("casualties")),
        "context": clean_context(data.get("context")),
        "sensitivity": level,
        "external_ref": (str(data["external_ref"]).strip()[:120]
                         if data.get("external_ref") else None),
        "confidential_notes": data.get("confidential_notes") or None,
    }


def country_id(session: Session, iso3: str) -> int:
    """The country row's id (forewarn.store.countries), or an IncidentError naming the code."""
    found = store_country_id(session, iso3)
    if found is None:
        raise IncidentError("country", f"unknown country code '{iso3}'")
    return found


def create_incident(session: Session, data: dict, actor, sources: list[dict] | None = None,
                    cleaned: dict | None = None) -> Incident:
    """A new incident from DATA; SOURCES: [{source_id, supports, locator}] to link."""
    fields = cleaned or clean_incident(data)
    iso3 = fields.pop("country")
    inc = Incident(**fields, country_id=country_id(session, iso3),
                   created_by=actor_name(actor))
    session.add(inc)
    session.flush()
    for link in sources or data.get("sources") or []:
        source = session.get(Source, int(link["source_id"]))
        if source is None:
            raise IncidentError("sources", f"no source #{link['source_id']} (or not visible)")
        link_source(session, inc, source, actor, link.get("supports"), link.get("locator", ""))
    audit(session, actor, "create", "evidence_incident", inc.id,
          after={"title": inc.title, "harm_types": inc.harm_types,
                 "sensitivity": str(inc.sensitivity)})
    return inc


EDITABLE = ("title", "summary", "date_start", "date_end", "date_precision", "place", "country",
            "latitude", "longitude", "harm_types", "perpetrators", "perpetrator_kind",
            "victim_groups", "casualties", "context", "sensitivity", "external_ref")


def incident_state(inc: Incident) -> dict:
    """The incident's editable fields as plain JSON (what a version keeps)."""
    out = {k: getattr(inc, k) for k in EDITABLE if k not in ("country", "sensitivity")}
    out["date_start"], out["date_end"] = inc.date_start.isoformat(), inc.date_end.isoformat()
    out["country"] = inc.country.iso3 if inc.country else None
    out["sensitivity"] = str(getattr(inc.sensitivity, "value", inc.sensitivity))
    return out


def update_incident(session: Session, inc: Incident, changes: dict, actor,
                    reason: str = "", replace: bool = False) -> Incident:
    """Correct INC: CHANGES replace the whole record (REPLACE, a PUT) or only the fields given
    (a PATCH). The state before is kept as a version with REASON; audited."""

    before = incident_state(inc)
    merged = dict(changes) if replace else {**before, **changes}
    if "date_start" in changes and "date_end" not in changes and not replace:
        merged["date_end"] = None  # a new start date brings its own end
    if ("date_start" in changes or "date_end" in changes) and "date_precision" not in changes:
        merged["date_precision"] = None
    fields = clean_incident(merged)
    iso3 = fields.pop("country")
    if "confidential_notes" not in changes:
        fields.pop("confidential_notes")
    session.add(RecordVersion(record_type="incident", record_id=inc.id, version=inc.version,
                              data=before, changed_by=actor_name(actor), reason=reason or ""))
    for k, v in fields.items():
        setattr(inc, k, v)
    inc.country_id = country_id(session, iso3)
    inc.version = (inc.version or 1) + 1
    session.flush()
    session.refresh(inc)
    after = incident_state(inc)
    audit(session, actor, "edit", "evidence_incident", inc.id,
          before={k: v for k, v in before.items() if after.get(k) != v},
          after={k: v for k, v in after.items() if before.get(k) != v}, note=reason or "")
    return inc


def versions(session: Session, record_type: str, record_id: int) -> list[dict]:
    rows = session.scalars(select(RecordVersion).where(
        RecordVersion.record_type == record_type, RecordVersion.record_id == record_id)
        .order_by(RecordVersion.version))
    return [{"version": r.version, "changed_by": r.changed_by,
             "changed_at": r.changed_at.isoformat() if r.changed_at else None,
             "reason": r.reason, "data": r.data} for r in rows]


def clean_supports(supports) -> list[str]:
    v = vocabulary()
    allowed = ["conduct", *v["fact_ids"]]
    tags = [s.strip() for s in _list(supports, "supports")] or ["conduct"]
    bad = [s for s in tags if s not in allowed]
    if bad:
        raise IncidentError("supports", f"unknown fact '{bad[0]}' (allowed: "
                            f"{', '.join(allowed)})")
    return list(dict.fromkeys(tags))


def link_source(session: Session, incident: Incident, source: Source, actor,
                supports=None, locator: str = "", note: str = "") -> IncidentSource:
    """Link SOURCE to INCIDENT as evidence of the facts in SUPPORTS (default: the conduct)."""
    tags = clean_supports(supports)
    link = session.scalar(select(IncidentSource).where(
        IncidentSource.incident_id == incident.id, IncidentSource.source_id == source.id))
    if link is None:
        link = IncidentSource(incident_id=incident.id, source_id=source.id, supports=tags,
                              locator=locator[:300], note=note)
        session.add(link)
    else:
        link.supports = list(dict.fromkeys([*link.supports, *tags]))
        link.locator = locator[:300] or link.locator
    session.flush()
    custody.append(session, source, actor_name(actor), "link",
                   {"incident": incident.id, "supports": tags, "locator": locator})
    return link


def add_finding(session: Session, text: str, citations: list[tuple[Source, str]], actor,
                incident: Incident | None = None, situation: Situation | None = None,
                section: str = "fact", sensitivity: str | None = None,
                position: int | None = None) -> Finding:
    """A sentence of fact with at least one citation ((source, locator) pairs)."""
    text = (text or "").strip()
    if not text:
        raise IncidentError("text", "a finding needs its sentence")
    if not citations:
        raise IncidentError("citations", "every finding must cite at least one source")
    if (incident is None) == (situation is None):
        raise IncidentError("finding", "belongs to exactly one incident or situation")
    if section not in ("fact", "obligation"):
        raise IncidentError("section", "fact or obligation")
    owner = incident or situation
    level = check_level(sensitivity or str(owner.sensitivity))
    if position is None:
        position = len(list(session.scalars(select(Finding.id).where(
            Finding.incident_id == incident.id if incident else
            Finding.situation_id == situation.id))))
    f = Finding(incident_id=incident.id if incident else None,
                situation_id=situation.id if situation else None, section=section,
                position=position, text=text, sensitivity=level, created_by=actor_name(actor))
    session.add(f)
    session.flush()
    for source, locator in citations:
        session.add(FindingCitation(finding_id=f.id, source_id=source.id,
                                    locator=(locator or "")[:300]))
        custody.append(session, source, actor_name(actor), "cite",
                       {"finding": f.id, "locator": locator or ""})
    session.flush()
    audit(session, actor, "create", "evidence_finding", f.id, after={"text": text})
    return f


def create_situation(session: Session, data: dict, actor) -> Situation:
    v = vocabulary()
    title = str(data.get("title") or "").strip()
    if not title:
        raise IncidentError("title", "required")
    iso3 = str(data.get("country") or "").strip().upper()
    if countries.get(iso3) is None:
        raise IncidentError("country", f"unknown ISO3 code '{iso3}'")
    start = _date(data.get("period_start"), "period_start")
    end = _date(data.get("period_end"), "period_end") or start
    if start is None:
        raise IncidentError("period_start", "required")
    if end < start:
        raise IncidentError("period_end", "before period_start")
    standard = data.get("standard_of_proof") or "reasonable_grounds"
    if standard not in v["standard_ids"]:
        raise IncidentError("standard_of_proof", f"one of {', '.join(v['standard_ids'])}")
    try:
        level = check_level(data.get("sensitivity"))
    except ValueError as exc:
        raise IncidentError("sensitivity", str(exc)) from None
    from forewarn.evidence.situations import clean_parties  # cycle: situations imports this module

    sit = Situation(title=title[:300], country_id=country_id(session, iso3),
                    period_start=start, period_end=end, **clean_parties(data),
                    summary=str(data.get("summary") or ""), standard_of_proof=standard,
                    sensitivity=level, created_by=actor_name(actor))
    session.add(sit)
    session.flush()
    for iid in data.get("incident_ids") or []:
        inc = session.get(Incident, int(iid))
        if inc is None:
            raise IncidentError("incident_ids", f"no incident #{iid} (or not visible)")
        sit.incidents.append(inc)
    cover_incidents(sit)
    session.flush()
    audit(session, actor, "create", "evidence_situation", sit.id, after={"title": title})
    return sit


def cover_incidents(situation: Situation) -> None:
    """Widen the situation's period to its incidents' dates (a period is what it covers)."""
    if situation.incidents:
        situation.period_start = min(situation.period_start,
                                     *(i.date_start for i in situation.incidents))
        situation.period_end = max(situation.period_end,
                                   *(i.date_end for i in situation.incidents))


def add_to_situation(session: Session, situation: Situation, incidents: list[Incident],
                     actor) -> None:
    for inc in incidents:
        if inc not in situation.incidents:
            situation.incidents.append(inc)
    cover_incidents(situation)
    session.flush()
    audit(session, actor, "edit", "evidence_situation", situation.id,
          after={"incidents": [i.id for i in situation.incidents]})
