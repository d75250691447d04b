"""Benchmark of the evidence register on the real data: importing the UCDP GED Syria file
(16,566 events, all or nothing), proposing crimes for every imported incident, verifying the
register, and building and rendering the demonstration dossier (JSON, Markdown, PDF).

Runs in a temporary data directory with a fresh SQLite database (nothing of yours is touched);
the raw data comes from the configured data dir (`make data` first) or --raw.

    python benchmarks/evidence_register.py [--raw ~/.local/share/forewarn/raw]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from forewarn.evidence import custody, demo, dossier, export, legal
from forewarn.evidence.access import SYSTEM, set_principal
from forewarn.evidence.importers import import_ucdp
from forewarn.evidence.models import Incident
from forewarn.evidence.storage import BlobStore
from forewarn.settings import Settings, get_settings
from forewarn.store.db import make_engine, session_factory, upgrade


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--raw", type=Path, default=get_settings().raw_dir)
    args = parser.parse_args()
    ged = args.raw / "ucdp" / "ucdp_ged191_syria_2016_2019.csv"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/bench.db")
        (Path(tmp) / "raw").symlink_to(args.raw.resolve(), target_is_directory=True)
        engine = make_engine(settings.db_url)
        upgrade(engine)
        store = BlobStore.for_settings(settings)
        with session_factory(engine)() as s:
            set_principal(s, SYSTEM)
            result = timed(f"import {ged.name}", lambda: import_ucdp(s, store, ged, "bench"))
            s.commit()
            print(f"  {result}")
            incidents = s.query(Incident).limit(2000).all()
            timed("proposals for 2,000 incidents, one by one",
                  lambda: [legal.propose([i], SYSTEM) for i in incidents])
            timed("proposals for the 2,000 as one set", lambda: legal.propose(incidents, SYSTEM))
            sit, _ = timed("seed the demonstration", lambda: demo.seed(s, store))
            s.commit()
            d = timed("build the dossier (with planner)",
                      lambda: dossier.build(s, sit, SYSTEM, settings))
            timed("render Markdown", lambda: export.to_markdown(d))
            timed("render PDF", lambda: export.to_pdf(d))
            report = timed("verify the register", lambda: custody.verify(s, store))
            print(f"  {report.checked} sources, {report.events} custody events, "
                  f"ok={report.ok}")
        engine.dispose()


if __name__ == "__main__":
    main()
