"""Signals, alert rules, delivery by a real local webhook server and a real aiosmtpd server
process, and the inbox."""

from __future__ import annotations

import hashlib
import itertools
import json
import mailbox
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from forewarn.monitor import alerts, signals, store
from forewarn.monitor.models import MonitorDocument, MonitorSignal
from forewarn.monitor.notify import SmtpSettings
from forewarn.store.db import transaction

DAY = date(2024, 3, 31)
_serial = itertools.count()


@pytest.fixture(autouse=True)
def local_receivers(monkeypatch):
    """The receivers here listen on loopback, which an administrator must allow-list
    (forewarn.security.outbound refuses internal addresses otherwise)."""
    monkeypatch.setenv("FOREWARN_OUTBOUND_ALLOW", "127.0.0.1")


@pytest.fixture
def webhook():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "json": json.loads(body),
                             "type": self.headers["Content-Type"]})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(tmp_path):
    """aiosmtpd in its own process, delivering into a Maildir."""
    port, maildir = _free_port(), tmp_path / "Maildir"
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"aiosmtpd did not start: {proc.stderr.read().decode()[:300]}")
    yield SmtpSettings(host="127.0.0.1", port=port, sender="alerts@forewarn.test"), maildir
    proc.terminate()
    proc.wait(10)


def _documents(engine, per_day: dict[date, int], iso3="SDN", incitement=0.9):
    """Documents already scored (the classifier is tested elsewhere): n per day."""
    with transaction(engine) as s:
        cid = store.country_id(s, iso3)
        for day, n in per_day.items():
            for k in range(n):
                s.add(MonitorDocument(
                    sha256=hashlib.sha256(str(next(_serial)).encode()).hexdigest(),
                    source_kind="api",
                    source="test", text=f"doc {k}", language="en",
                    published_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                    country_id=cid, scores={"incitement": incitement, "hateful": 0.2,
                                            "offensive": None, "dehumanising": 0.0}))
    return cid


def test_signals_count_and_rate_per_country_day(engine):
    cid = _documents(engine, {DAY: 3})
    _documents(engine, {DAY: 1}, incitement=0.1)
    n = signals.compute(engine, DAY, DAY)
    assert n == 1  # only incitement reached 0.5
    with transaction(engine) as s:
        (row,) = s.query(MonitorSignal).all()
        assert (row.country_id, row.day, row.signal, row.count, row.total) == (
            cid, DAY, "incitement", 3, 4)
        assert row.rate == 0.75


def test_spike_rule_alerts_once_and_delivers_by_webhook_and_smtp(engine, webhook,
                                                                 smtp_server):
    url, received = webhook
    smtp, maildir = smtp_server
    history = {DAY - timedelta(d): (1 if d % 3 else 2) for d in range(1, 40)}
    _documents(engine, history | {DAY: 12})
    _documents(engine, {DAY - timedelta(d): 1 for d in range(0, 40)}, iso3="KEN")
    signals.compute(engine, DAY - timedelta(45), DAY)
    rule = alerts.create_rule(engine, "Incitement surge", "incitement", ["SDN", "KEN"],
                              mode="spike", threshold=0.01, min_count=3, webhook_url=url,
                              email_to="analyst@forewarn.test")
    created = alerts.evaluate(engine, DAY, smtp)
    assert len(created) == 1
    (alert,) = alerts.inbox(engine)
    assert (alert.rule_id, alert.signal, alert.count) == (rule, "incitement", 12)
    assert alert.p_value < 0.01 and 1 < alert.expected < 2
    assert [d["ok"] for d in alert.deliveries] == [True, True], alert.deliveries
    assert received[0]["path"] == "/hook" and received[0]["type"] == "application/json"
    assert received[0]["json"]["country"] == "SDN" and received[0]["json"]["count"] == 12
    msgs = list(mailbox.Maildir(maildir))
    assert len(msgs) == 1 and msgs[0]["To"] == "analyst@forewarn.test"
    assert "incitement in SDN" in msgs[0]["Subject"]
    assert alerts.evaluate(engine, DAY, smtp) == []  # once per rule, country and day


def test_threshold_rule_and_failed_delivery_is_recorded(engine):
    _documents(engine, {DAY: 4}, iso3="MMR")
    signals.compute(engine, DAY, DAY)
    alerts.create_rule(engine, "Any incitement", "incitement", mode="threshold", threshold=4,
                       min_count=1, webhook_url=f"http://127.0.0.1:{_free_port()}/gone")
    (alert_id,) = alerts.evaluate(engine, DAY, SmtpSettings(host=None))
    (alert,) = alerts.inbox(engine)
    assert alert.id == alert_id and alert.deliveries[0]["ok"] is False


def test_inbox_acknowledge_and_dismiss(engine):
    _documents(engine, {DAY: 5}, iso3="MMR")
    _documents(engine, {DAY: 5}, iso3="ETH")
    signals.compute(engine, DAY, DAY)
    alerts.create_rule(engine, "r", "incitement", mode="threshold", threshold=5)
    a, b = alerts.evaluate(engine, DAY, SmtpSettings(host=None))
    alerts.acknowledge(engine, a, by="ana")
    alerts.dismiss(engine, b, by="ben")
    assert alerts.inbox(engine) == []
    (acked,) = alerts.inbox(engine, "acknowledged")
    assert acked.id == a and acked.acted_by == "ana" and acked.acted_at is not None
    assert [x.id for x in alerts.inbox(engine, "dismissed")] == [b]
    with pytest.raises(LookupError):
        alerts.acknowledge(engine, 9999)


def test_rule_validation(engine):
    with pytest.raises(alerts.RuleError, match="unknown country"):
        alerts.create_rule(engine, "x", "hateful", ["XXX"])
    with pytest.raises(alerts.RuleError, match="p-value"):
        alerts.create_rule(engine, "x", "hateful", mode="spike", threshold=3)
    with pytest.raises(alerts.RuleError, match="mode"):
        alerts.create_rule(engine, "x", "hateful", mode="sometimes")


def test_feeds_are_polled_on_schedule_from_a_real_local_server(engine):
    from forewarn.monitor import feeds
    from tests.monitor.test_ingest_store import RSS

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = RSS.encode() if self.path == "/rss" else b"<html>nope"
            self.send_response(200 if self.path == "/rss" else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        feeds.add_feed(engine, f"{base}/rss", "wire", interval_minutes=30)
        feeds.add_feed(engine, f"{base}/missing", "gone", interval_minutes=30)
        t0 = datetime(2024, 1, 2, 12, tzinfo=UTC)
        reports = feeds.poll(engine, now=t0)
        assert len(reports[f"{base}/rss"].stored) == 2
        assert "404" in reports[f"{base}/missing"].errors[0]
        assert feeds.poll(engine, now=t0 + timedelta(minutes=10)) == {}  # not due yet
        again = feeds.poll(engine, now=t0 + timedelta(minutes=31))
        assert len(again[f"{base}/rss"].duplicates) == 2  # same items: exact duplicates
    finally:
        server.shutdown()
        server.server_close()
