"""URL fields accept only http(s): a javascript: link is refused on input and never rendered."""

from __future__ import annotations

import pytest

from forewarn.data.errors import DataError
from forewarn.monitor.ingest import from_record, parse_feed
from forewarn.security.urls import http_url, safe_href

BAD = ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "data:text/html,<b>x",
       "vbscript:msgbox(1)", "file:///etc/passwd", "http:/no-host"]


@pytest.mark.parametrize("url", BAD)
def test_non_http_urls_are_refused_and_never_linked(url):
    with pytest.raises(ValueError, match="http or https"):
        http_url(url)
    assert safe_href(url) == ""


def test_http_urls_pass():
    assert http_url(" https://example.org/a?b=1 ") == "https://example.org/a?b=1"
    assert safe_href("http://example.org") == "http://example.org" and http_url("") == ""


def test_monitor_documents_refuse_javascript_urls():
    with pytest.raises(DataError, match="url must be an http or https address"):
        from_record({"text": "words", "url": "javascript:alert(1)"}, "api", "api:x", "body")
    ok = from_record({"text": "words", "url": "https://news.example/1"}, "api", "api:x", "b")
    assert ok.url == "https://news.example/1"


def test_feed_links_that_are_not_web_addresses_are_not_kept_as_links():
    from forewarn.monitor import store

    feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item>"
            "<title>x</title><link>javascript:alert(1)</link><description>Some text here"
            "</description></item></channel></rss>")
    (doc,) = parse_feed(feed, "feed:test")
    assert store.safe_href(doc.url) == ""
