"""The country page's "framework" section: the published Framework of Analysis profile and its
history (the same data /countries/{iso3}/framework shows, pages.py)."""

from __future__ import annotations

from forewarn.assess import service
from forewarn.assess.access import actor_from_principal
from forewarn.assess.catalog import CRIME_VIEWS, load_framework
from forewarn.assess.views import country_profile
from forewarn.security import principal_of
from forewarn.settings import get_settings
from forewarn.web.sections import register_country_section


def profile_section(session, framework, country_id: int, iso3: str, actor) -> dict:
    data = country_profile(session, framework, country_id)
    data["iso3"] = iso3
    data["links"] = {"framework": f"/countries/{iso3}/framework",
                     "new": f"/assessments?iso3={iso3}" if actor.can("create") else None}
    data["views"] = {k: v[0] for k, v in CRIME_VIEWS.items()}
    return data


@register_country_section("framework", "Framework of Analysis profile",
                          "assess/country_profile.html", order=200)
def framework_section(session, country: dict):
    """The published profile and its history for the country page (and its JSON twin)."""
    framework = load_framework(get_settings().data_dir)
    actor = actor_from_principal(principal_of(session))
    country_id = country.get("id") or service.country_by_iso3(session, country["iso3"]).id
    return profile_section(session, framework, country_id, country["iso3"], actor)
