"""Load time of each catalogue (read, pydantic validation, cross-entry checks), best of N runs
in a fresh call of the uncached loader; prints one line per catalogue.

    python benchmarks/catalogue_load.py [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def loaders() -> dict:
    from forewarn.assess import catalog as assess_catalog
    from forewarn.assess import suggest
    from forewarn.data import sources
    from forewarn.evidence import catalog as evidence_catalog
    from forewarn.respond import catalog, facts_shipped, planner

    def uncached(fn):
        return getattr(fn, "__wrapped__", fn)

    return {
        "toolbox.yaml": lambda: uncached(catalog.load_toolbox)(),
        "organisations.yaml": lambda: uncached(catalog.load_partners)(),
        "treaty_parties.yaml": lambda: uncached(catalog.load_treaty_parties)(),
        "court_orders.yaml": lambda: uncached(catalog.load_court_orders)(),
        "planner_rules.yaml": lambda: uncached(planner.load_rules)(),
        "reference_facts.yaml": lambda: facts_shipped.parse_reference_facts(
            catalog.read_yaml(catalog.catalog_path(facts_shipped.REFERENCE_FILE))),
        "framework_of_analysis.yaml": assess_catalog.base_framework,
        "indicator_suggestions.yaml": lambda: suggest.load_rules(
            assess_catalog.base_framework()),
        "legal_elements.yaml": lambda: uncached(evidence_catalog.catalogue)(),
        "vocabulary.yaml": lambda: uncached(evidence_catalog.vocabulary)(),
        "legal_rules.yaml": lambda: uncached(evidence_catalog.rules)(),
        "data/sources.yaml": sources.load_sources,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for name, load in loaders().items():
        load()   # warm: imports, the country registry, cached dependencies
        best = min(_timed(load) for _ in range(args.runs))
        print(f"{name:30s} {best * 1000:8.1f} ms")
    return 0


def _timed(load) -> float:
    start = time.perf_counter()
    load()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
