"""Alert notifications by webhook (JSON POST) and e-mail (SMTP).

SMTP settings come from the environment: FOREWARN_SMTP_HOST (required for e-mail),
FOREWARN_SMTP_PORT (25), FOREWARN_SMTP_FROM, FOREWARN_SMTP_USER / FOREWARN_SMTP_PASSWORD
(login when set), FOREWARN_SMTP_STARTTLS (true/false).
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage

from pydantic_settings import BaseSettings, SettingsConfigDict


class SmtpSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FOREWARN_SMTP_", extra="ignore")

    host: str | None = None
    port: int = 25
    sender: str = "forewarn@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_env(cls) -> SmtpSettings:
        import os

        s = cls()
        if os.environ.get("FOREWARN_SMTP_FROM"):
            s.sender = os.environ["FOREWARN_SMTP_FROM"]
        return s


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect could lead into an internal network: not followed


def send_webhook(url: str, payload: dict, timeout: float = 10.0) -> dict:
    """POST PAYLOAD to URL, only if it resolves to public addresses (or allow-listed ones,
    forewarn.security.outbound) now, when it is sent; redirects are not followed."""
    from forewarn.security.outbound import OutboundRefused, check_url

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


def send_email(to: str, subject: str, body: str, smtp: SmtpSettings) -> dict:
    if not smtp.host:
        return {"channel": "email", "to": to, "ok": False,
                "detail": "FOREWARN_SMTP_HOST is not set"}
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = smtp.sender, to, subject
    msg.set_content(body)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as conn:
            if smtp.starttls:
                conn.starttls()
            if smtp.user:
                conn.login(smtp.user, smtp.password or "")
            conn.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        return {"channel": "email", "to": to, "ok": False, "detail": str(exc)[:300]}
    return {"channel": "email", "to": to, "ok": True, "detail": "sent"}
