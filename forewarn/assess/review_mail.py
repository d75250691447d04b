"""The notice sent when an assessment is submitted for review, by e-mail through the
configured SMTP server (forewarn.mail).

E-mail goes to FOREWARN_REVIEW_EMAIL (comma-separated addresses) through the SMTP settings the
monitor's alerts use (FOREWARN_SMTP_HOST, _PORT, _FROM, _USER, _PASSWORD, _STARTTLS); without
a host no mail is sent and the queue alone tells reviewers."""

from __future__ import annotations

import logging

from forewarn.assess.models import Assessment
from forewarn.mail import send_email
from forewarn.settings import Settings

log = logging.getLogger("forewarn.assess")


def review_recipients() -> list[str]:
    # Read afresh (not the cached settings), like the SMTP settings it goes with.
    return [a.strip() for a in Settings().review_email.split(",") if a.strip()]


def notify_submitted(session, a: Assessment, actor, note: str, smtp=None) -> list[dict]:
    """E-mail every review address that ASSESSMENT waits for review. Never raises: a mail
    server that is down must not undo a submission (the queue still shows it)."""
    smtp = smtp or Settings().smtp  # read afresh, like the review addresses
    if not smtp.host:
        return []
    subject = f"[Forewarn] Assessment for review: {a.country.name}, as of {a.as_of.isoformat()}"
    body = (f"{actor.name} submitted the assessment of {a.country.name} as of "
            f"{a.as_of.isoformat()} (sensitivity {a.sensitivity}) for review.\n\n"
            f"Note: {note.strip() or '(none)'}\n\n"
            f"Open it at /assessments/{a.id}; every waiting assessment is listed at "
            "/assessments/review.\n")
    results = [send_email(to, subject, body, smtp) for to in review_recipients()]
    for r in results:
        if not r["ok"]:
            log.warning("review notice to %s not sent: %s", r["to"], r["detail"])
    return results
