"""Translations of the public pages (gettext catalogues compiled with Babel at import).

The `.po` files in `locale/<lang>/LC_MESSAGES/reports.po` are the source; they are compiled to
`.mo` in memory when this module is imported, so an installation never runs a separate build
step and a stale `.mo` can never be served. English is the source language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "reports"
DEFAULT = "en"
# Language code → (name in that language, writing direction).
LANGUAGES = {"en": ("English", "ltr"), "fr": ("Français", "ltr"), "ar": ("العربية", "rtl"),
             "es": ("Español", "ltr")}


def _locale_dir():
    return resources.files("forewarn.reports") / "locale"


def compile_catalog(lang: str) -> bytes:
    """The .mo bytes of LANG's catalogue (fuzzy entries are left out, as msgfmt does)."""
    po = _locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _load() -> dict[str, NullTranslations]:
    loaded: dict[str, NullTranslations] = {DEFAULT: NullTranslations()}
    for lang in LANGUAGES:
        if lang != DEFAULT:
            loaded[lang] = Translations(io.BytesIO(compile_catalog(lang)), domain=DOMAIN)
    return loaded


CATALOGS = _load()


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    dir: str

    def gettext(self, message: str) -> str:
        return CATALOGS[self.code].gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return CATALOGS[self.code].ngettext(singular, plural, n)


def language(code: str) -> Language:
    name, direction = LANGUAGES[code]
    return Language(code, name, direction)


def _accepted(header: str) -> list[str]:
    """Language tags of an Accept-Language header, best first."""
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > 0:
            ranked.append((-q, i, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(query_lang: str | None, accept_language: str | None) -> Language:
    """`?lang=` wins, then the browser's Accept-Language, then English."""
    candidates = [query_lang or ""] + _accepted(accept_language or "")
    for tag in candidates:
        primary = tag.strip().lower().replace("_", "-").split("-")[0]
        if primary in LANGUAGES:
            return language(primary)
    return language(DEFAULT)
