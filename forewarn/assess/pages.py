"""Framework of Analysis pages: the catalogue, the consistency report and each country's
profile (the country page's "framework" section: country.py). Every page has a JSON twin."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request

from forewarn.assess import consistency, service, suggest
from forewarn.assess.access import actor_from_principal
from forewarn.assess.catalog import load_framework
from forewarn.assess.country import profile_section
from forewarn.assess.profile import RULE_TEXT
from forewarn.assess.views import suggestions_dict
from forewarn.security.deps import CurrentPrincipal
from forewarn.web.deps import SessionDep, SettingsDep
from forewarn.web.render import twin

router = APIRouter()


@twin(router, "/framework", "assess/framework.html", tags=["framework"])
def framework_page(request: Request, settings: SettingsDep):
    """The UN Framework of Analysis for Atrocity Crimes: 14 risk factors (ids RF1…RF14), each
    with its indicators (ids RF1.1…), the confirmed/confidence flag of each paraphrase, the
    crime-specific views, the profile rule and the data-suggestion rules."""
    framework = load_framework(settings.data_dir)
    meta, rules = suggest.load_rules(framework)
    data = framework.to_dict()
    flags = [i for f in data["risk_factors"] for i in f["indicators"]]
    data["counts"] = {"risk_factors": len(data["risk_factors"]), "indicators": len(flags),
                      "confirmed": sum(i["confirmed"] for i in flags),
                      "unconfirmed": {c: sum(i["confidence"] == c for i in flags)
                                      for c in ("high", "medium", "low")}}
    data["profile_rule"] = RULE_TEXT
    data["suggestion_rules"] = {"notice": meta.get("notice", ""), "rules": [
        {"id": r.id, "indicators": list(r.indicators), "source": r.source, "label": r.label,
         "dataset": r.dataset, "threshold": r.threshold_text(), "note": r.note}
        for r in rules]}
    return data


@twin(router, "/framework/consistency", "assess/consistency.html", tags=["framework"])
def consistency_page(request: Request, session: SessionDep, settings: SettingsDep,
                     item: str = Query("RF1.1", description="A risk factor (RF9) or an "
                                       "indicator (RF9.1)"),
                     max_age_days: int = Query(consistency.DEFAULT_MAX_AGE_DAYS, ge=1,
                                               le=36500),
                     tolerance: int = Query(0, ge=0, le=2)):
    """Every country's latest published rating of one indicator or factor beside the data
    behind it; pairs of countries with similar data but ratings two levels apart; stale
    assessments."""
    framework = load_framework(settings.data_dir)
    try:
        rep = consistency.report(session, framework, item.strip().upper(), max_age_days,
                                 tolerance)
    except service.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    rep["choices"] = [{"id": f.id, "title": f.title,
                       "indicators": [{"id": i.id, "text": i.text} for i in f.indicators]}
                      for f in framework.factors]
    return rep


@twin(router, "/countries/{iso3}/framework", "assess/country_framework.html",
      tags=["framework"])
def country_framework(request: Request, iso3: str, session: SessionDep, settings: SettingsDep,
                      principal: CurrentPrincipal):
    """One country's Framework profile: the published profile with crime-specific views, its
    history as a heat strip per risk factor, the assessments the reader may see, and the
    data-suggested indicators from the latest data."""
    framework = load_framework(settings.data_dir)
    actor = actor_from_principal(principal)
    try:
        c = service.country_by_iso3(session, iso3)
    except service.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    data = profile_section(session, framework, c.id, c.iso3, actor)
    data["country"] = {"iso3": c.iso3, "name": c.name, "region": c.region}
    data["assessments"] = [
        {"id": a.id, "as_of": a.as_of.isoformat(), "status": a.status, "demo": a.demo,
         "published_version": a.published_version, "author": a.author_name}
        for a in service.list_assessments(session, actor, iso3=c.iso3)]
    data["suggestions"] = suggestions_dict(session, framework, c.id)
    data["indicator_text"] = {i: framework.indicator(i).text
                              for i in data["suggestions"]["indicators"]}
    data["can_create"] = actor.can("create")
    return data
