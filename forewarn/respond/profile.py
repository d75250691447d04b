"""Build a planner profile for a country from whatever Forewarn holds: the forecast (Forewarn's
own stored one, else the EWP's), mass-killing episodes, UCDP deaths, the latest published
Framework-of-Analysis assessment, treaty status, regional memberships and the veto record.

`source` is a SQLAlchemy Session (the imported tables, plus raw files for what is not stored)
or a path to the raw data folder. What the analyst states (phase, state role) wins; anything
inferred is marked in `profile.inferred` with how it was inferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from forewarn.assess import service
from forewarn.data import countries, readers
from forewarn.forecast import risk_change, risk_history
from forewarn.monitor.models import MonitorAlert
from forewarn.respond.catalog import load_partners
from forewarn.respond.facts import planner_facts
from forewarn.respond.planner import SituationProfile, load_rules
from forewarn.respond.store import GA_DEBATE_RULE_FROM, vetoes_for_country
from forewarn.respond.treaties import treaty_status
from forewarn.respond.vetoes import VETO_FILE, Veto, veto_record, vetoes_from
from forewarn.security import principal_of
from forewarn.settings import get_settings
from forewarn.store.models import Country, MassKillingEpisode, ViolenceCountryYear

EWP_CITATION = "Early Warning Project (USHMM), 2025 Statistical Risk Assessment"
UCDP_CITATION = "UCDP Country-Year Dataset on Organized Violence v25.1"


@dataclass
class CountryFacts:
    risk: float | None = None
    risk_before: float | None = None
    last_year: int | None = None
    state_based_deaths: float | None = None
    govt_one_sided_deaths: float | None = None
    ongoing_state_led: list[str] | None = None
    ongoing_non_state_led: list[str] | None = None
    ended_recently: list[str] | None = None
    forecast_source: str | None = None   # citation of where `risk` came from


@lru_cache
def _ewp_final(raw_dir: Path) -> dict[str, tuple[float | None, float | None]]:
    frame = readers.read_ewp_final(raw_dir / readers.EWP_FINAL)
    by_name = {c.ewp_name: c.iso3 for c in countries.all_countries() if c.last_year is None}
    return {by_name[n]: (_num(a), _num(b))
            for n, a, b in zip(frame["ewp_name"], frame["risk"], frame["previous_risk"],
                               strict=True) if n in by_name}


@lru_cache
def _ucdp(raw_dir: Path) -> pd.DataFrame:
    return readers.read_ucdp_country_year(raw_dir / readers.UCDP_CY)


@lru_cache
def _episodes(raw_dir: Path) -> pd.DataFrame:
    return readers.read_ewp_episodes(raw_dir / readers.EWP_EPISODES)


def _num(v) -> float | None:
    return None if v is None or v != v else float(v)


def facts_from_raw(raw_dir: Path, iso3: str, aftermath_years: int = 3) -> CountryFacts:
    raw_dir = Path(raw_dir)
    f = CountryFacts()
    if (raw_dir / readers.EWP_FINAL).exists():
        f.risk, f.risk_before = _ewp_final(raw_dir).get(iso3, (None, None))
        f.forecast_source = EWP_CITATION if f.risk is not None else None
    if (raw_dir / readers.UCDP_CY).exists():
        u = _ucdp(raw_dir)
        u = u[u["iso3"] == iso3].sort_values("year")
        if len(u):
            last = u.iloc[-1]
            f.last_year = int(last["year"])
            f.state_based_deaths = _num(last["state_based_deaths"])
            f.govt_one_sided_deaths = _num(last["one_sided_govt_deaths"])
    if (raw_dir / readers.EWP_EPISODES).exists():
        _episode_facts(f, _episodes(raw_dir), iso3, aftermath_years)
    return f


def _episode_facts(f: CountryFacts, ep: pd.DataFrame, iso3: str, aftermath_years: int) -> None:
    ep = ep[ep["iso3"] == iso3]
    ongoing = ep[ep["end_year"].isna()]
    f.ongoing_state_led = list(ongoing[ongoing["perpetrator_type"] == "State-Led"]["name"])
    f.ongoing_non_state_led = list(ongoing[ongoing["perpetrator_type"] != "State-Led"]["name"])
    last = int(ep["end_year"].max()) if ep["end_year"].notna().any() else None
    horizon = (f.last_year or 2024) - aftermath_years
    f.ended_recently = list(ep[ep["end_year"].notna() & (ep["end_year"] >= horizon)]["name"]) \
        if last is not None else []


def facts_from_session(session, iso3: str, raw_dir: Path | None,
                       aftermath_years: int = 3) -> CountryFacts:
    """Deaths and episodes from the imported tables; the forecast from raw files if present."""
    f = facts_from_raw(raw_dir, iso3, aftermath_years) if raw_dir else CountryFacts()
    stored = stored_forecast(session, iso3)
    if stored is not None:  # Forewarn's own forecast wins over the EWP file
        f.risk, f.risk_before, f.forecast_source = stored
    country = session.scalar(select(Country).where(Country.iso3 == iso3))
    if country is None:
        return f
    row = session.scalars(select(ViolenceCountryYear)
                          .where(ViolenceCountryYear.country_id == country.id)
                          .order_by(ViolenceCountryYear.year.desc())).first()
    if row is not None:
        f.last_year, f.state_based_deaths = row.year, row.state_based_deaths
        f.govt_one_sided_deaths = row.one_sided_govt_deaths
    eps = session.scalars(select(MassKillingEpisode)
                          .where(MassKillingEpisode.country_id == country.id)).all()
    if eps:
        frame = pd.DataFrame([{"iso3": iso3, "name": e.name, "end_year": e.end_year,
                               "perpetrator_type": e.perpetrator_type} for e in eps])
        frame["end_year"] = frame["end_year"].astype("Float64")
        _episode_facts(f, frame, iso3, aftermath_years)
    return f


def stored_forecast(session, iso3: str) -> tuple[float, float | None, str] | None:
    """Forewarn's newest stored forecast for ISO3 (risk, the risk it is compared with,
    citation), or None when no forecast run is stored for it. Both figures come from
    forewarn.forecast.risk_change, the one change figure the country page's headline and the
    home page's movers show, so the planner's trend cannot disagree with them."""
    change = risk_change(session, iso3)
    if change is None or change["risk"] is None:
        return None
    now = next((r for r in reversed(risk_history(session, iso3))
                if r["source"] == "forecast" and r["year"] == change["year"]), None)
    model = f"model {now['model_version']}, " if now else ""
    before = change["previous_risk"]
    return (float(change["risk"]), None if before is None else float(before),
            f"Forewarn stored forecast, {model}origin year {change['year']}")


def forecast_change(session, iso3: str) -> dict | None:
    """The forecast's change figure for ISO3 (forewarn.forecast.risk_change), or None."""
    return risk_change(session, iso3) if session is not None else None


def published_foa(session, iso3: str) -> tuple[dict[str, int], str] | None:
    """Risk-factor levels (RF id -> 0 absent / 1 present / 2 serious) from the country's latest
    published assessment that the session's principal may read, with its citation."""
    published = service.latest_published_profile(session, iso3)
    return None if published is None else (published.points, published.citation())


def monitor_alerts(session, iso3: str, days: int, today=None) -> list[dict]:
    """The country's monitor alerts (spikes of hate speech or incitement signals) of the last
    DAYS days, newest first: [{day, signal, count, expected, status}]. Monitoring is internal
    (as on the country page and the situation profile): a reader who may not read internal
    material gets none, not even a count."""
    principal = principal_of(session)
    if principal is None or not principal.can("read:internal"):
        return []
    if not inspect(session.connection()).has_table(MonitorAlert.__tablename__):
        return []
    since = (today or date.today()) - timedelta(days=days)
    rows = session.scalars(select(MonitorAlert).join(Country, Country.id ==
                                                     MonitorAlert.country_id)
                           .where(Country.iso3 == iso3, MonitorAlert.day >= since,
                                  MonitorAlert.status != "dismissed")
                           .order_by(MonitorAlert.day.desc())).all()
    return [{"day": a.day.isoformat(), "signal": a.signal, "count": a.count,
             "expected": a.expected, "status": a.status} for a in rows]


def infer_phase(f: CountryFacts, rules: dict) -> tuple[str, str]:
    inf = rules["inference"]
    if f.ongoing_state_led or f.ongoing_non_state_led:
        return "ongoing_atrocities", "an EWP mass-killing episode is ongoing"
    if f.ended_recently:
        years = inf["aftermath_years"]
        return "aftermath", f"an EWP mass-killing episode ended within {years} years"
    if (f.risk or 0) >= inf["escalation_risk"] or (f.state_based_deaths or 0) >= \
            inf["armed_conflict_min_deaths"]:
        return "escalation", "high forecast risk or armed conflict without an ongoing episode"
    return "latent_risk", "no ongoing episode, no armed conflict and moderate forecast risk"


def infer_state_role(f: CountryFacts, rules: dict) -> tuple[str, str]:
    """From country data only (a situation's incidents say more: forewarn.evidence.profile).
    Government killings make the state a perpetrator only where they are a large part of the
    violence; beside a non-state-led episode they make it unwilling."""
    inf = rules["inference"]
    if f.ongoing_state_led:
        return "perpetrator", "state-led mass killing ongoing (EWP)"
    govt = f.govt_one_sided_deaths or 0
    significant = govt >= inf["perpetrator_govt_killings"]
    if significant and govt >= inf["perpetrator_share"] * (f.state_based_deaths or 0):
        return "perpetrator", f"government one-sided killings in {f.last_year} (UCDP)"
    if significant and f.ongoing_non_state_led:
        return "unwilling", (f"non-state-led mass killing ongoing (EWP) and {int(govt):,} "
                             f"government one-sided killings in {f.last_year} (UCDP)")
    if f.ongoing_non_state_led or (f.state_based_deaths or 0) >= inf["armed_conflict_min_deaths"]:
        note = (f"; {int(govt):,} government one-sided killings in {f.last_year} (UCDP) are "
                "a small part of the violence") if significant else ""
        return "willing_unable", ("violence by non-state actors; state assumed willing but "
                                  "unable" + note)
    return "willing_unable", "no sign of state involvement; assumed willing but unable"


def _trend(f: CountryFacts, rules: dict) -> str | None:
    if f.risk is None or not f.risk_before:
        return None
    ratio = f.risk / f.risk_before
    inf = rules["inference"]
    if ratio >= inf["rising_ratio"]:
        return "rising"
    return "falling" if ratio <= inf["falling_ratio"] else "stable"


def recorded_vetoes(session, iso3: str) -> list[Veto]:
    """Vetoes recorded in Forewarn (respond_veto) for the country's situations."""
    return vetoes_for_country(session, iso3)


def apply_registry(ts, reg) -> dict:
    """Treaty and ICC facts for the planner: the registry's facts in force (a correction
    replaces the shipped status), the ICC referrals in the record and the ICC situations
    under investigation."""
    def party(treaty: str, shipped: bool | None) -> bool | None:
        found = reg.party(treaty)
        return shipped if found is None else found

    icc_party = party("rome_statute", ts.icc_party)
    declared, referrals = reg.art12_3, reg.icc_referrals
    situations = sorted(reg.icc_situations, key=lambda f: f.date or "")
    basis = ""
    if referrals:
        r = referrals[-1]
        basis = (f"ICC jurisdiction through a referral: {r.subject}, {r.status} "
                 f"({r.source}; {r.citation})")
    elif icc_party:
        basis = "the ICC has territorial/nationality jurisdiction as a party (Art. 12(2))"
    elif declared is not None:
        basis = f"Art. 12(3) declaration: {declared.status} ({declared.citation})"
    elif situations:  # e.g. Bangladesh/Myanmar: crimes completed on a party's territory
        s = situations[-1]
        basis = (f"ICC situation under investigation: {s.summary or s.subject} ({s.subject}), "
                 f"{s.status} ({s.citation}, as of {s.as_of})")
    hr = {k: party(k, v["party"]) for k, v in ts.hr.items()}
    for k in reg.treaties:   # a treaty the registry knows but the status files do not list
        if k not in hr and k not in ("genocide", "rome_statute", "geneva_conventions"):
            hr[k] = reg.party(k)
    return {"icc_jurisdiction": bool(icc_party or declared is not None or referrals
                                     or situations),
            "icc_basis": basis, "genocide_party": party("genocide", ts.genocide_party),
            "hr": hr}


def profile_for_country(source, iso3: str, phase: str | None = None,
                        state_role: str | None = None, foa: dict[str, int] | None = None,
                        raw_dir: Path | None = None) -> SituationProfile:
    """The planner profile for ISO3 from what exists (see module docstring)."""
    iso3 = iso3.upper()
    rules = load_rules()
    inf = rules["inference"]
    session = source if isinstance(source, Session) else None
    if session is None:
        raw_dir = Path(source)
    elif raw_dir is None:
        raw_dir = get_settings().raw_dir
    raw_dir = Path(raw_dir) if raw_dir else None
    f = (facts_from_session(session, iso3, raw_dir, inf["aftermath_years"]) if session
         else facts_from_raw(raw_dir, iso3, inf["aftermath_years"]))
    inferred, sources, basis = {}, [], {}
    days = inf.get("monitor_alert_days", 90)
    alerts = monitor_alerts(session, iso3, days) if session is not None else []
    if alerts:
        signals = sorted({a["signal"].replace("_", " ") for a in alerts})
        basis["monitor"] = [f"{len(alerts)} monitor alerts in the last {days} days (rising "
                            f"signals: {', '.join(signals)}; latest {alerts[0]['day']})"]
        sources.append(f"Forewarn monitor alerts, last {days} days")
    if phase is None:
        phase, how = infer_phase(f, rules)
        if phase == "latent_risk" and alerts:
            # Rising hate-speech or incitement signals are warning signs (Framework of
            # Analysis, risk factor 8 indicators): the same rule as the situation profile.
            phase, how = "escalation", basis["monitor"][0] + "; " + how
        inferred["phase"] = how
    if state_role is None:
        state_role, how = infer_state_role(f, rules)
        inferred["state_role"] = how
    if f.risk is not None and f.forecast_source:
        sources.append(f.forecast_source)
    if foa is None and session is not None:
        found = published_foa(session, iso3)
        if found is not None:
            foa, citation = found
            sources.append(citation)
            basis["assessment"] = [citation]
    if f.state_based_deaths is not None:
        sources.append(UCDP_CITATION)
    ts = treaty_status(iso3, raw_dir)
    sources += ts.sources
    reg = planner_facts(session, iso3, raw_dir)   # the registry: corrections and the record
    treaties = apply_registry(ts, reg)
    partners = load_partners()
    memberships = [o.id for o in partners.memberships(iso3)]
    vetoes = vetoes_from(raw_dir) if raw_dir and (raw_dir / VETO_FILE).exists() else None
    history = []
    if vetoes is None and session is not None:  # no file here: the history `setup` imported

        history = vetoes_for_country(session, iso3, imported=True)
    veto_likely, veto_reasons, veto_cast = None, [], False
    if vetoes is not None or session is not None:
        recorded = recorded_vetoes(session, iso3) if session is not None else []
        later = [v for v in reg.vetoes() if (v.date, v.draft) not in
                 {(r.date, r.draft) for r in recorded + history}]
        rec = veto_record(iso3, vetoes or (), rules["veto"]["since_year"],
                          rules["veto"]["likely_min_vetoes"], recorded + history + later)
        veto_likely, veto_reasons = rec.likely, rec.reasons
        # A veto cast since the standing mandate (A/RES/76/262) opens the GA debate route.
        veto_cast = bool(recorded) or any(v.date >= GA_DEBATE_RULE_FROM for v in later)
        sources.append(rec.source)
        sources += sorted({v.topic for v in later})
    trend = _trend(f, rules)
    change = forecast_change(session, iso3) if f.forecast_source and \
        f.forecast_source.startswith("Forewarn") else None
    if trend and change and change["change"] is not None:
        basis["risk_trend"] = [f"{change['change'] * 100:+.1f} percentage points: "
                               f"{change['compares']}"]
    elif trend and f.risk_before is not None:
        basis["risk_trend"] = [f"{f.risk * 100:.1f}% against {f.risk_before * 100:.1f}% the "
                               f"year before ({f.forecast_source})"]
    c = countries.get(iso3)
    return SituationProfile(
        phase=phase, state_role=state_role, iso3=iso3, name=c.name if c else iso3,
        armed_conflict=None if f.state_based_deaths is None
        else f.state_based_deaths >= inf["armed_conflict_min_deaths"],
        risk=f.risk, risk_trend=trend, foa=foa, basis=basis,
        icc_jurisdiction=treaties["icc_jurisdiction"], icc_basis=treaties["icc_basis"],
        genocide_party=treaties["genocide_party"],
        genocide_art_ix=treaties["genocide_party"] and not ts.genocide_art_ix_reservation,
        hr_treaties=treaties["hr"], icj_cases=reg.icj_cases, memberships=memberships,
        council_seat=reg.council_seat(),
        veto_likely=veto_likely, veto_reasons=veto_reasons, veto_cast=veto_cast,
        icc_warrants=ts.outstanding_icc_warrants, inferred=inferred, sources=sources,
        # EWP's ongoing non-state-led episodes name their perpetrators (e.g. the RSF).
        non_state_perpetrators=list(f.ongoing_non_state_led or []))
