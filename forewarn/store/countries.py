"""ISO3 → the `country` table's id: the one helper every capability uses to reference a
country, adding the registry's entry (forewarn.data.countries) when the table lacks it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forewarn.data import countries
from forewarn.store.models import Country


def country_id(session: Session, iso3: str | None) -> int | None:
    """country.id for ISO3 (any case); the registry's country is added to the table when it
    is not there yet (flushed, not committed). None for an empty code or one the registry
    does not know."""
    c = countries.get(iso3.strip()) if iso3 and iso3.strip() else None
    if c is None:
        return None
    found = session.scalar(select(Country.id).where(Country.iso3 == c.iso3))
    if found is not None:
        return found
    row = Country(iso3=c.iso3, name=c.name, iso_numeric=c.iso_numeric, cow_code=c.cow_code,
                  gw_code=c.gw_code, region=c.region, first_year=c.first_year,
                  last_year=c.last_year, note=c.note)
    try:
        # A savepoint: when a concurrent writer (another worker, a parallel backfill
        # partition) adds the same country first, only this insert is undone and theirs is used.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return session.scalar(select(Country.id).where(Country.iso3 == c.iso3))
    return row.id
