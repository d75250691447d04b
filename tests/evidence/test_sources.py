"""Intake (hashing, storage, de-duplication), grading, working copies, custody chains and
`forewarn evidence verify`, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import re
import stat

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from forewarn.evidence import custody, sources
from forewarn.evidence.models import CustodyEvent, Source

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def test_intake_hashes_the_exact_bytes_and_stores_them_once_read_only(session_as, store):
    s = session_as("analyst", "ana")
    result = sources.register(s, store, PDF, kind="upload", title="Hospital record",
                              actor=s.info["principal"], filename="record.pdf",
                              media_type="application/octet-stream",
                              original_location="field team upload")
    s.commit()
    src = result.source
    assert not result.duplicate
    assert src.sha256 == hashlib.sha256(PDF).hexdigest() and src.size == len(PDF)
    assert src.media_type == "application/pdf"  # from the bytes, not the declared type
    assert src.collector == "ana" and src.custodian == "ana" and src.captured_at is not None
    assert src.copy == "evidentiary" and src.original_location == "field team upload"
    path = store.path_for(src.sha256)
    assert path.read_bytes() == PDF
    assert path.name == src.sha256 and stat.S_IMODE(path.stat().st_mode) == 0o444
    log = custody.events(s, src.id)
    assert [e.action for e in log] == ["intake"]
    assert log[0].detail["sha256"] == src.sha256 and log[0].actor == "ana"


def test_same_bytes_twice_is_one_source_with_both_captures_in_custody(session_as, store):
    s = session_as("analyst", "ana")
    first = sources.register_text(s, store, "Statement of witness W-12", title="W-12",
                                  actor="ana")
    again = sources.register(s, store, b"Statement of witness W-12", kind="upload",
                             title="W-12 (second upload)", actor="bob",
                             original_location="email from partner")
    s.commit()
    assert again.duplicate and again.source.id == first.source.id
    assert s.scalar(select(Source.id).where(Source.sha256 == first.source.sha256)) is not None
    assert len(list(s.scalars(select(Source)))) == 1
    files = [p for p in store.root.rglob("*") if p.is_file()]
    assert len(files) == 1
    log = custody.events(s, first.source.id)
    assert [e.action for e in log] == ["intake", "duplicate-intake"]
    assert log[1].actor == "bob" and log[1].detail["original_location"] == "email from partner"


def test_duplicate_of_a_source_above_clearance_is_not_revealed(session_as, store):
    boss = session_as("system")
    hidden = sources.register_text(boss, store, "confidential", title="Witness identity",
                                   actor="custodian", sensitivity="confidential").source
    boss.commit()
    s = session_as("analyst", "ana")
    again = sources.register_text(s, store, "confidential", title="again", actor="ana")
    s.commit()
    assert again.duplicate and not again.visible
    assert s.get(Source, hidden.id) is None
    assert [e.action for e in custody.events(boss, hidden.id)] == ["intake",
                                                                    "duplicate-intake"]


def test_url_with_supplied_copy_and_grading(session_as, store):
    s = session_as("analyst", "ana")
    src = sources.register_url(s, store, "https://example.org/report", actor="ana",
                               data=b"<html><body>copy</body></html>", title="Report page",
                               reliability="b", credibility="2").source
    assert src.kind == "url" and not src.fetched_by_server
    assert src.media_type == "text/html" and (src.reliability, src.credibility) == ("B", "2")
    with pytest.raises(sources.IntakeError, match="reliability"):
        sources.grade(s, src, "G", "2", "ana")
    with pytest.raises(sources.IntakeError, match="captured copy"):
        sources.register_url(s, store, "https://example.org/x", actor="ana", title="x")
    sources.grade(s, src, "A", "1", "reviewer")
    s.commit()
    assert (src.graded_by, src.reliability, src.credibility) == ("reviewer", "A", "1")
    grade = custody.events(s, src.id)[-1]
    assert grade.action == "grade" and grade.detail["before"]["reliability"] == "B"


def test_access_export_transfer_change_and_working_copy_are_all_in_custody(session_as,
                                                                             store):
    s = session_as("analyst", "ana")
    src = sources.register_text(s, store, "original text", title="Note", actor="ana").source
    assert sources.read_bytes(s, store, src, "ana", "review") == b"original text"
    sources.export(s, store, src, "ana", recipient="Commission of inquiry", purpose="share")
    sources.transfer(s, src, "archive custodian", "ana", "long-term storage")
    sources.update(s, src, "ana", title="Note (renamed)", confidential_notes="phone 555")
    wc = sources.working_copy(s, store, src, "ana", data=b"redacted text", note="redacted")
    s.commit()
    log = custody.events(s, src.id)
    assert [e.action for e in log] == ["intake", "access", "export", "transfer", "change",
                                       "derive"]
    assert log[2].detail["recipient"] == "Commission of inquiry"
    assert src.custodian == "archive custodian"
    assert "555" not in str(log[4].detail)  # confidential values never enter the log
    assert wc.copy == "working" and wc.derived_from_id == src.id and wc.evidentiary_sha is None
    assert store.read(src.sha256) == b"original text"  # the original is untouched
    assert custody.verify(s, store).ok


def test_server_fetch_records_time_and_headers_and_refuses_internal_addresses(session_as,
                                                                             store):
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html><p>Statement published by the ministry</p></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Test", "yes")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/statement"
    s = session_as("analyst", "ana")
    try:
        with pytest.raises(sources.IntakeError, match="non-public address"):
            sources.register_url(s, store, url, fetch=True, actor="ana", title="blocked")
        src = sources.register_url(s, store, url, fetch=True, allow_private=True, actor="ana",
                                   title="Ministry statement").source
    finally:
        server.shutdown()
    s.commit()
    assert src.fetched_by_server and src.http_status == 200 and src.fetched_at is not None
    assert src.http_headers["x-test"] == "yes" and src.media_type == "text/html"
    assert src.captured_at == src.fetched_at
    assert store.read(src.sha256).startswith(b"<html><p>Statement")
    with pytest.raises(sources.IntakeError, match="http"):
        sources.register_url(s, store, "file:///etc/passwd", fetch=True, actor="a", title="x")


def _verify():
    from forewarn.cli import app

    return CliRunner().invoke(app, ["evidence", "verify"])


def test_verify_names_the_source_whose_stored_bytes_changed(session_as, store, cli_env):
    s = session_as("system")
    keep = sources.register_text(s, store, "untouched", title="Control", actor="a").source
    hit = sources.register(s, store, PDF, kind="upload", title="Autopsy report",
                           actor="a").source
    s.commit()
    ok = _verify()
    assert ok.exit_code == 0 and "2 sources" in ok.output, ok.output
    path = store.path_for(hit.sha256)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[10] ^= 0x01  # one byte
    path.write_bytes(bytes(data))
    bad = _verify()
    assert bad.exit_code == 1
    assert f"source #{hit.id} 'Autopsy report'" in bad.output and "changed" in bad.output
    assert f"#{keep.id} " not in bad.output


def test_verify_detects_edited_and_removed_custody_events(session_as, store, cli_env):
    s = session_as("system")
    a = sources.register_text(s, store, "A", title="Source A", actor="a").source
    b = sources.register_text(s, store, "B", title="Source B", actor="a").source
    sources.read_bytes(s, store, b, "a")
    sources.read_bytes(s, store, b, "a")
    s.commit()
    # The database refuses both (append-only triggers) ...
    for tamper in (update(CustodyEvent).values(actor="x"), text("DELETE FROM evidence_custody")):
        with pytest.raises(DBAPIError, match="append-only"):
            s.execute(tamper)
        s.rollback()
    # ... so an intruder with database access lifts them first.
    from tests.evidence.conftest import custody_deletable

    with custody_deletable(s.connection()):
        # Rewrite who accessed A (raw SQL, as an intruder with database access would).
        s.execute(update(CustodyEvent).where(CustodyEvent.source_id == a.id)
                  .values(actor="someone else"))
        # Drop B's last access: the chain still links, but ends before the recorded head.
        last = max(e.id for e in custody.events(s, b.id))
        s.execute(text("DELETE FROM evidence_custody WHERE id = :i"), {"i": last})
    s.commit()
    out = _verify()
    assert out.exit_code == 1
    assert f"source #{a.id} 'Source A': custody event #1 (intake) was altered" in out.output
    assert f"source #{b.id} 'Source B': custody log ends before the recorded head" in out.output


def test_cli_add_and_custody(cli_env, tmp_path):
    from forewarn.cli import app

    f = tmp_path / "photo.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    r = CliRunner().invoke(app, ["evidence", "add", str(f), "--by", "fieldworker",
                                 "--reliability", "C", "--credibility", "3"])
    assert r.exit_code == 0 and "registered" in r.output and "image/png" in r.output
    sid = re.search(r"Source #(\d+)", r.output).group(1)  # sequences differ per backend
    r = CliRunner().invoke(app, ["evidence", "add", str(f)])
    assert f"Source #{sid} already registered" in r.output
    r = CliRunner().invoke(app, ["evidence", "custody", sid])
    assert "duplicate-intake" in r.output and "chain intact" in r.output
