"""Country-page sections that any sub-package can contribute.

The country page (`/countries/{iso3}` and its JSON twin) shows Forewarn's forecast sections and
then every registered section in `order`. A sub-package adds one in its `country.py` (imported
by `discover()` when the app is built) or its `web.py`:

    from forewarn.web.sections import register_country_section

    @register_country_section("framework", "Framework of Analysis profile",
                              "assess/country_profile.html", order=200)
    def framework_profile(session, country):   # country: {"iso3", "name", "id", ...}
        return {...}        # JSON-serialisable; None hides the section

The template (under forewarn/web/templates/) receives `section` ({key, title, status, data}).
The JSON twin carries the same dict under `sections`. Sessions carry the request's principal,
so sensitive records are filtered as everywhere else. A section that fails is shown as
unavailable (and logged) instead of failing the page.

Anonymous readers all see the same (public) records, so what a section builds for them is kept
for up to 30 seconds and dropped as soon as this process commits any write; pass
`anonymous_cache=False` for a section that must always be built afresh. Signed-in readers'
sections are built for them, unless the section declares `class_cache=True`: its builder
reads only through the session (filtered by clearance) and never looks at who the reader is,
so readers with the same permissions get the same result, kept the same way as the anonymous
one (per permission set, up to 30 seconds, dropped on any write in this process)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

import forewarn
from forewarn.security import principal_of
from forewarn.web.forecast_source import dependent_cache

log = logging.getLogger("forewarn.web")
_anonymous = dependent_cache()  # expires after forecast_source.CACHE_SECONDS (30 s)
_by_class = dependent_cache()   # the same, per permission set of signed-in readers
_WROTE = "forewarn.web.sections:wrote"


@event.listens_for(Session, "after_flush")
def _note_write(session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _forget_on_commit(session) -> None:
    if session.info.pop(_WROTE, False):
        _anonymous.clear()
        _by_class.clear()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_write(session) -> None:
    session.info.pop(_WROTE, None)


def _is_anonymous(session: Session) -> bool:
    principal = principal_of(session)
    return not principal.is_authenticated and principal.via == "anonymous"

SectionBuilder = Callable[[Session, dict], Any]


@dataclass(frozen=True)
class CountrySection:
    key: str
    title: str
    template: str
    build: SectionBuilder
    order: int = 100
    anonymous_cache: bool = True
    class_cache: bool = False


COUNTRY_SECTIONS: dict[str, CountrySection] = {}


def register_country_section(key: str, title: str, template: str, order: int = 100,
                             anonymous_cache: bool = True, class_cache: bool = False):
    """Decorator: add a country-page section built by the function."""

    def decorate(build: SectionBuilder) -> SectionBuilder:
        COUNTRY_SECTIONS[key] = CountrySection(key, title, template, build, order,
                                               anonymous_cache=anonymous_cache,
                                               class_cache=class_cache)
        return build

    return decorate


def discover() -> None:
    """Import every capability's `country.py` (in forewarn.CAPABILITIES order), whose
    `register_country_section` calls add its sections; the app factory calls this. Sections
    registered in a capability's `web.py` are added when the factory includes its router."""
    for _ in forewarn.capability_modules("country"):
        pass


def build_sections(session: Session, country: dict) -> list[dict]:
    """Every registered section for one country, in order, ready for template and JSON."""
    out = []
    anonymous = _is_anonymous(session)
    principal = principal_of(session)
    reader_class = (principal.role, tuple(sorted(principal.permissions)))
    for s in sorted(COUNTRY_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        try:
            if anonymous and s.anonymous_cache:
                data = _anonymous.get((s.key, s.build, country.get("iso3")),
                                      lambda s=s: s.build(session, country))
            elif s.class_cache and not principal.is_system:
                data = _by_class.get((s.key, s.build, country.get("iso3"), reader_class),
                                     lambda s=s: s.build(session, country))
            else:
                data = s.build(session, country)
        except Exception:  # noqa: BLE001 - one broken section must not take the page down
            log.exception("country section %s failed for %s", s.key, country.get("iso3"))
            session.rollback()
            out.append({"key": s.key, "title": s.title, "status": "unavailable",
                        "note": "This section could not be built just now.", "data": None})
            continue
        if data is not None:
            out.append({"key": s.key, "title": s.title, "status": "ready",
                        "note": "", "data": data})
    return out


def section_template(section: dict) -> str:
    """The template that renders a built section (an unavailable one: a plain notice)."""
    registered = COUNTRY_SECTIONS.get(section["key"])
    if section["status"] != "ready" or registered is None:
        return "sections/reserved.html"
    return registered.template
