"""Full garbage-collection pause of the real app, with and without `gc.freeze()`.

web/pages.py warms the page caches at start and then freezes every object loaded so far
(modules of pandas, scipy, SQLAlchemy, FastAPI, Jinja2; the cached forecast and map), so that
the collector's full collections, which run every so often inside some request, no longer
scan them. This measures that pause in a fresh process per mode: the app is built over the
configured database and data directory (`make data` first for the real numbers; FOREWARN_*
settings apply), its caches are warmed as at start, a few pages are requested, then a full
`gc.collect()` is timed REPEAT times.

    python benchmarks/gc_freeze.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PATHS = ("/", "/countries/SDN", "/api/watchlist.json", "/model", "/search?q=sudan")


def measure(freeze: bool, repeat: int) -> None:
    import gc

    from fastapi.testclient import TestClient

    from forewarn.web import pages
    from forewarn.web.app import create_app

    if not freeze:
        gc.freeze = lambda: None  # the start-up warming (below and in the lifespan) skips it
    app = create_app()
    pages._warm_caches(app)  # as at start: ends with gc.collect(); gc.freeze()
    with TestClient(app) as client:  # the lifespan warms again, in a thread
        for path in PATHS:
            client.get(path)
        time.sleep(2)  # let that thread finish
    pauses = []
    for _ in range(repeat):
        start = time.perf_counter()
        gc.collect()
        pauses.append(time.perf_counter() - start)
    print(f"{'with' if freeze else 'without'} gc.freeze: {len(gc.get_objects()):,} tracked "
          f"objects scanned, {gc.get_freeze_count():,} frozen; full collection median "
          f"{statistics.median(pauses) * 1000:.0f} ms, max {max(pauses) * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--mode", choices=("freeze", "no-freeze"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        measure(args.mode == "freeze", args.repeat)
        return
    for mode in ("no-freeze", "freeze"):  # a fresh process each: nothing carried over
        subprocess.run([sys.executable, __file__, "--mode", mode, "--repeat",
                        str(args.repeat)], check=True)


if __name__ == "__main__":
    main()
