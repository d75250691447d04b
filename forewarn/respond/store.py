"""Recording situations, measures and vetoes, and reading them back for the planner."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forewarn.respond.catalog import load_partners, load_toolbox
from forewarn.respond.models import RespondMeasure, RespondSituation, RespondVeto
from forewarn.respond.vetoes import VETO_FILE, Veto, ga_debate_deadline
from forewarn.security import audit
from forewarn.store.models import Country

# The Security Council's first meeting: no veto can be older.
COUNCIL_FIRST_MET = date(1946, 1, 17)


class RecordError(ValueError):
    """A measure or veto that cannot be recorded, with the field at fault."""

    def __init__(self, fld: str, message: str):
        self.field, self.message = fld, message
        super().__init__(f"{fld}: {message}")


def latest_valid_date() -> date:
    """Today where the day starts first (UTC+14): an analyst anywhere may record today's
    measure, but nothing dated after a day that has begun somewhere on Earth."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


def _check_date(on: date) -> None:
    if on > latest_valid_date():
        raise RecordError("date", f"{on.isoformat()} is in the future")


def _country(session: Session, iso3: str) -> Country:
    country = session.scalar(select(Country).where(Country.iso3 == iso3.upper()))
    if country is None:
        raise RecordError("iso3", f"unknown country '{iso3}' (import the registry first)")
    return country


def get_or_create_situation(session: Session, iso3: str, name: str | None = None,
                            opened: date | None = None, recorded_by=None) -> RespondSituation:
    country = _country(session, iso3)
    name = name or country.name
    found = session.scalar(select(RespondSituation).where(
        RespondSituation.country_id == country.id, RespondSituation.name == name))
    if found is not None:
        return found
    situation = RespondSituation(country_id=country.id, name=name, opened=opened, note="")
    session.add(situation)
    session.flush()
    audit.record(session, recorded_by, "create", "respond_situation", situation.id,
                 after=situation)
    return situation


def add_measure(session: Session, iso3: str, tool_id: str, on: date, actor: str,
                decision_ref: str = "", decision_url: str = "", note: str = "",
                situation: str | None = None, created_by: str = "",
                recorded_by=None) -> RespondMeasure:
    """Record a measure (audited as RECORDED_BY, default the session's principal). Every
    check runs before the first write, so a refused measure leaves nothing behind."""
    if load_toolbox().get(tool_id) is None:
        raise RecordError("tool_id", f"'{tool_id}' is not a toolbox tool (see /toolbox)")
    _check_date(on)
    if not actor.strip():
        raise RecordError("actor", "who applied the measure is required")
    # The record page links to it: only web addresses, never javascript: or data: URLs.
    if decision_url and not decision_url.lower().startswith(("https://", "http://")):
        raise RecordError("decision_url", "must be a web address (http:// or https://)")
    sit = get_or_create_situation(session, iso3, situation, recorded_by=recorded_by)
    measure = RespondMeasure(situation_id=sit.id, date=on, actor=actor.strip(), tool_id=tool_id,
                             decision_ref=decision_ref, decision_url=decision_url, note=note,
                             created_by=created_by)
    session.add(measure)
    session.flush()
    audit.record(session, recorded_by, "create", "respond_measure", measure.id, after=measure)
    return measure


def add_veto(session: Session, iso3: str, on: date, members: list[str], draft: str = "",
             note: str = "", holidays: frozenset[date] = frozenset(),
             recorded_by=None) -> RespondVeto:
    """Record a veto (audited as RECORDED_BY); the General Assembly debate deadline
    (A/RES/76/262) is computed."""
    perm = set(load_partners().permanent_members)
    members = sorted({m.strip().upper() for m in members if m.strip()})
    if not members or any(m not in perm for m in members):
        raise RecordError("members", f"must be permanent members ({', '.join(sorted(perm))})")
    _check_date(on)
    if on < COUNCIL_FIRST_MET:
        raise RecordError("date", f"the Security Council first met on {COUNCIL_FIRST_MET}")
    country = _country(session, iso3)
    veto = RespondVeto(country_id=country.id, date=on, members=",".join(members), draft=draft,
                       ga_deadline=ga_debate_deadline(on, holidays), note=note)
    session.add(veto)
    session.flush()
    audit.record(session, recorded_by, "create", "respond_veto", veto.id, after=veto)
    return veto


# Vetoes imported from the historical file carry this note, so the planner does not count them
# twice (it reads the file itself) nor take them for a veto an analyst has just recorded.
IMPORTED_NOTE = f"Imported from {VETO_FILE}"
# A/RES/76/262 (26 April 2022): the General Assembly debates every veto cast from then on.
GA_DEBATE_RULE_FROM = date(2022, 4, 26)


def is_imported(veto: RespondVeto) -> bool:
    return (veto.note or "").startswith(IMPORTED_NOTE)


def vetoes_for_country(session: Session, iso3: str, imported: bool = False) -> list[Veto]:
    """Vetoes recorded by analysts (or, with IMPORTED, those imported from the veto file)."""
    flag = func.coalesce(RespondVeto.note, "").startswith(IMPORTED_NOTE, autoescape=True)
    rows = session.scalars(select(RespondVeto).join(Country)
                           .where(Country.iso3 == iso3.upper(),
                                  flag if imported else ~flag)).all()
    return [Veto(r.date, r.draft, r.note, "recorded in Forewarn", tuple(r.members.split(",")))
            for r in rows]


def import_vetoes(session: Session, vetoes: list[Veto] | tuple[Veto, ...]) -> tuple[int, int]:
    """Store the veto file's vetoes, one row per country its crisis topic concerns (topics that
    concern no single country are skipped). Idempotent: a veto already stored for a country
    (same date and draft) is not added again. Returns (added, skipped vetoes)."""
    by_iso3 = {c.iso3: c for c in session.scalars(select(Country))}
    have = {(r.country_id, r.date, r.draft) for r in session.scalars(select(RespondVeto))}
    added = skipped = 0
    for v in vetoes:
        targets = [by_iso3[code] for code in load_partners().topic_countries.get(v.topic, ())
                   if code in by_iso3]
        if not targets:
            skipped += 1
            continue
        for country in targets:
            if (country.id, v.date, v.draft) in have:
                continue
            session.add(RespondVeto(country_id=country.id, date=v.date,
                                    members=",".join(v.members), draft=v.draft,
                                    ga_deadline=ga_debate_deadline(v.date),
                                    note=f"{IMPORTED_NOTE} ({v.topic}: {v.agenda_item})"))
            have.add((country.id, v.date, v.draft))
            added += 1
    session.flush()
    return added, skipped


def measures(session: Session, iso3: str | None = None) -> list[RespondMeasure]:
    q = select(RespondMeasure).join(RespondSituation).join(Country)
    if iso3:
        q = q.where(Country.iso3 == iso3.upper())
    return list(session.scalars(q.order_by(RespondMeasure.date)).all())


def vetoes(session: Session, iso3: str | None = None) -> list[RespondVeto]:
    q = select(RespondVeto).join(Country)
    if iso3:
        q = q.where(Country.iso3 == iso3.upper())
    return list(session.scalars(q.order_by(RespondVeto.date.desc())).all())
