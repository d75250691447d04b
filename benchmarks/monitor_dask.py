"""Throughput of Dask batch scoring (`forewarn monitor classify --workers N`) with 1 and 2
workers of a LocalCluster on this machine: N test texts of every training language, cut
into partitions of 2,500 rows, wall-clock including the cluster's start-up and each worker's
model loading.

    .venv/bin/python benchmarks/monitor_dask.py [--texts 20000] [--model-root DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from forewarn.monitor.batch import classify_partitioned
from forewarn.monitor.train import training_sets
from forewarn.settings import get_settings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", type=int, default=20_000)
    ap.add_argument("--model-root", type=Path, default=None)
    ap.add_argument("--raw-dir", type=Path, default=None)
    args = ap.parse_args()
    root = args.model_root or get_settings().artifacts_dir / "monitor"
    sets = training_sets(args.raw_dir or get_settings().raw_dir, progress=lambda _: None)
    pool = [t for s in sets for t in s.test_x]
    rng = np.random.default_rng(0)
    texts = [pool[i] for i in rng.choice(len(pool), args.texts, replace=len(pool) < args.texts)]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for k in range(4):  # four files, as a partitioned export would be
            pd.DataFrame({"text": texts[k::4]}).to_parquet(src / f"part-{k}.parquet")
        for workers in (1, 2):
            t0 = time.perf_counter()
            r = classify_partitioned(root, [src], "text", Path(tmp) / f"out{workers}",
                                     workers=workers, rows_per_partition=2500)
            took = time.perf_counter() - t0
            print(f"{workers} worker(s): {r['rows']} texts, {r['partitions']} partitions, "
                  f"{took:.1f} s = {r['rows'] / took:.0f} texts/s (start-up included)")


if __name__ == "__main__":
    main()
