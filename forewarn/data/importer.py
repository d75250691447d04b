"""Load the canonical panels into the database, all or nothing.

Every file is read and validated before the database is touched; the tables are then replaced
inside one transaction, so a bad file leaves what was stored exactly as it was.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, delete, select

from forewarn.data import countries, readers
from forewarn.data.sources import sha256_of
from forewarn.store import models as m
from forewarn.store.db import transaction


@dataclass
class ImportResult:
    table: str
    source_file: str
    rows: int


def _nan_to_none(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: _nan_to_none(v) for c, v in zip(columns, row, strict=True)}
            for row in frame[columns].itertuples(index=False, name=None)]


def sync_countries(session) -> dict[str, int]:
    """Insert or update the registry rows; return iso3 → id."""
    existing = {c.iso3: c for c in session.scalars(select(m.Country))}
    for c in countries.all_countries():
        row = existing.get(c.iso3) or m.Country(iso3=c.iso3)
        row.name, row.iso_numeric, row.cow_code, row.gw_code = (c.name, c.iso_numeric,
                                                                c.cow_code, c.gw_code)
        row.region, row.first_year, row.last_year, row.note = (c.region, c.first_year,
                                                               c.last_year, c.note)
        session.add(row)
    session.flush()
    return {c.iso3: c.id for c in session.scalars(select(m.Country))}


def _read_all(raw_dir: Path) -> list[tuple[type, list[str], pd.DataFrame]]:
    """(model, source files, frame) for every panel; raises DataError before any write."""
    ewp = readers.read_ewp_predictors(raw_dir / readers.EWP_PREDICTORS)
    names = readers.ewp_predictor_names(raw_dir / readers.EWP_PREDICTORS)
    ewp["predictors"] = [
        {k: _nan_to_none(v) for k, v in zip(names, row, strict=True)}
        for row in ewp[names].itertuples(index=False, name=None)
    ]
    return [
        (m.EwpCountryYear, [readers.EWP_PREDICTORS], ewp),
        (m.ViolenceCountryYear, [readers.UCDP_CY],
         readers.read_ucdp_country_year(raw_dir / readers.UCDP_CY)),
        (m.DisplacementCountryYear, [readers.UNHCR_POPULATION, readers.IDMC_IDPS],
         readers.read_displacement(raw_dir / readers.UNHCR_POPULATION,
                                   raw_dir / readers.IDMC_IDPS)),
        (m.MassKillingEpisode, [readers.EWP_EPISODES],
         readers.read_ewp_episodes(raw_dir / readers.EWP_EPISODES)),
    ]


def import_all(engine: Engine, raw_dir: Path,
               progress: Callable[[str], None] | None = None) -> list[ImportResult]:
    panels = _read_all(raw_dir)
    results = []
    with transaction(engine) as session:
        ids = sync_countries(session)
        for model, files, frame in panels:
            if progress:
                progress(model.__tablename__)
            # One provenance row per file; the table's rows point at the primary file's batch.
            batches = [m.ImportBatch(table_name=model.__tablename__, source_file=f,
                                     sha256=sha256_of(raw_dir / f), rows=len(frame))
                       for f in files]
            session.add_all(batches)
            session.flush()
            batch = batches[0]
            session.execute(delete(model))
            columns = [c.name for c in model.__table__.columns
                       if c.name not in ("id", "country_id", "import_id")]
            frame = frame.assign(country_id=frame["iso3"].map(ids), import_id=batch.id)
            session.execute(model.__table__.insert(),
                            _records(frame, columns + ["country_id", "import_id"]))
            results.append(ImportResult(model.__tablename__, " + ".join(files), len(frame)))
    return results
