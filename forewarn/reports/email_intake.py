"""E-mail intake: Forewarn's own SMTP endpoint (`forewarn reports smtp-intake`) turns each
message sent to it into a report, with its attachments, under the same rules as the web form
(forewarn.reports.channels.Intake).

Point an MX record (or a forwarding rule of an existing mailbox) at it. The reply is given in
the SMTP conversation itself, so nothing is ever sent back to a possibly watched address:
`250` with the report's reference, `450` when the sender is over the rate limit (mail
servers retry later), `550`/`552`/`554` for spam, oversize or refused attachments. A message
is read as: subject = the place unless a `Place:` line says otherwise; lines such as
`Country: SDN`, `Date: 2026-03-01`, `When: last night`, `Latitude: 13.6` fill those fields
(labels in English, French, Spanish and Arabic: data/email_fields.yaml); the rest of the text
is the description. The sender's address is kept only as the encrypted contact, visible to
administrators (no consent was given), and purged with the other contacts.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import html
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml
from aiosmtpd.controller import Controller

from forewarn.reports.channels import Channel, InboundMessage, Intake, Refused
from forewarn.reports.schemas import ReportIn
from forewarn.reports.submit import Upload

REPLY_CODES = {"rate": "450 4.7.1", "spam": "550 5.7.1", "replay": "250 2.0.0",
               "attachment": "554 5.6.1", "empty": "550 5.6.0", "invalid": "550 5.6.0"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


@lru_cache
def field_labels() -> dict[str, str]:
    raw = yaml.safe_load((resources.files("forewarn.reports") / "data" /
                          "email_fields.yaml").read_text("utf-8"))
    return {_fold(label): name for name, labels in raw.items() for label in labels}


def parse(raw: bytes, sender: str = "") -> InboundMessage:
    """An e-mail (RFC 5322 bytes) as an InboundMessage: the plain text (or HTML without its
    tags), every attachment or inline image, and the headers the rules need."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    if body is not None and body.get_content_type() == "text/html":
        text = re.sub(r"(?i)<(br|/p|/div|/li|/tr|/h\d)\b[^>]*>", "\n", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    attachments = []
    for part in msg.walk():
        if part is body or part.is_multipart():
            continue
        if part.get_content_disposition() in ("attachment", "inline") or \
                part.get_content_maintype() in ("image", "audio", "video", "application"):
            data = part.get_payload(decode=True) or b""
            attachments.append(Upload(part.get_filename() or "attachment", data))
    language = (msg.get("Content-Language") or "en").split(",")[0].strip()[:8] or "en"
    return InboundMessage(
        channel="email", sender=sender or str(msg.get("From") or ""), text=text,
        subject=str(msg.get("Subject") or ""), attachments=attachments, language=language,
        message_id=str(msg.get("Message-ID") or ""),
        spam_flagged=str(msg.get("X-Spam-Flag") or "").strip().upper() == "YES")


class EmailChannel(Channel):
    name = "email"

    def to_report(self, message: InboundMessage) -> ReportIn:
        labels = field_labels()
        fields: dict[str, str] = {}
        rest = []
        for line in message.text.splitlines():
            label, sep, value = line.partition(":")
            name = labels.get(_fold(label)) if sep and len(label) <= 30 else None
            if name and value.strip() and name not in fields:
                fields[name] = value.strip()
            elif not line.startswith(">"):  # quoted replies are not the reporter's words
                rest.append(line)
        what = "\n".join(rest).split("\n-- \n")[0].strip()  # drop the signature
        if len(what) < 10 and message.subject:
            what = f"{message.subject.strip()}. {what}".strip()
        fields.setdefault("place", message.subject.strip()[:200])
        return ReportIn.model_validate({
            "what": what[:10000], **fields, "contact": message.sender[:300],
            "contact_consent": False, "language": message.language})


class SmtpHandler:
    """aiosmtpd handler: every accepted message is taken in through INTAKE."""

    def __init__(self, intake: Intake, recipients: tuple[str, ...] = ()):
        self.intake, self.channel = intake, EmailChannel()
        self.recipients = tuple(r.lower() for r in recipients)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.recipients and address.lower() not in self.recipients:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = parse(envelope.original_content or envelope.content,
                        sender=envelope.mail_from or "")
        try:
            reference = await asyncio.get_running_loop().run_in_executor(
                None, self.intake.accept, message, self.channel)
        except Refused as exc:
            if exc.kind == "replay":
                return "250 2.0.0 Already received"
            return f"{REPLY_CODES.get(exc.kind, '550 5.7.1')} {exc.reason}"[:500]
        return f"250 2.0.0 Report {reference} received"


def controller(intake: Intake, host: str, port: int, recipients: tuple[str, ...] = ()):
    """An aiosmtpd Controller (a thread) serving the intake on HOST:PORT."""

    # Attachments travel base64-encoded (4/3 of their size) plus headers and the text.
    size = intake.limits.max_total_bytes * 4 // 3 + 1024 * 1024
    return Controller(SmtpHandler(intake, recipients), hostname=host, port=port,
                      data_size_limit=size, server_hostname="forewarn-intake")
