"""Batch scoring on Dask (`dask.distributed`): `forewarn monitor classify` over partitioned
input, and `forewarn monitor backfill` into the monitor's database.

- Input: one or more files or folders of CSV, JSONL or Parquet (each file is cut into
  partitions of ROWS_PER_PARTITION rows, shipped to the workers), or GDELT GKG 2.1 files
  (`*.gkg.csv`, tab-separated, no header: the text scored is the article's page title from
  the V2.1 extras field, the date from DATE, the URL from DocumentIdentifier).
- Cluster: a LocalCluster of WORKERS single-threaded processes by default, or an existing
  scheduler (`--scheduler tcp://host:8786`). Each worker loads the model once (verifying its
  sha256) and keeps it.
- Output of classify: one JSONL file per partition, `part-00000.jsonl`…, each written under a
  temporary name and renamed, named by its partition: re-running replaces the same files, so
  a run that failed half-way is simply run again (idempotent). Lines carry `source` (file) and
  `row` (the row within it, counted from 1) plus the classify fields.
- Backfill: each partition is stored through the normal ingestion (store.store_documents:
  de-duplicated by the sha256 of the text, so re-running stores nothing twice), then the
  signals of the days touched are recomputed; `alerts=True` also evaluates the alert rules.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select

from forewarn.data.errors import DataError
from forewarn.monitor import alerts as alerts_mod
from forewarn.monitor.ingest import RawDocument
from forewarn.monitor.model import load
from forewarn.monitor.models import MonitorDocument
from forewarn.monitor.signals import compute
from forewarn.monitor.store import store_documents
from forewarn.store.db import engine_for, transaction

SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet", ".gkg.csv")
_cached: dict[tuple, object] = {}


def input_files(paths: list[Path]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and f.name.lower().endswith(
                SUFFIXES))
        elif p.exists():
            out.append(p)
        else:
            raise DataError(str(p), "no such file or folder")
    if not out:
        raise DataError(", ".join(map(str, paths)), "no CSV, JSONL, Parquet or GKG file")
    return out


def _gkg_frame(path: Path) -> pd.DataFrame:
    """Page titles of a GKG 2.1 file (column 27, V2.1 Extras XML)."""
    df = pd.read_csv(path, sep="\t", header=None, dtype=str, quoting=3, on_bad_lines="skip")
    if df.shape[1] < 27:
        raise DataError(path.name, f"not a GKG 2.1 file ({df.shape[1]} columns, expected 27)")
    title = df[26].fillna("").str.extract(r"<PAGE_TITLE>(.*?)</PAGE_TITLE>", expand=False)
    return pd.DataFrame({"text": title.fillna(""), "url": df[4].fillna(""),
                         "published_at": pd.to_datetime(df[1], format="%Y%m%d%H%M%S",
                                                        errors="coerce", utc=True)})


def read_partitions(files: list[Path], text_column: str, rows_per_partition: int = 5000):
    """(file, first row, delayed frame) partitions; files are read here, scored on workers."""
    from dask import delayed  # heavy: dask

    parts = []
    for f in files:
        name = f.name.lower()
        if name.endswith(".gkg.csv"):
            frame = _gkg_frame(f)
        elif name.endswith(".parquet"):
            frame = pd.read_parquet(f)
        elif name.endswith((".jsonl", ".ndjson")):
            frame = pd.read_json(f, lines=True, dtype=False)
        else:
            frame = pd.read_csv(f, dtype=str, keep_default_na=False)
        column = "text" if name.endswith(".gkg.csv") else text_column
        if column not in frame.columns:
            raise DataError(f.name, f"no column '{column}' (columns: "
                            f"{', '.join(map(str, frame.columns))})")
        frame = frame.rename(columns={column: "text"})
        frame["text"] = frame["text"].fillna("").astype(str)
        for start in range(0, len(frame), rows_per_partition):
            parts.append((f, start, delayed(frame.iloc[start:start + rows_per_partition])))
    return parts


def _model(root: str, version: str | None):
    key = (root, version)
    if key not in _cached:
        _cached[key] = load(Path(root), version)
    return _cached[key]


def _score_partition(frame: pd.DataFrame, root: str, version: str | None, source: str,
                     start: int, out: str, language: str | None) -> int:
    model = _model(root, version)
    texts = frame["text"].tolist()
    langs = [language] * len(texts) if language else None
    confs = [1.0] * len(texts) if language else None
    rows = model.score(texts, langs, confs)
    tmp = Path(out + ".partial")
    with open(tmp, "w", encoding="utf-8") as f:
        for k, r in enumerate(rows):
            f.write(json.dumps({"source": source, "row": start + k + 1, **r},
                               ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    return len(rows)


def client_for(scheduler: str | None, workers: int):
    from dask.distributed import Client, LocalCluster  # heavy: dask

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    return Client(cluster), cluster


def classify_partitioned(model_root: Path, paths: list[Path], text_column: str,
                         output_dir: Path, version: str | None = None, workers: int = 2,
                         scheduler: str | None = None, language: str | None = None,
                         rows_per_partition: int = 5000) -> dict:
    """Score every partition on the cluster; returns {"rows", "partitions", "output"}."""
    from dask import delayed  # heavy: dask

    version = version or load(Path(model_root)).meta.get("version")  # fail early, pin it
    files = input_files(paths)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    parts = read_partitions(files, text_column, rows_per_partition)
    tasks = [delayed(_score_partition)(frame, str(model_root), version, f.name, start,
                                       str(output_dir / f"part-{i:05d}.jsonl"), language)
             for i, (f, start, frame) in enumerate(parts)]
    client, cluster = client_for(scheduler, workers)
    try:
        counts = client.compute(tasks, sync=True)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    for stale in sorted(output_dir.glob("part-*.jsonl"))[len(parts):]:
        stale.unlink()  # a previous run over more partitions: its extra parts are not ours
    return {"rows": int(sum(counts)), "partitions": len(parts), "output": str(output_dir),
            "model_version": version}


def _store_partition(frame: pd.DataFrame, db_url: str, root: str, version: str | None,
                     source: str, country_column: str | None, date_column: str | None) -> list:
    model = _model(root, version)
    docs = []
    for _, r in frame.iterrows():
        when = pd.to_datetime(r.get(date_column or "published_at"), errors="coerce", utc=True)
        docs.append(RawDocument(
            text=r["text"], source_kind="batch", source=source, url=str(r.get("url") or ""),
            title=str(r.get("title") or ""),
            published_at=None if pd.isna(when) else when.to_pydatetime(),
            country_iso3=(str(r.get(country_column)) or None) if country_column else None))
    report = store_documents(engine_for(db_url), [d for d in docs if d.text.strip()], model)
    return report.stored


def backfill(db_url: str, model_root: Path, paths: list[Path], text_column: str = "text",
             country_column: str | None = None, date_column: str | None = None,
             workers: int = 2, scheduler: str | None = None, alerts: bool = False,
             rows_per_partition: int = 5000) -> dict:
    """Store and score partitioned files into the monitor database (idempotent)."""
    from dask import delayed  # heavy: dask

    version = load(Path(model_root)).meta.get("version")
    parts = read_partitions(input_files(paths), text_column, rows_per_partition)
    tasks = [delayed(_store_partition)(frame, db_url, str(model_root), version, f.name,
                                       country_column, date_column)
             for f, _, frame in parts]
    client, cluster = client_for(scheduler, workers)
    try:
        stored = [i for ids in client.compute(tasks, sync=True) for i in ids]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    engine = engine_for(db_url)
    new_alerts = alerts_mod.after_ingest(engine, stored) if alerts and stored else []
    if stored and not alerts:
        with transaction(engine) as s:
            lo, hi = s.execute(select(func.min(MonitorDocument.published_at),
                                      func.max(MonitorDocument.published_at)).where(
                MonitorDocument.id.in_(stored[:30000]))).one()
        if lo is not None:
            compute(engine, lo.date(), hi.date())
    return {"stored": len(stored), "partitions": len(parts), "alerts": len(new_alerts),
            "model_version": version}
