"""Server-side requests (alert webhooks, evidence captures) never reach internal addresses
after DNS resolution unless an administrator allow-lists them (SSRF)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from forewarn.monitor.notify import send_webhook
from forewarn.security.outbound import ALLOW_ENV, OutboundRefused, check_url


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://localhost:8080/x", "http://[::1]/", "http://10.1.2.3/",
    "http://192.168.0.10/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/",
    "http://[fe80::1]/", "http://100.64.0.1/", "ftp://example.org/", "javascript:alert(1)",
])
def test_internal_and_non_http_targets_are_refused(url, monkeypatch):
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    with pytest.raises(OutboundRefused):
        check_url(url)


def test_allow_list_admits_named_networks(monkeypatch):
    monkeypatch.setenv(ALLOW_ENV, "10.0.0.0/8, localhost")
    assert check_url("http://10.1.2.3/hook") == ["10.1.2.3"]
    assert check_url("http://localhost/hook")
    with pytest.raises(OutboundRefused):
        check_url("http://192.168.0.10/")


@pytest.fixture
def receiver():
    got = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", got
    server.shutdown()
    server.server_close()


def test_webhook_to_loopback_is_not_sent_unless_allowed(receiver, monkeypatch):
    url, got = receiver
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    out = send_webhook(url, {"alert": 1})
    assert out["ok"] is False and "refused" in out["detail"] and got == []
    monkeypatch.setenv(ALLOW_ENV, "127.0.0.1")
    assert send_webhook(url, {"alert": 2})["ok"] and got == [{"alert": 2}]


def test_alert_rule_refuses_an_internal_webhook(engine, monkeypatch):
    from forewarn.monitor.alerts import RuleError, create_rule

    monkeypatch.delenv(ALLOW_ENV, raising=False)
    with pytest.raises(RuleError, match="non-public"):
        create_rule(engine, "r", "incitement", webhook_url="http://169.254.169.254/x")
