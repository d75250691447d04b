"""Batch scoring on a real Dask LocalCluster: partitioned CSV/JSONL/Parquet input, output
files per partition that a re-run replaces, and an idempotent backfill into the database."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import func, select

from forewarn.data.errors import DataError
from forewarn.monitor import batch
from forewarn.monitor.models import MonitorDocument, MonitorSignal
from forewarn.store.db import transaction

pytestmark = pytest.mark.realdata

TEXTS = ["They are vermin and should be wiped out.", "Lovely weather in Nairobi today.",
         "Ces gens sont des rats.", "Die Wahl wurde verschoben.", "Odio a los inmigrantes.",
         "La partita è finita in pareggio.", "Os imigrantes são bem-vindos aqui."]


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    pd.DataFrame({"body": TEXTS[:4], "country": ["KEN"] * 4,
                  "date": ["2024-05-01"] * 4}).to_csv(d / "a.csv", index=False)
    with open(d / "b.jsonl", "w", encoding="utf-8") as f:
        for t in TEXTS[4:]:
            f.write(json.dumps({"body": t, "country": "SDN", "date": "2024-05-02"}) + "\n")
    pd.DataFrame({"body": TEXTS, "country": ["ETH"] * 7,
                  "date": ["2024-05-03"] * 7}).to_parquet(d / "c.parquet")
    return d


def test_classify_partitioned_is_complete_and_rerunnable(small_model_root, folder, tmp_path):
    out = tmp_path / "out"
    r = batch.classify_partitioned(small_model_root, [folder], "body", out, workers=1,
                                   rows_per_partition=3)
    assert r["rows"] == 4 + 3 + 7 and r["partitions"] == 2 + 1 + 3
    lines = [json.loads(x) for p in sorted(out.glob("part-*.jsonl")) for x in open(p)]
    assert sorted((x["source"], x["row"]) for x in lines) == sorted(
        [("a.csv", k) for k in range(1, 5)] + [("b.jsonl", k) for k in range(1, 4)]
        + [("c.parquet", k) for k in range(1, 8)])
    assert {"hateful", "incitement", "dehumanising", "label", "language"} <= set(lines[0])
    first = sorted(p.read_text() for p in out.glob("part-*.jsonl"))
    batch.classify_partitioned(small_model_root, [folder], "body", out, workers=1,
                               rows_per_partition=3)
    assert sorted(p.read_text() for p in out.glob("part-*.jsonl")) == first
    assert not list(out.glob("*.partial"))
    with pytest.raises(DataError, match="no column 'text'"):
        batch.classify_partitioned(small_model_root, [folder], "text", out, workers=1)


def test_backfill_stores_once_and_computes_signals(small_model_root, folder, engine):
    # SQLite has one writer at a time: one Dask worker there, two on PostgreSQL.
    workers = 1 if engine.dialect.name == "sqlite" else 2
    url = engine.url.render_as_string(hide_password=False)
    r = batch.backfill(url, small_model_root, [folder / "a.csv", folder / "b.jsonl"], "body",
                       "country", "date", workers=workers, rows_per_partition=2)
    assert r["stored"] == 7 and r["partitions"] == 4
    with transaction(engine) as s:
        assert s.scalar(select(func.count()).select_from(MonitorDocument)) == 7
        assert all(d.model_version == "vtest" for d in s.scalars(select(MonitorDocument)))
        assert s.scalar(select(func.count()).select_from(MonitorSignal)) >= 0
    again = batch.backfill(url, small_model_root, [folder / "a.csv", folder / "b.jsonl"],
                           "body", "country", "date", workers=workers, rows_per_partition=2)
    assert again["stored"] == 0


def test_gdelt_gkg_files_are_scored_by_page_title(small_model_root, tmp_path):
    """GKG 2.1: 27 tab-separated columns, no header; DATE is column 2, DocumentIdentifier
    column 5 and the V2.1 extras XML (with <PAGE_TITLE>) column 27."""
    gkg = tmp_path / "20240501000000.gkg.csv"
    rows = []
    for k, title in enumerate(["Militias torched villages near Goma",
                               "Grain prices stable in Nairobi markets"]):
        cols = [""] * 27
        cols[0], cols[1], cols[4] = f"20240501000000-{k}", "20240501000000", f"https://x/{k}"
        cols[26] = f"<PAGE_LINKS></PAGE_LINKS><PAGE_TITLE>{title}</PAGE_TITLE>"
        rows.append("\t".join(cols))
    gkg.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = batch.classify_partitioned(small_model_root, [gkg], "ignored", tmp_path / "out",
                                   workers=1)
    assert r["rows"] == 2
    lines = [json.loads(x) for x in open(tmp_path / "out" / "part-00000.jsonl")]
    assert [x["row"] for x in lines] == [1, 2] and all(x["language"] == "en" for x in lines)
    bad = tmp_path / "short.gkg.csv"
    bad.write_text("a\tb\tc\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a GKG 2.1 file"):
        batch.classify_partitioned(small_model_root, [bad], "text", tmp_path / "o2", workers=1)
