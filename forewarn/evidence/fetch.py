"""The server fetching a URL for the register: the exact bytes, the time and the HTTP headers.

Only http(s), at most MAX_BYTES, and by default never an address inside the server's own
networks (loopback, private, link-local): a register that fetched whatever URL it was given
could be used to read internal services. Redirects are checked the same way.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

from forewarn.data.errors import FetchError
from forewarn.security.outbound import OutboundRefused, check_url

MAX_BYTES = 50 * 1024 * 1024
TIMEOUT = 20
USER_AGENT = "Forewarn evidence register (archival capture)"
KEEP_HEADERS = 60


@dataclass
class FetchResult:
    url: str                 # the final URL after redirects
    status: int
    headers: dict[str, str]
    data: bytes
    fetched_at: datetime
    media_type: str | None


def _check_host(url: str, allow_private: bool) -> None:
    """forewarn.security.outbound: http(s) only, public addresses after DNS resolution."""

    try:
        check_url(url, allow_private)
    except OutboundRefused as exc:
        raise FetchError(str(exc)) from None


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_host(newurl, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(url: str, allow_private: bool = False, timeout: float = TIMEOUT) -> FetchResult:
    url = (url or "").strip()
    _check_host(url, allow_private)
    opener = urllib.request.build_opener(_CheckedRedirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    fetched_at = datetime.now(UTC)
    try:
        with opener.open(request, timeout=timeout) as resp:
            data = resp.read(MAX_BYTES + 1)
            status, final = resp.status, resp.geturl()
            headers = {k.lower(): v for k, v in list(resp.headers.items())[:KEEP_HEADERS]}
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: the server answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"{url}: could not fetch ({getattr(exc, 'reason', exc)})") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"{url}: larger than {MAX_BYTES} bytes")
    ctype = headers.get("content-type")
    return FetchResult(final, status, headers, data, fetched_at,
                       ctype.split(";")[0].strip()[:120] if ctype else None)
