"""Recording situations, measures and vetoes, and reading them back for the planner."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.respond.catalog import load_partners, load_toolbox
from forewarn.respond.models import RespondMeasure, RespondSituation, RespondVeto
from forewarn.respond.vetoes import Veto, ga_debate_deadline
from forewarn.store.models import Country


class RecordError(ValueError):
    """A measure or veto that cannot be recorded, with the field at fault."""

    def __init__(self, fld: str, message: str):
        self.field = fld
        super().__init__(f"{fld}: {message}")


def _country(session: Session, iso3: str) -> Country:
    country = session.scalar(select(Country).where(Country.iso3 == iso3.upper()))
    if country is None:
        raise RecordError("iso3", f"unknown country '{iso3}' (import the registry first)")
    return country


def get_or_create_situation(session: Session, iso3: str, name: str | None = None,
                            opened: date | None = None) -> RespondSituation:
    country = _country(session, iso3)
    name = name or country.name
    found = session.scalar(select(RespondSituation).where(
        RespondSituation.country_id == country.id, RespondSituation.name == name))
    if found is not None:
        return found
    situation = RespondSituation(country_id=country.id, name=name, opened=opened, note="")
    session.add(situation)
    session.flush()
    return situation


def add_measure(session: Session, iso3: str, tool_id: str, on: date, actor: str,
                decision_ref: str = "", decision_url: str = "", note: str = "",
                situation: str | None = None, created_by: str = "") -> RespondMeasure:
    if load_toolbox().get(tool_id) is None:
        raise RecordError("tool_id", f"'{tool_id}' is not a toolbox tool")
    if not actor.strip():
        raise RecordError("actor", "who applied the measure is required")
    sit = get_or_create_situation(session, iso3, situation)
    measure = RespondMeasure(situation_id=sit.id, date=on, actor=actor.strip(), tool_id=tool_id,
                             decision_ref=decision_ref, decision_url=decision_url, note=note,
                             created_by=created_by)
    session.add(measure)
    session.flush()
    return measure


def add_veto(session: Session, iso3: str, on: date, members: list[str], draft: str = "",
             note: str = "", holidays: frozenset[date] = frozenset()) -> RespondVeto:
    """Record a veto; the General Assembly debate deadline (A/RES/76/262) is computed."""
    perm = set(load_partners().permanent_members)
    members = sorted({m.upper() for m in members})
    if not members or any(m not in perm for m in members):
        raise RecordError("members", f"must be permanent members ({', '.join(sorted(perm))})")
    country = _country(session, iso3)
    veto = RespondVeto(country_id=country.id, date=on, members=",".join(members), draft=draft,
                       ga_deadline=ga_debate_deadline(on, holidays), note=note)
    session.add(veto)
    session.flush()
    return veto


def vetoes_for_country(session: Session, iso3: str) -> list[Veto]:
    rows = session.scalars(select(RespondVeto).join(Country)
                           .where(Country.iso3 == iso3.upper())).all()
    return [Veto(r.date, r.draft, r.note, "recorded in Forewarn", tuple(r.members.split(",")))
            for r in rows]


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
