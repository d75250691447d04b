"""Outgoing e-mail through the configured SMTP server, shared by every capability that sends
mail (monitor's alerts, assess's review notices).

SMTP settings are `settings.smtp` (forewarn.settings.SmtpSettings: FOREWARN_SMTP_HOST, _PORT,
_FROM, _USER, _PASSWORD, _STARTTLS; docs/settings.md). Without a host nothing is sent.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from forewarn.settings import SmtpSettings

__all__ = ["SmtpSettings", "send_email"]


def send_email(to: str, subject: str, body: str, smtp: SmtpSettings) -> dict:
    """Send one plain-text message; never raises: the result says whether it went out."""
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
