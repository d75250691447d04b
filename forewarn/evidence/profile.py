"""A situation's profile, derived from the evidence register: the state's role, armed-conflict
status and type, the phase and the crimes in play, each with the facts it rests on, and the
analyst's overrides (with reasons, audited).

The register's incidents (who did what, when, in which conflict) come first; the country's
forecast, mass-killing episodes, published Framework-of-Analysis assessment and monitor alerts
are read through their capabilities when the incidents do not settle a value. The rules
(keywords, thresholds) are in situation_rules.yaml.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.data import countries
from forewarn.evidence.access import actor_name, audit, may_read, principal_of
from forewarn.evidence.incidents import IncidentError
from forewarn.evidence.legal import latest_decisions, propose
from forewarn.evidence.models import Incident, ProfileOverride, Situation
from forewarn.monitor.models import MonitorAlert
from forewarn.store.models import Country

log = logging.getLogger("forewarn.evidence")
KEYS = ("state_role", "phase", "armed_conflict", "conflict_type")


@lru_cache
def situation_rules() -> dict:
    return yaml.safe_load((Path(__file__).with_name("situation_rules.yaml")).read_text("utf-8"))


STRENGTH = ("state", "state_backed", "non_state", "unknown")


def _one_actor_kind(text: str) -> str:
    for kind in ("state_backed", "non_state", "state"):
        for word in situation_rules()["actor_kinds"][kind]:
            if re.search(r"(?<![a-z])" + re.escape(word), text):
                return kind
    return "unknown"


def actor_kind(name: str) -> str:
    """state | state_backed | non_state | unknown, read from a perpetrator's name; a name
    joining several ("Sudanese Armed Forces and Janjaweed militia") takes the closest link
    to the state."""
    parts = re.split(r"\s+and\s+|\s*[,;/&+]\s*|\s+with\s+|\s+supported by\s+",
                     name.lower())
    kinds = [_one_actor_kind(f" {p} ") for p in parts if p.strip()] or ["unknown"]
    return min(kinds, key=STRENGTH.index)


@lru_cache
def _state_words() -> dict[str, list[str]]:
    words = {c.iso3: [c.name.lower()] for c in countries.all_countries()
             if c.last_year is None}
    for iso3, extra in situation_rules()["state_words"].items():
        words.setdefault(iso3, []).extend(extra)
    return words


def foreign_state(name: str, iso3: str) -> str | None:
    """The ISO3 code of another state whose forces NAME designates, if any."""
    text = f" {name.lower()} "
    for code, words in _state_words().items():
        if code != iso3 and any(re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", text)
                                for w in words):
            return code
    return None


def _state_names(inc: Incident, named: dict[str, str] | None) -> list[str]:
    names = inc.perpetrators or []
    found = [p for p in names if ((named or {}).get(p.lower()) or actor_kind(p)) == "state"]
    return found or (list(names) if inc.perpetrator_kind == "state" else [])


def incident_kind(inc: Incident, named: dict[str, str] | None = None,
                  iso3: str | None = None) -> str:
    """The incident's attribution: as recorded, else from the perpetrators' names (the
    situation's list of perpetrators with their kinds first). State forces that all belong to
    another state than ISO3 are `foreign_state`."""
    kinds = [inc.perpetrator_kind] if inc.perpetrator_kind else \
        [(named or {}).get(p.lower()) or actor_kind(p) for p in inc.perpetrators or []]
    for k in ("state", "state_backed", "non_state"):
        if k in kinds:
            state_names = _state_names(inc, named) if k == "state" else []
            if iso3 and state_names and all(foreign_state(p, iso3) for p in state_names):
                return "foreign_state"
            return k
    return "unknown"


def foreign_states(incidents, iso3: str, named: dict[str, str] | None = None
                   ) -> dict[str, int]:
    """Other states whose forces the incidents name, with how many incidents each."""
    out: dict[str, int] = {}
    for inc in incidents:
        for code in {foreign_state(p, iso3) for p in _state_names(inc, named)} - {None}:
            out[code] = out.get(code, 0) + 1
    return out


def _ref(inc: Incident) -> dict:
    return {"incident": inc.id, "title": inc.title, "url": f"/evidence/incidents/{inc.id}"}


def _value(value, basis: list[str], refs: list[dict] | None = None) -> dict:
    return {"value": value, "derived": value, "basis": basis, "refs": refs or [],
            "override": None}


def _state_role(incidents, named, iso3, country, display: dict | None = None) -> dict:
    r = situation_rules()
    display = display or {}
    by_kind: dict[str, list[Incident]] = {}
    for inc in incidents:
        by_kind.setdefault(incident_kind(inc, named, iso3), []).append(inc)
    attributed = sum(len(v) for k, v in by_kind.items() if k != "unknown")
    state = by_kind.get("state", [])
    backed = by_kind.get("state_backed", [])
    non_state = by_kind.get("non_state", [])
    if state and len(state) / attributed >= r["state_share"]:
        return _value("perpetrator", [f"{len(state)} of {len(incidents)} incidents are "
                                      "attributed to state forces"], [_ref(i) for i in state])
    if backed:
        return _value("complicit", [f"{len(backed)} of {len(incidents)} incidents are "
                                    "attributed to forces the state backs"],
                      [_ref(i) for i in backed])
    foreign = by_kind.get("foreign_state", [])
    if foreign:
        return _value("willing_unable", [f"{len(foreign)} of {len(incidents)} incidents are "
                                         "attributed to the forces of another state, none to "
                                         "this state's own"], [_ref(i) for i in foreign])
    orders = [o for o in country.get("court_orders", []) if o.get("respondent") == iso3
              and o.get("compliance") in ("not_complied", "outstanding")]
    if non_state and orders:
        return _value("unwilling", [f"{len(non_state)} incidents by non-state actors; the "
                                    f"state has not complied with {orders[0]['case']} "
                                    f"({orders[0]['compliance'].replace('_', ' ')})"],
                      [_ref(i) for i in non_state])
    country_role, how = country.get("state_role") or (None, "")
    if not attributed and named:  # no incident says who: the situation's own list
        for kind, role in (("state", "perpetrator"), ("state_backed", "complicit")):
            names = [display.get(n, n) for n, k in named.items() if k == kind]
            if names:
                return _value(role, [f"no incident is attributed; the situation names "
                                     f"{', '.join(names)} ({kind.replace('_', '-')})"])
    if non_state and country_role in ("perpetrator", "unwilling"):
        return _value("unwilling", [f"{len(non_state)} incidents by non-state actors; country "
                                    f"data: {how}"], [_ref(i) for i in non_state])
    if non_state:
        return _value("willing_unable", [f"{len(non_state)} of {len(incidents)} incidents are "
                                         "attributed to non-state actors, none to the state"],
                      [_ref(i) for i in non_state])
    role, how = country.get("state_role") or ("willing_unable", "no attributed incidents")
    return _value(role, [f"no incident attributes the conduct; country data: {how}"])


def _article(kind: str) -> str:
    return "no" if kind == "none" else ("an " if kind[0] in "aeiou" else "a ") + kind


def _conflict(incidents, country) -> tuple[dict, dict]:
    recorded = [(i, i.context.get("armed_conflict")) for i in incidents
                if (i.context or {}).get("armed_conflict")]
    if recorded:
        counts: dict[str, list] = {}
        for inc, v in recorded:
            counts.setdefault(v, []).append(inc)
        kind = max(counts, key=lambda k: (len(counts[k]), k != "none"))
        basis = [f"{len(v)} of {len(incidents)} incidents recorded in {_article(k)} armed "
                 "conflict" for k, v in sorted(counts.items())]
        refs = [_ref(i) for i in counts[kind]]
        return (_value("no" if kind == "none" else "yes", basis, refs),
                _value(kind, basis, refs))
    deaths = country.get("state_based_deaths")
    if deaths is None:
        return _value(None, ["not recorded on any incident; no UCDP figure"]), \
            _value(None, ["not recorded on any incident"])
    yes = deaths >= country.get("armed_conflict_min_deaths", 25)
    basis = [f"UCDP state-based deaths {country.get('last_year')}: {int(deaths):,}"]
    return _value("yes" if yes else "no", basis), _value(None, basis +
                                                         ["type not recorded on any incident"])


def _phase(incidents, country, today: date) -> dict:
    r = situation_rules()
    atrocities = [i for i in incidents if set(i.harm_types) & set(r["atrocity_harms"])]
    if atrocities:
        last = max(atrocities, key=lambda i: i.date_end)
        recent = today - timedelta(days=30 * r["phase"]["ongoing_within_months"])
        basis = [f"{len(atrocities)} atrocity incidents, the latest ending {last.date_end}"]
        if last.date_end >= recent:
            return _value("ongoing_atrocities", basis, [_ref(last)])
        if country.get("ongoing_episodes"):
            return _value("ongoing_atrocities", basis + [
                "a mass-killing episode is still ongoing (EWP): " +
                ", ".join(country["ongoing_episodes"])], [_ref(last)])
        return _value("aftermath", basis + ["no atrocity incident in the last "
                                            f"{r['phase']['ongoing_within_months']} months"],
                      [_ref(last)])
    if country.get("recent_alerts"):
        return _value("escalation", [f"{country['recent_alerts']} monitor alerts in the last "
                                     f"{r['phase']['monitor_alert_days']} days, no atrocity "
                                     "incident recorded"])
    phase, how = country.get("phase") or ("latent_risk", "no incidents and no country data")
    return _value(phase, [f"no atrocity incident recorded; country data: {how}"])


def country_facts(session: Session, iso3: str, settings=None, principal=None) -> dict:
    """What the country's other capabilities say (forecast, episodes, assessment, monitor
    alerts, court orders), each read through its own interface; empty when unavailable."""
    out: dict = {}
    # cycle: respond.service → respond.situation → evidence.service → this module
    from forewarn.respond import service as rp  # cycle: see above

    try:
        rules = rp.load_rules()
        raw = getattr(settings, "raw_dir", None)
        f = rp.facts_from_session(session, iso3, raw if raw and Path(raw).exists() else None,
                                  rules["inference"]["aftermath_years"])

        out["court_orders"] = rp.court_orders()
        out["ongoing_episodes"] = (f.ongoing_state_led or []) + (f.ongoing_non_state_led or [])
        out["state_based_deaths"], out["last_year"] = f.state_based_deaths, f.last_year
        out["armed_conflict_min_deaths"] = rules["inference"]["armed_conflict_min_deaths"]
        out["phase"] = rp.infer_phase(f, rules)
        out["state_role"] = rp.infer_state_role(f, rules)
        out["risk"], out["risk_source"] = f.risk, f.forecast_source
        foa = rp.published_foa(session, iso3)
        if foa is not None:
            out["assessment"] = foa[1]
    except Exception:  # another capability's data: the profile still comes from incidents
        log.exception("country facts for %s", iso3)
    if principal is None or not principal.can("read:internal"):
        return out  # monitoring is internal (as on the country page): not even counts
    try:
        days = situation_rules()["phase"]["monitor_alert_days"]
        cid = session.scalar(select(Country.id).where(Country.iso3 == iso3))
        since = date.today() - timedelta(days=days)
        out["recent_alerts"] = len(session.scalars(select(MonitorAlert.id).where(
            MonitorAlert.country_id == cid, MonitorAlert.day >= since)).all())
    except Exception:
        log.debug("no monitor alerts for %s", iso3, exc_info=True)
    return out


def overrides(session: Session, sit: Situation) -> dict[str, ProfileOverride]:
    rows = session.scalars(select(ProfileOverride).where(
        ProfileOverride.situation_id == sit.id).order_by(ProfileOverride.decided_at,
                                                         ProfileOverride.id))
    latest = {r.key: r for r in rows}
    return {k: r for k, r in latest.items() if r.value is not None}


def derive(session: Session, sit: Situation, principal=None, settings=None,
           today: date | None = None) -> dict:
    """The situation's profile as PRINCIPAL may see it: each value with its basis, the
    derived value and the analyst's override (which wins)."""
    today = today or date.today()
    principal = principal or principal_of(session)
    incidents = [i for i in sit.incidents if may_read(principal, i.sensitivity)]
    named = {p["name"].lower(): p["kind"] for p in sit.perpetrators or []
             if p.get("kind") not in (None, "unknown")}
    named |= {p["name"].lower(): actor_kind(p["name"]) for p in sit.perpetrators or []
              if p.get("kind") in (None, "unknown") and actor_kind(p["name"]) != "unknown"}
    iso3 = sit.country.iso3
    country = country_facts(session, iso3, settings, principal)
    display = {p["name"].lower(): p["name"] for p in sit.perpetrators or []}
    values = {"state_role": _state_role(incidents, named, iso3, country, display)}
    values["armed_conflict"], values["conflict_type"] = _conflict(incidents, country)
    values["phase"] = _phase(incidents, country, today)
    for key, row in overrides(session, sit).items():
        if key in values:
            values[key]["value"] = row.value
            values[key]["override"] = {"value": row.value, "reason": row.reason,
                                       "by": row.decided_by,
                                       "at": row.decided_at.isoformat() if row.decided_at
                                       else None}
    labels = situation_rules()["labels"]
    for v in values.values():
        v["label"] = labels.get(v["value"], v["value"])
    perpetrators: dict[str, str] = {}
    for inc in incidents:
        for p in inc.perpetrators or []:
            perpetrators.setdefault(p, named.get(p.lower()) or inc.perpetrator_kind
                                    or actor_kind(p))
    for p in sit.perpetrators or []:
        perpetrators.setdefault(p["name"], p["kind"])

    foreign = foreign_states(incidents, iso3, named)
    return {"values": values,
            "foreign_states": [{"iso3": c, "name": countries.get(c).name, "incidents": n}
                               for c, n in sorted(foreign.items())],
            "perpetrators": [{"name": n, "kind": k} for n, k in perpetrators.items()],
            "non_state_perpetrators": [n for n, k in perpetrators.items() if k == "non_state"],
            "crimes": crimes_in_play(session, sit, incidents, principal),
            "country": {k: country.get(k) for k in ("risk", "risk_source", "assessment",
                                                     "recent_alerts", "ongoing_episodes")},
            "incidents": len(incidents)}


def crimes_in_play(session: Session, sit: Situation, incidents, principal) -> dict:
    """Accepted characterisations (one entry per crime, wherever decided) and how many
    proposals still wait for a decision."""

    accepted: dict[str, dict] = {}
    decided_ids: set[tuple] = set()
    scopes = [("situation", sit.id, latest_decisions(session, situation_id=sit.id))]
    scopes += [("incident", i.id, latest_decisions(session, incident_id=i.id))
               for i in incidents]
    for kind, sid, decided in scopes:
        for crime_id, d in decided.items():
            decided_ids.add((kind, sid, crime_id))
            if d.decision == "accepted":
                entry = accepted.setdefault(crime_id, {
                    "crime_id": crime_id, "label": (d.proposal or {}).get("label", crime_id),
                    "family": (d.proposal or {}).get("family_label"), "scopes": []})
                entry["scopes"].append({"scope": kind, "id": sid})
    proposed = propose(incidents, principal)["proposals"] if incidents else []
    undecided = [p for p in proposed if ("situation", sit.id, p["crime_id"]) not in decided_ids
                 and p["crime_id"] not in accepted]
    return {"accepted": list(accepted.values()),
            "proposed": [{"crime_id": p["crime_id"], "label": p["label"],
                          "family": p["family_label"]} for p in undecided],
            "undecided": len(undecided)}


def set_override(session: Session, sit: Situation, key: str, value: str | None, reason: str,
                 actor) -> ProfileOverride:
    """Override (or with VALUE None withdraw the override of) one derived value; a reason is
    required and the change is audited."""
    allowed = situation_rules()["overridable"]
    if key not in allowed:
        raise IncidentError("key", f"'{key}' cannot be overridden (one of "
                            f"{', '.join(allowed)})")
    if value is not None and value not in allowed[key]:
        raise IncidentError("value", f"'{value}' is not one of {', '.join(allowed[key])}")
    if not (reason or "").strip():
        raise IncidentError("reason", "say why the derived value is overridden")
    row = ProfileOverride(situation_id=sit.id, key=key, value=value, reason=reason.strip(),
                          decided_by=actor_name(actor), decided_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    audit(session, actor, "override" if value else "withdraw-override", "evidence_situation",
          sit.id, after={"key": key, "value": value}, note=reason.strip())
    return row
