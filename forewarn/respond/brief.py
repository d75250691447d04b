"""Options and the decision brief for one situation of the evidence register.

`situation_options` is the planner run on the situation's derived profile (what-if
`phase`/`state_role` given in the request win). `build_brief` condenses it for a
decision-maker into two to three A4 pages: key judgements with their confidence, what changed
since the last brief issued, the best options with trade-offs and safeguards, deadlines, what
has been tried and the evidence the judgements rest on. HTML (print stylesheet, no site menu
in print), PDF (WeasyPrint) and a JSON twin render the same dict (the pages:
situation_pages.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select

from forewarn.evidence.service import actor_name, audit, may_read, readable_levels
from forewarn.respond import store
from forewarn.respond.catalog import PHASES, STATE_ROLES, load_court_orders, load_partners
from forewarn.respond.models import RespondBrief
from forewarn.respond.planner import load_rules, plan
from forewarn.respond.situation import after_veto, profile_for_situation, vetoing_members
from forewarn.respond.views import veto_dict
from forewarn.web.render import templates

STATIC_CSS = Path(__file__).resolve().parents[1] / "web" / "static" / "brief.css"


@lru_cache
def brief_rules() -> dict:
    return yaml.safe_load(Path(__file__).with_name("brief.yaml").read_text("utf-8"))


def situation_options(session, settings, sit, principal, phase: str | None = None,
                      state_role: str | None = None) -> dict:
    """The planner's options for SIT, with the derived profile they rest on."""
    profile, derived = profile_for_situation(session, sit, settings, principal, phase,
                                             state_role)
    result = plan(profile)
    iso3 = sit.country.iso3
    result["situation"] = {"id": sit.id, "title": sit.title, "iso3": iso3,
                           "country": sit.country.name,
                           "period": f"{sit.period_start} to {sit.period_end}",
                           "status": sit.status or "open"}
    result["country"] = {"iso3": iso3, "name": sit.country.name}
    result["derived"] = derived
    permanent = load_partners().permanent_members
    accused = [c for c in profile.foreign_perpetrators if c in permanent]
    result["after_veto"] = after_veto(profile, list(dict.fromkeys(
        vetoing_members(session, iso3) + accused)))
    result["memberships"] = [{"id": o.id, "name": o.name, "suspended": o.suspended.get(iso3)}
                             for o in load_partners().memberships(iso3)]
    result["recorded_vetoes"] = [veto_dict(v) for v in store.vetoes(session, iso3)]
    result["phases"], result["state_roles"] = list(PHASES), list(STATE_ROLES)
    result["what_if"] = {"phase": phase, "state_role": state_role}
    result["generated"] = date.today().isoformat()
    return result


# ------------------------------------------------------------------------------ brief
def _confidence(value: dict, sourced_ids: set[int]) -> str:
    rules = brief_rules()["confidence"]
    if value.get("override"):
        return "analyst"
    refs = [r["incident"] for r in value.get("refs", [])]
    sourced = len([i for i in refs if i in sourced_ids])
    for level in ("high", "medium"):
        need = rules[level]
        if len(refs) >= need["incidents"] and sourced >= need["sourced"]:
            return level
    return "low"


def _totals(incidents) -> dict[str, str]:
    """Killed/displaced across the incidents; a lower bound anywhere makes it 'at least'."""
    out = {}
    for cat in ("killed", "displaced"):
        figs = [(i.casualties or {}).get(cat) for i in incidents]
        figs = [f for f in figs if f]
        if not figs:
            continue
        total = sum((f.get("best") if f.get("best") is not None else f.get("low") or 0)
                    for f in figs)
        bound = any(f.get("at_least") or f.get("best") is None for f in figs)
        out[cat] = f"{'at least ' if bound else ''}{total:,}"
    return out


def _judgements(sit, options: dict, principal) -> list[dict]:
    derived = options["derived"]
    values = derived["values"]
    incidents = [i for i in sit.incidents if may_read(principal, i.sensitivity)]
    sourced = {i.id for i in incidents if i.links}
    labels = brief_rules()["confidence"]["labels"]
    out = []

    def add(key, text, value=None):
        conf = _confidence(value, sourced) if value else "low"
        out.append({"key": key, "text": text, "confidence": conf,
                    "confidence_label": labels[conf],
                    "basis": (value or {}).get("basis", []),
                    "evidence": (value or {}).get("refs", [])})

    role = values["state_role"]
    perps = [p["name"] for p in derived["perpetrators"] if p["kind"] in ("state", "state_backed")]
    add("state_role", f"State role: {role['label']}" + (f" ({', '.join(perps[:3])})"
                                                        if perps else "") + ".", role)
    if derived["foreign_states"]:
        add("foreign", "Forces of another state: " + "; ".join(
            f"{f['name']} ({f['incidents']} incidents)" for f in derived["foreign_states"])
            + ".", role)
    if derived["non_state_perpetrators"]:
        add("non_state", "Non-state perpetrators: " + ", ".join(
            derived["non_state_perpetrators"][:4]) + ".", role)
    add("phase", f"Phase: {values['phase']['label']}.", values["phase"])
    prof = options["profile"]
    if prof.get("risk") is not None:
        # The trend and its figure are forewarn.forecast.risk_change's (respond.profile),
        # the same the country page's headline and the home page's movers show.
        add("forecast", f"Forecast risk of mass-killing onset: {prof['risk'] * 100:.1f}%"
            + (f", {prof['risk_trend']}" if prof.get("risk_trend") else "") + ".",
            {"basis": (prof.get("basis") or {}).get("risk_trend", []), "refs": []})
    conflict = values["armed_conflict"]
    kind = values["conflict_type"]["value"]
    if conflict["value"] is not None:
        add("armed_conflict", "Armed conflict: " + (
            f"yes ({kind})" if conflict["value"] == "yes" and kind not in (None, "none")
            else conflict["value"]) + ".", conflict)
    totals = _totals(incidents)
    if totals:
        add("scale", "Scale documented: " + "; ".join(f"{v} {k}" for k, v in totals.items())
            + f" across {len(incidents)} incidents.",
            {"basis": [], "refs": [{"incident": i.id, "title": i.title,
                                    "url": f"/evidence/incidents/{i.id}"}
                                   for i in incidents if i.casualties]})
    crimes = derived["crimes"]
    if crimes["accepted"]:
        add("crimes", "Crimes characterised: " + "; ".join(
            c["label"] for c in crimes["accepted"]) + ".",
            {"basis": ["accepted by an analyst with a reason"], "refs": [],
             "override": None})
        out[-1]["confidence"], out[-1]["confidence_label"] = "high", \
            "accepted legal characterisation"
    if crimes["undecided"]:
        add("crimes_open", f"{crimes['undecided']} possible crimes proposed and awaiting an "
            "analyst's decision: " + "; ".join(p["label"] for p in crimes["proposed"][:4])
            + ".")
    route = options["council_route"]
    why = "; ".join(r.rstrip(".") for r in route["reasons"][:2])
    out.append({"key": "council", "text": f"Security Council route: {route['status']}"
                + (f" — {why}" if why else "") + ".",
                "confidence": "medium", "confidence_label": "veto record since 1990",
                "basis": [], "evidence": []})
    return out


def _why(reasons: list[str], n: int) -> list[str]:
    """The reasons that say why this option fits these facts, those naming them first."""
    specific = [x for x in reasons if not x.startswith(("Suited to", "Not a typical",
                                                         "Authorised by"))]
    specific.sort(key=lambda x: ("already exist" not in x and "outstanding" not in x,
                                 "Here:" not in x))
    return (specific or reasons)[:n]


def _option_row(o: dict) -> dict:
    r = brief_rules()
    open_paths = [a for a in o["authorisation"] if a["status"] in ("available", "conditional")]
    return {"name": o["name"], "rank": o["rank"], "pillar": o["pillar"],
            "coercion": o["coercion"], "existing": o["existing"],
            "why": _why(o["reasons"], r["reasons_per_option"]),
            "agree": (open_paths or o["authorisation"])[0]["agreement"],
            "trade_offs": o["risks"][:r["risks_per_option"]],
            "safeguards": o["safeguards"][:r["safeguards_per_option"]],
            "time": o["time_to_effect"],
            "tried": [f"{t['what']} ({t['date']}): {t['outcome']}" for t in o["tried"]]}


def _deadlines(session, iso3: str, options: dict) -> list[dict]:
    today = date.today()
    out = []
    for v in options["recorded_vetoes"]:
        if v["ga_deadline"] and not v["ga_debate_date"]:
            out.append({"date": str(v["ga_deadline"]), "what": "General Assembly debate on "
                        f"the veto of {v['date']} (A/RES/76/262)"})
    horizons = load_rules()["outcomes"]["horizons_months"]
    for m in store.measures(session, iso3):
        for h in horizons:
            due = m.date + timedelta(days=round(h * 30.44))
            if today <= due <= today + timedelta(days=400):
                out.append({"date": due.isoformat(), "what": f"{h}-month review of {m.actor}"
                            f"{' ' + m.decision_ref if m.decision_ref else ''}"})
    for o in load_court_orders():
        if o["respondent"] == iso3 and o["compliance"] in ("pending", "contested",
                                                            "not_complied"):
            out.append({"date": "ongoing", "what": f"Compliance with {o['case']} "
                        f"(order of {o['date']}): {o['compliance'].replace('_', ' ')}"})
    return sorted(out, key=lambda d: d["date"])[:6]


def _changes(session, sit, level: str, judgements: list[dict], names: list[str]) -> dict:
    last = session.scalars(select(RespondBrief).where(
        RespondBrief.situation_id == sit.id, RespondBrief.level == level)
        .order_by(RespondBrief.issued_at.desc(), RespondBrief.id.desc())).first()
    if last is None:
        return {"since": None, "items": ["First brief on this situation."]}
    items = []
    before = last.judgements or {}
    for j in judgements:
        if before.get(j["key"]) != j["text"]:
            items.append(f"{j['text']} (before: {before[j['key']]})" if j["key"] in before
                         else f"New: {j['text']}")
    added = [n for n in names if n not in last.options]
    dropped = [n for n in last.options if n not in names]
    if added:
        items.append("Now among the best options: " + "; ".join(added) + ".")
    if dropped:
        items.append("No longer among them: " + "; ".join(dropped) + ".")
    return {"since": last.issued_at.date().isoformat(),
            "items": items or ["Nothing has changed in the judgements or the best options."]}


def _level(principal) -> str:
    return readable_levels(principal)[-1]


def build_brief(session, settings, sit, principal, phase=None, state_role=None) -> dict:
    options = situation_options(session, settings, sit, principal, phase, state_role)
    r = brief_rules()["options"]
    best = options["options"][:r["max"]]
    rows = [_option_row(o) for o in best]
    judgements = _judgements(sit, options, principal)
    tried = [{"name": o["name"], "what": t["what"], "date": t["date"], "outcome": t["outcome"]}
             for o in options["options"] + options["in_place"] for t in o["tried"]]
    seen = set()
    tried = [t for t in tried if (t["what"], t["date"]) not in seen
             and not seen.add((t["what"], t["date"]))]
    evidence = []
    for j in judgements:
        for e in j["evidence"]:
            if e["url"] not in [x["url"] for x in evidence]:
                evidence.append({"title": e["title"], "url": e["url"]})
    return {"situation": options["situation"], "generated": options["generated"],
            "judgements": judgements,
            "changes": _changes(session, sit, _level(principal),
                                judgements, [o["name"] for o in rows]),
            "options": rows, "after_veto": options["after_veto"],
            "deadlines": _deadlines(session, sit.country.iso3, options),
            "tried": tried[:8], "evidence": evidence[:brief_rules()["evidence_links"]],
            "what_if": options["what_if"],
            "note": "Options are ranked across all three pillars at once; the pillars are not "
                    "sequenced (A/66/874, para 13). Proposals with their reasons, not "
                    "decisions.",
            "links": {"options": f"/situations/{sit.id}/options",
                      "profile": f"/situations/{sit.id}/profile",
                      "dossier": f"/situations/{sit.id}",
                      "pdf": f"/situations/{sit.id}/brief.pdf"}}


def record_issue(session, sit, brief: dict, principal) -> None:
    """Keep what this brief said, so the next one can say what changed."""
    session.add(RespondBrief(situation_id=sit.id, level=_level(principal),
                             issued_by=actor_name(principal),
                             judgements={j["key"]: j["text"] for j in brief["judgements"]},
                             options=[o["name"] for o in brief["options"]]))
    audit(session, principal, "export", "evidence_situation", sit.id,
          after={"format": "brief-pdf"})


def to_pdf(brief: dict) -> bytes:
    import weasyprint  # heavy: weasyprint

    html = templates.env.get_template("respond/brief_print.html").render(
        **brief, css=STATIC_CSS.read_text("utf-8"))
    return weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"external resource refused in the brief PDF: {url}")
