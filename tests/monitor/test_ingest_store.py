"""Ingestion of each kind, malformed input, de-duplication and storage on both databases."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from sqlalchemy import func, select

from forewarn.data.errors import DataError
from forewarn.monitor import ingest, store
from forewarn.monitor.models import MonitorDocument, MonitorEvent, MonitorPassage
from forewarn.store.db import transaction
from forewarn.store.models import Country

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Clashes in Darfur</title><link>http://example.org/1</link>
<description>&lt;p&gt;Militias torched villages near El Geneina, Sudanese officials said.&lt;/p&gt;
</description><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate></item>
<item><title>Market report</title><link>http://example.org/2</link>
<description>Grain prices were stable in Nairobi this week.</description>
<pubDate>Tue, 02 Jan 2024 11:00:00 GMT</pubDate></item></channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Radio</title><entry><title>Curfew declared</title><link href="http://example.org/a"/>
<updated>2024-01-03T08:00:00Z</updated>
<content type="html">The government declared a state of emergency in Rakhine.</content>
</entry></feed>"""


def _pdf(text: str) -> bytes:
    """A minimal one-page PDF with `text` in Helvetica (written by hand, read by pypdf)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1,
                                                                              xref)
    return bytes(out)


def _count(engine, model=MonitorDocument) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_rss_and_atom_feeds(engine):
    r = store.ingest_feed(engine, RSS, "wire")
    assert r.as_dict()["stored"] == 2 and not r.errors
    r2 = store.ingest_feed(engine, ATOM, "radio")
    assert len(r2.stored) == 1
    with transaction(engine) as s:
        docs = {d.title: d for d in s.scalars(select(MonitorDocument))}
        sudan = docs["Clashes in Darfur"]
        assert sudan.url == "http://example.org/1" and sudan.source_kind == "rss"
        assert sudan.published_at.year == 2024 and sudan.language == "en"
        assert s.get(Country, sudan.country_id).iso3 == "SDN"
        assert sudan.country_method == "mentions"
        tags = [t["indicator"] for p in sudan.passages for t in p.risk_tags]
        assert "RF10.8" in tags
        assert s.get(Country, docs["Curfew declared"].country_id).iso3 == "MMR"


def test_malformed_feed_is_reported_and_nothing_stored(engine):
    r = store.ingest_feed(engine, b"<html><body>not a feed", "broken")
    assert r.errors and "broken" in r.errors[0] and not r.stored
    assert _count(engine) == 0


def test_folder_of_every_kind_with_a_bad_file(engine, tmp_path):
    (tmp_path / "a.txt").write_text("Troops deployed in Kharkiv as Ukrainian officials warned.")
    (tmp_path / "b.html").write_text("<html><head><title>T</title><script>var x;</script></head>"
                                     "<body><p>Rohingya families fled Rakhine.</p></body></html>")
    (tmp_path / "c.pdf").write_bytes(_pdf("Fighting broke out near Goma in North Kivu"))
    (tmp_path / "d.csv").write_text('text,country,published_at\n"first post",KEN,2024-02-01\n'
                                    '"second post",,2024-02-02T10:00:00\n')
    (tmp_path / "e.jsonl").write_text(json.dumps({"text": "jsonl post one"}) + "\n"
                                      + json.dumps({"text": "jsonl post two"}) + "\n")
    # Bad: row 3 has an unparseable time, so none of bad.csv may be stored.
    (tmp_path / "bad.csv").write_text('text,published_at\n"ok row",2024-01-01\n'
                                      '"bad row",yesterday\n')
    (tmp_path / "bad.jsonl").write_text('{"text": "fine"}\n{"text": \n')
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    r = store.ingest_folder(engine, tmp_path)
    assert len(r.stored) == 7, r.errors
    joined = "\n".join(r.errors)
    assert "bad.csv, row 3" in joined and "bad.jsonl, row 2" in joined
    assert "broken.pdf" in joined and "notes.docx" in joined
    with transaction(engine) as s:
        texts = set(s.scalars(select(MonitorDocument.text)))
        assert "ok row" not in texts and "fine" not in texts
        pdf = s.scalar(select(MonitorDocument).where(MonitorDocument.source == "c.pdf"))
        assert "Goma" in pdf.text and s.get(Country, pdf.country_id).iso3 == "COD"
        kenya = s.scalar(select(MonitorDocument).where(MonitorDocument.text == "first post"))
        assert (s.get(Country, kenya.country_id).iso3, kenya.country_method) == ("KEN",
                                                                                "metadata")


def test_exact_and_near_duplicates(engine):
    base = ("Armed men attacked the village of Kutum in North Darfur on Tuesday, killing at "
            "least twelve civilians and burning dozens of homes, local officials said.")
    docs = [ingest.RawDocument(base, "api", "a"),
            ingest.RawDocument(base.replace(" ", "  "), "api", "b"),  # same text, re-spaced
            ingest.RawDocument(base.replace("twelve", "thirteen") + " AFP", "api", "c"),
            ingest.RawDocument("Grain prices were stable in Nairobi.", "api", "d")]
    r = store.store_documents(engine, docs)
    assert len(r.stored) == 3 and r.duplicates == ["b"] and len(r.near_duplicates) == 1
    with transaction(engine) as s:
        near = s.get(MonitorDocument, r.near_duplicates[0])
        assert near.source == "c" and near.near_duplicate_of == r.stored[0]
        assert s.get(MonitorDocument, r.stored[2]).near_duplicate_of is None


def test_document_is_stored_whole_or_not_at_all(engine):
    bad = ingest.RawDocument("x" * 10, "api", "s" * 40)
    bad.country_iso3 = "SDN"
    bad.published_at = "not a datetime"  # fails inside the transaction, after passages exist
    with pytest.raises(Exception):  # noqa: B017 - any DB/type error will do
        store.store_document(engine, bad)
    assert _count(engine) == 0 and _count(engine, MonitorPassage) == 0


@pytest.mark.realdata
def test_scores_are_stored_per_passage(engine, small_model):
    text = ("They are vermin and must be driven out of our country.\n\n"
            "The weather in Kigali was pleasant today.")
    (doc_id,) = store.store_documents(
        engine, [ingest.RawDocument(text, "api", "t")], small_model).stored
    with transaction(engine) as s:
        d = s.get(MonitorDocument, doc_id)
        assert len(d.passages) == 2 and d.model_version == "vtest"
        first = d.passages[0]
        assert 0 <= first.hateful <= 1 and first.dehumanising > 0
        assert d.scores["dehumanising"] == first.dehumanising


@pytest.mark.realdata
def test_gdelt_events_real_sample_and_mentions(engine, raw_dir, tmp_path):
    path = raw_dir / "gdelt" / "gdelt1_events_sample_20160728.tsv"
    r = store.ingest_gdelt_events(engine, path)
    assert not r.errors and len(r.stored) > 50
    with transaction(engine) as s:
        events = s.scalars(select(MonitorEvent)).all()
        assert {e.signal for e in events} >= {"armed_fighting", "repression", "threats"}
        assert all(e.event_code[:2] in {"13", "17", "18", "19", "20"} for e in events)
        assert sum(e.country_id is not None for e in events) > len(events) / 2
        gid = events[0].global_event_id
        before = events[0].num_mentions
    again = store.ingest_gdelt_events(engine, path)  # re-import: all duplicates
    assert not again.stored and len(again.duplicates) == len(r.stored)
    mentions = tmp_path / "mentions.csv"
    mentions.write_text(f"globaleventid,mentionsourcename\n{gid},a.org\n{gid},b.org\n1,c.org\n")
    assert store.ingest_gdelt_mentions(engine, mentions) == {"matched": 1, "unmatched": 1,
                                                             "errors": []}
    with transaction(engine) as s:
        ev = s.scalar(select(MonitorEvent).where(MonitorEvent.global_event_id == gid))
        assert ev.num_mentions == before + 2
    real = store.ingest_gdelt_mentions(engine, raw_dir / "gdelt" / "gdelt2_mentions_sample.csv")
    assert not real["errors"] and real["matched"] + real["unmatched"] > 100


@pytest.mark.realdata
def test_malformed_gdelt_file_rejected_whole(engine, raw_dir, tmp_path):
    bad = tmp_path / "events.tsv"
    shutil.copy(raw_dir / "gdelt" / "gdelt1_events_sample_20160728.tsv", bad)
    with open(bad, "a") as f:
        f.write("123\t20160728\tonly three columns\n")
    r = store.ingest_gdelt_events(engine, bad)
    assert r.errors and "events.tsv, row 711" in r.errors[0]
    assert _count(engine, MonitorEvent) == 0


def test_cameo_mapping_is_longest_prefix():
    assert ingest.signal_for("2021") == "mass_violence"
    assert ingest.signal_for("201") == "expulsion"
    assert ingest.signal_for("1383") == "threats" and ingest.signal_for("010") is None


def test_record_without_text_names_its_row():
    with pytest.raises(DataError, match="posts.csv, row 4"):
        ingest.from_record({"title": "x"}, "folder", "posts.csv", "posts.csv, row 4")


def test_day_of_event_kept(engine, tmp_path):
    cols = [""] * 58
    cols[0], cols[1], cols[26], cols[50] = "42", "20240105", "202", "Juba, Central Equatoria, "\
        "South Sudan"
    (tmp_path / "e.tsv").write_text("\t".join(cols) + "\n")
    assert len(store.ingest_gdelt_events(engine, tmp_path / "e.tsv").stored) == 1
    with transaction(engine) as s:
        ev = s.scalar(select(MonitorEvent))
        assert ev.day == date(2024, 1, 5) and ev.signal == "mass_violence"
        assert s.get(Country, ev.country_id).iso3 == "SSD"
