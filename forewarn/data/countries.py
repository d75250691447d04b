"""The country registry: ISO3, ISO numeric, COW and Gleditsch-Ward codes, names, regions.

The registry is a data file (catalog/countries.csv) curated from pycountry plus the historical
states the EWP and UCDP panels use (Czechoslovakia, East Germany, the two Yemens, South
Vietnam) and Kosovo (XKX). Codes that were reused over time (GW 678: North Yemen until 1989,
unified Yemen after) are resolved by year.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    iso_numeric: int | None
    cow_code: int
    gw_code: int | None
    ewp_name: str
    ucdp_name: str
    region: str
    first_year: int | None
    last_year: int | None
    note: str
    cow_aliases: tuple[int, ...] = ()

    def exists_in(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )


def _int(v: str) -> int | None:
    return int(v) if v not in ("", None) else None


@lru_cache
def all_countries() -> tuple[Country, ...]:
    text = resources.files("forewarn.catalog").joinpath("countries.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Country(
            iso3=r["iso3"], name=r["name"], iso_numeric=_int(r["iso_numeric"]),
            cow_code=int(r["cow_code"]), gw_code=_int(r["gw_code"]), ewp_name=r["ewp_name"],
            ucdp_name=r["ucdp_name"], region=r["region"], first_year=_int(r["first_year"]),
            last_year=_int(r["last_year"]), note=r["note"],
            cow_aliases=tuple(int(a) for a in r["cow_aliases"].split(";") if a),
        )
        for r in rows
    )


@lru_cache
def by_iso3() -> dict[str, Country]:
    return {c.iso3: c for c in all_countries()}


def get(iso3: str) -> Country | None:
    return by_iso3().get(iso3.upper())


def _by_code(attr: str, code: int, year: int | None) -> Country | None:
    matches = [c for c in all_countries() if getattr(c, attr) == code]
    if year is not None and len(matches) > 1:
        matches = [c for c in matches if c.exists_in(year)]
    return matches[0] if len(matches) == 1 else None


def from_cow(code: int, year: int | None = None) -> Country | None:
    if int(code) <= 0:  # 0 marks a registry entry without a COW code (the State of Palestine)
        return None
    found = _by_code("cow_code", int(code), year)
    if found is None:  # codes a source uses for a state's earlier incarnation (COW 340 → SRB)
        aliased = [c for c in all_countries() if int(code) in c.cow_aliases]
        found = aliased[0] if len(aliased) == 1 else None
    return found


def from_gw(code: int, year: int | None = None) -> Country | None:
    return _by_code("gw_code", int(code), year)


def from_iso_numeric(code: int) -> Country | None:
    return _by_code("iso_numeric", int(code), None)
