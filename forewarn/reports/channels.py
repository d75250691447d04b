"""Intake channels: ways a report reaches Forewarn other than the web form and the API.

A channel turns what it receives into an `InboundMessage` (text, sender, attachments) and
hands it to `Intake.accept`, which applies the same rules as the public form: a rate limit
per sender, spam rules, the upload limits and types, originals kept as evidence, working
copies stripped of EXIF/GPS, the report stored `restricted` and audited. A channel only
decides how a message reads as a report (`Channel.to_report`).

E-mail is the first channel (forewarn.reports.email_intake: Forewarn's own SMTP endpoint,
`forewarn reports smtp-intake`). To add an SMS gateway: write a `Channel` subclass whose
`name` is e.g. "sms" (add it to `models.CHANNELS`), turn the gateway's webhook payload into an
`InboundMessage` in a route that depends on `rate_limit(...)` and checks the gateway's
signature, and call `Intake(...).accept(message, channel)`; see docs/reports.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import sessionmaker

from forewarn.reports import challenge
from forewarn.reports.config import ReportSettings
from forewarn.reports.media import UploadRejected
from forewarn.reports.schemas import ReportIn
from forewarn.reports.submit import Upload, prepare, store
from forewarn.security import SYSTEM, set_principal
from forewarn.security.crypto import derive
from forewarn.security.deps import LIMITERS, TokenBucket

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    sender: str  # an address or number; stored only as the (encrypted) contact
    text: str
    subject: str = ""
    attachments: list[Upload] = field(default_factory=list)
    language: str = "en"
    message_id: str = ""  # the channel's own id, so a redelivery is not a second report
    spam_flagged: bool = False  # an upstream filter (e.g. X-Spam-Flag: YES) says spam
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class Refused(Exception):
    """A message not taken in. TEMPORARY: the sender may try again later (rate limit)."""

    def __init__(self, reason: str, temporary: bool = False, kind: str = "refused"):
        super().__init__(reason)
        self.reason, self.temporary, self.kind = reason, temporary, kind


class Channel:
    """How one kind of message becomes a report. Subclasses set NAME and may override
    `to_report` (e.g. to read structured fields)."""

    name = "channel"

    def to_report(self, message: InboundMessage) -> ReportIn:
        text = message.text.strip()
        if len(text) < 10 and message.subject:
            text = f"{message.subject.strip()}\n\n{text}".strip()
        return ReportIn(what=text[:10000] or "(no text)", place=message.subject[:200] or "",
                        contact=message.sender[:300], contact_consent=False,
                        language=message.language)


@dataclass
class Intake:
    """Takes messages in for one deployment: SESSIONS to its database, DATA_DIR for files."""

    sessions: sessionmaker
    data_dir: object
    limits: ReportSettings
    max_links: int = 5
    replay_days: int = 30

    def _bucket(self, channel: str) -> TokenBucket:
        name = f"reports-{channel}"
        if name not in LIMITERS:
            LIMITERS[name] = TokenBucket(
                self.limits.rate_limit * 60 / self.limits.rate_window_seconds,
                burst=self.limits.rate_limit, name=name)
        return LIMITERS[name]

    @staticmethod
    def _key(value: str) -> str:
        # Senders are rate-limited by a keyed hash: the address itself is never kept here.
        return hashlib.blake2b(value.strip().lower().encode(), key=derive("reports-intake"),
                               digest_size=16).hexdigest()

    def check_spam(self, message: InboundMessage) -> None:
        if message.spam_flagged:
            raise Refused("marked as spam by the mail filter", kind="spam")
        if len(_LINK.findall(message.text + " " + message.subject)) > self.max_links:
            raise Refused(f"more than {self.max_links} links: looks like spam", kind="spam")
        if len(message.text.strip()) + len(message.subject.strip()) < 10 and \
                not message.attachments:
            raise Refused("no description and no attachment", kind="empty")

    def accept(self, message: InboundMessage, channel: Channel) -> str:
        """Store MESSAGE as a report; returns its reference or raises Refused."""
        # Held in the database (as the web's rate limits): every intake process and worker
        # shares one bucket per sender, and a restart does not reset it.
        wait = self._bucket(channel.name).take(self._key(message.sender or "unknown"),
                                               self.sessions)
        if wait:
            raise Refused(f"too many reports from this sender; try again in {int(wait) + 1} s",
                          temporary=True, kind="rate")
        self.check_spam(message)
        try:
            report_in = channel.to_report(message)
        except ValueError as exc:
            raise Refused(f"cannot read the message as a report: {exc}", kind="invalid") from None

        try:
            prepared = prepare(message.attachments, self.limits)
        except UploadRejected as exc:
            raise Refused(str(exc), kind="attachment") from None
        with self.sessions() as session, session.begin():
            set_principal(session, SYSTEM)
            if message.message_id:
                nonce = "mid:" + hashlib.sha256(message.message_id.encode()).hexdigest()[:36]
                until = int((datetime.now(UTC) + timedelta(days=self.replay_days)).timestamp())
                try:
                    challenge.spend(session, nonce, until)
                except challenge.ChallengeFailed:
                    raise Refused("this message was already received", kind="replay") from None
            report = store(session, self.data_dir, report_in, prepared,
                           actor=f"public ({channel.name})", channel=channel.name)
            return report.reference
