"""Each source's chain of custody: an append-only, hash-chained log of every intake, access,
export, transfer and change, and the check that the stored bytes and the chain are intact.

An event's hash covers its content and the previous event's hash; the source row keeps the
head, so removing the last events is detected as well as editing or removing earlier ones.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence.models import CustodyEvent, Source
from forewarn.evidence.storage import BlobStore
from forewarn.security import anchor, sequence

GENESIS = "0" * 64
ACTIONS = ("intake", "duplicate-intake", "access", "export", "transfer", "change", "grade",
           "derive", "link", "cite")


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _normal(detail: dict) -> dict:
    """DETAIL as the JSON column will give it back, so the hash is reproducible."""
    return json.loads(json.dumps(detail or {}, sort_keys=True, default=str))


def event_hash(e: CustodyEvent) -> str:
    fields = {"source_id": e.source_id, "seq": e.seq,
              "at": _utc(e.at).isoformat(timespec="microseconds"), "actor": e.actor,
              "action": e.action, "detail": e.detail, "prev": e.prev_hash}
    blob = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def append(session: Session, source: Source, actor: str, action: str,
           detail: dict | None = None) -> CustodyEvent:
    """Add an event to SOURCE's log (flushed; committed with the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown custody action {action!r}; one of {', '.join(ACTIONS)}")

    def build() -> CustodyEvent:
        last = session.execute(select(CustodyEvent.seq, CustodyEvent.hash)
                               .where(CustodyEvent.source_id == source.id)
                               .order_by(CustodyEvent.seq.desc()).limit(1)).first()
        event = CustodyEvent(source_id=source.id, seq=(last.seq + 1) if last else 1,
                             at=datetime.now(UTC), actor=str(actor)[:120], action=action,
                             detail=_normal(detail or {}),
                             prev_hash=last.hash if last else GENESIS)
        event.hash = event_hash(event)
        event.mac = anchor.mac("custody", event.hash)
        return event

    # The chain's lock is taken inside this transaction before its last event is read.
    event = sequence.allocate(session, CustodyEvent.__tablename__, source.id, build)
    source.custody_head = event.hash
    session.flush()
    return event


def events(session: Session, source_id: int) -> list[CustodyEvent]:
    return list(session.scalars(select(CustodyEvent).where(CustodyEvent.source_id == source_id)
                                .order_by(CustodyEvent.seq, CustodyEvent.id)))


def check_chain(source: Source, log: list[CustodyEvent]) -> str | None:
    """None if SOURCE's custody log is intact, else the first problem found."""
    if not log:
        return "custody log is empty (no intake event)"
    prev, signed = GENESIS, False
    for expected, e in enumerate(log, start=1):
        if e.seq != expected:
            return f"custody event #{expected} is missing (found #{e.seq})"
        if e.prev_hash != prev:
            return f"custody event #{e.seq} does not link to the event before it"
        if event_hash(e) != e.hash:
            return f"custody event #{e.seq} ({e.action}) was altered after it was written"
        if e.mac is None and signed:
            return f"custody event #{e.seq} is unsigned after signed ones (rewritten without " \
                   "the key)"
        if e.mac is not None and not anchor.mac_ok("custody", e.hash, e.mac):
            return f"custody event #{e.seq} ({e.action}): its signature does not match " \
                   "(rewritten by someone without the key)"
        signed = signed or e.mac is not None
        prev = e.hash
    first = log[0]
    if first.action != "intake":
        return f"custody log starts with '{first.action}', not intake"
    if first.detail.get("sha256") != source.sha256 or first.detail.get("size") != source.size:
        return "the registered sha256 or size differs from what was recorded at intake"
    if source.custody_head != prev:
        return "custody log ends before the recorded head (events removed)"
    return None


@dataclass
class Problem:
    source_id: int
    title: str
    reason: str

    def __str__(self) -> str:
        return f"source #{self.source_id} '{self.title}': {self.reason}"


@dataclass
class Report:
    checked: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, store: BlobStore) -> Report:
    """Re-hash every source's stored bytes and check every custody chain. SESSION must be
    able to see every source (the SYSTEM principal)."""
    report = Report()
    for source in session.scalars(select(Source).order_by(Source.id)):
        report.checked += 1
        log = events(session, source.id)
        report.events += len(log)
        for reason in (store.check(source.sha256), check_chain(source, log)):
            if reason:
                report.problems.append(Problem(source.id, source.title, reason))
        if store.writable(source.sha256):
            report.warnings.append(f"source #{source.id}: stored file is no longer read-only")
    return report
