"""Country attribution: from metadata when a source gives it, otherwise from mentions of
country names, capitals and demonyms (forewarn/catalog/monitor_country_terms.yaml plus the
registry's names)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from forewarn.data import countries
from forewarn.monitor.catalog_shapes import country_terms


@dataclass(frozen=True)
class Attribution:
    iso3: str | None
    method: str  # "metadata" | "mentions" | ""
    mentions: dict[str, int]


def _is_acronym(term: str) -> bool:
    letters = term.replace(".", "")
    return len(letters) <= 4 and letters.isupper()


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], re.Pattern | None, re.Pattern | None]:
    terms: dict[str, str] = {}
    for c in countries.all_countries():
        if c.last_year is not None:  # historical states are not attributed to today's news
            continue
        for name in {c.name, c.ewp_name, c.ucdp_name} - {""}:
            terms.setdefault(name, c.iso3)
    for iso3, words in country_terms().items():
        if countries.get(iso3) is None:
            continue
        for w in words:
            terms[str(w)] = iso3

    def pattern(words, flags):
        if not words:
            return None
        alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return re.compile(rf"(?<!\w)({alt})(?!\w)", flags)

    acronyms = [t for t in terms if _is_acronym(t)]
    others = [t for t in terms if not _is_acronym(t)]
    lookup = {t: iso for t, iso in terms.items() if _is_acronym(t)}
    lookup.update({t.casefold(): iso for t, iso in terms.items() if not _is_acronym(t)})
    return lookup, pattern(others, re.IGNORECASE), pattern(acronyms, 0)


def mentions(text: str) -> Counter:
    lookup, words, acronyms = _index()
    found: Counter = Counter()
    if words is not None:
        for m in words.finditer(text):
            found[lookup[m.group(1).casefold()]] += 1
    if acronyms is not None:
        for m in acronyms.finditer(text):
            found[lookup[m.group(1)]] += 1
    return found


def attribute(text: str, metadata_iso3: str | None = None) -> Attribution:
    found = mentions(text)
    if metadata_iso3:
        c = countries.get(metadata_iso3)
        if c is not None:
            return Attribution(c.iso3, "metadata", dict(found))
    ranked = found.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return Attribution(ranked[0][0], "mentions", dict(found))
    return Attribution(None, "", dict(found))
