"""Land neighbours (shared borders), for "conflict next door" features (FoA RF1).

neighbours.csv is derived from world-atlas countries-50m.json (TopoJSON of Natural Earth, public
domain): two countries are neighbours when their outlines share an arc. Modern borders are used
for every year; states that no longer exist borrow their successors' neighbours
(HISTORICAL_SUCCESSORS). Regenerate with `python -m forewarn.forecast.neighbours TOPOJSON`.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

from forewarn.data import countries

HISTORICAL_SUCCESSORS = {"DDR": ["DEU"], "CSK": ["CZE", "SVK"], "YAR": ["YEM"],
                         "YMD": ["YEM"], "RVN": ["VNM"]}
# TopoJSON objects without an ISO numeric id, by name.
UNNUMBERED = {"Kosovo": "XKX", "Somaliland": "SOM", "N. Cyprus": "CYP"}


def derive_from_topojson(path: Path) -> list[tuple[str, str]]:
    topo = json.loads(Path(path).read_text("utf-8"))
    iso_by_num = {c.iso_numeric: c.iso3 for c in countries.all_countries() if c.iso_numeric}
    owners: dict[int, set[str]] = defaultdict(set)

    def arcs(a, out: set[int]) -> set[int]:
        if isinstance(a, int):
            out.add(a if a >= 0 else ~a)
        else:
            for x in a:
                arcs(x, out)
        return out

    for g in topo["objects"]["countries"]["geometries"]:
        gid = g.get("id")
        iso = iso_by_num.get(int(gid)) if gid is not None else None
        iso = iso or UNNUMBERED.get(g.get("properties", {}).get("name", ""))
        if iso is None:
            continue
        for arc in arcs(g.get("arcs", []), set()):
            owners[arc].add(iso)
    pairs = set()
    for isos in owners.values():
        pairs |= {(a, b) for a in isos for b in isos if a != b}
    for old, successors in HISTORICAL_SUCCESSORS.items():
        nbs = {b for a, b in pairs if a in successors} - set(successors)
        pairs |= {(old, b) for b in nbs} | {(b, old) for b in nbs}
    return sorted(pairs)


@lru_cache
def load_neighbours() -> dict[str, frozenset[str]]:
    text = resources.files("forewarn.forecast").joinpath("neighbours.csv").read_text("utf-8")
    out: dict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader(text.splitlines()):
        out[row["iso3"]].add(row["neighbour"])
    return {k: frozenset(v) for k, v in out.items()}


if __name__ == "__main__":  # pragma: no cover - maintenance
    rows = derive_from_topojson(Path(sys.argv[1]))
    target = Path(__file__).with_name("neighbours.csv")
    with target.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["iso3", "neighbour"])
        w.writerows(rows)
    print(f"{len(rows)} neighbour pairs → {target}")
