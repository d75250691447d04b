"""Alert notifications by webhook (JSON POST) and e-mail (SMTP, through forewarn.mail).

SMTP settings are `settings.smtp` (forewarn.settings.SmtpSettings: FOREWARN_SMTP_HOST, _PORT,
_FROM, _USER, _PASSWORD, _STARTTLS; docs/settings.md).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from forewarn.mail import send_email  # the one SMTP sender, shared with assess's review notices
from forewarn.security.outbound import OutboundRefused, check_url
from forewarn.settings import SmtpSettings

__all__ = ["SmtpSettings", "send_email", "send_webhook"]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect could lead into an internal network: not followed


def send_webhook(url: str, payload: dict, timeout: float = 10.0) -> dict:
    """POST PAYLOAD to URL, only if it resolves to public addresses (or allow-listed ones,
    forewarn.security.outbound) now, when it is sent; redirects are not followed."""
    try:
        check_url(url)
    except OutboundRefused as exc:
        return {"channel": "webhook", "to": url, "ok": False, "detail": f"refused: {exc}"}
    req = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json",
                                          "User-Agent": "forewarn-monitor"})
    try:
        opener = urllib.request.build_opener(_NoRedirects)
        with opener.open(req, timeout=timeout) as r:
            status = r.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        return {"channel": "webhook", "to": url, "ok": False, "detail": str(exc)[:300]}
    return {"channel": "webhook", "to": url, "ok": 200 <= status < 300,
            "detail": f"HTTP {status}"}
