"""Benchmark of the full-text search index (forewarn/web/fulltext.py) on SQLite: indexing
while records are written, a full rebuild, and query latency for an exact word, a prefix and
a misspelling, as an analyst (who may read restricted records) would run them.

Runs on a fresh SQLite database in a temporary directory with N synthetic incidents whose
summaries draw words from a fixed vocabulary (nothing of yours is touched).

    python benchmarks/search_fulltext.py [--incidents 5000] [--queries 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.data.importer import sync_countries
from forewarn.evidence.models import Incident
from forewarn.security import SYSTEM, Principal, set_principal
from forewarn.store.db import make_engine, upgrade
from forewarn.web import fulltext

WORDS = ("shelling market village displacement camp militia checkpoint convoy hospital school "
         "abduction curfew looting arson detention massacre siege drone airstrike famine "
         "refugees border protest crackdown election militia ambush harvest granary").split()
PLACES = ["El Fasher", "Tawila", "Mellit", "Zalingei", "Geneina", "Nyala", "Kutum", "Kabkabiya"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        fulltext.discover()
        with Session(engine) as s:
            set_principal(s, SYSTEM)
            ids = sync_countries(s)
            s.commit()
        start = time.perf_counter()
        with Session(engine) as s:
            set_principal(s, SYSTEM)
            for n in range(args.incidents):
                place = rng.choice(PLACES)
                s.add(Incident(
                    title=f"{rng.choice(WORDS).capitalize()} near {place}",
                    summary=" ".join(rng.choices(WORDS, k=40)) + f" in {place}, Darfur.",
                    date_start=date(2024, 1, 1), date_end=date(2024, 1, 1), place=place,
                    country_id=ids["SDN"], harm_types=["killing"], perpetrators=[],
                    victim_groups=[], casualties={}, context={}, created_by="bench",
                    sensitivity=rng.choice(["public", "internal", "restricted"])))
                if n % 200 == 199:
                    s.flush()
            s.commit()
        write = time.perf_counter() - start
        print(f"write {args.incidents} incidents, indexed as they are flushed: {write:6.2f} s")
        start = time.perf_counter()
        with engine.begin() as conn:
            rows = fulltext.reindex_all(conn, ["incidents"])
        print(f"rebuild the index ({rows} entries):{'':17}{time.perf_counter() - start:6.2f} s")
        analyst = Principal(username="bench", role="analyst", user_id=1, via="test",
                            permissions=frozenset({"read:public", "read:internal",
                                                   "read:restricted", "create"}))
        for label, q in (("exact word", "granary"), ("prefix", "massac"),
                         ("two words", "Tawila airstrike"), ("misspelt (fuzzy)", "abducton")):
            times, found = [], 0
            for _ in range(args.queries):
                with Session(engine) as s:
                    set_principal(s, analyst)
                    t0 = time.perf_counter()
                    found = len(fulltext.results(s, q, ["incidents"], 10))
                    times.append(time.perf_counter() - t0)
            print(f"query {label:<18} {q!r:<20} median {1000 * statistics.median(times):6.1f} ms"
                  f"  p95 {1000 * sorted(times)[int(0.95 * len(times)) - 1]:6.1f} ms  "
                  f"({found} shown)")


if __name__ == "__main__":
    main()
