"""The append-only, hash-chained audit log: `record` for every create/edit/publish/export/
delete, `verify` to find the first entry that was tampered with."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from forewarn.security import anchor, sequence
from forewarn.security.crypto import encrypted_attributes
from forewarn.security.models import AuditEntry
from forewarn.security.principal import Principal
from forewarn.security.sensitivity import principal_of

GENESIS = "0" * 64


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _normal(value):
    """The JSON value as the database will give it back, so the hash is reproducible."""
    if value is None:
        return None
    if hasattr(value, "__mapper__"):
        value = snapshot(value)
    return json.loads(json.dumps(value, default=_plain, sort_keys=True))


def snapshot(obj) -> dict:
    """A model instance's column values for before/after; confidential (encrypted) fields are
    not copied into the log, only whether they changed can be seen."""
    secret = set(encrypted_attributes(type(obj)))
    out = {}
    for attr in inspect(obj).mapper.column_attrs:
        value = obj.__dict__.get(attr.key)
        if attr.key in secret:
            value = None if value is None else "[encrypted:" + hashlib.sha256(
                str(value).encode()).hexdigest()[:12] + "]"
        out[attr.key] = value
    return _normal(out)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def entry_hash(e: AuditEntry) -> str:
    fields = {"seq": e.seq, "at": _utc(e.at).isoformat(timespec="microseconds"),
              "actor": e.actor, "actor_id": e.actor_id, "action": e.action,
              "target_type": e.target_type, "target_id": e.target_id, "before": e.before,
              "after": e.after, "note": e.note or "", "prev": e.prev_hash}
    blob = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def record(session: Session, actor: Principal | str | None, action: str, target_type: str,
           target_id=None, before=None, after=None, note: str = "") -> AuditEntry:
    """Append an entry (flushed, committed with the caller's transaction). ACTOR defaults to
    the session's principal; BEFORE/AFTER are dicts or model instances (snapshotted)."""
    if actor is None:
        actor = principal_of(session)
    name, actor_id = ((actor.username, actor.user_id) if isinstance(actor, Principal)
                      else (str(actor), None))

    def build() -> AuditEntry:
        last = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                               .order_by(AuditEntry.seq.desc()).limit(1)).first()
        entry = AuditEntry(seq=(last.seq + 1) if last else 1,
                           at=datetime.now(UTC),
                           actor=name[:80], actor_id=actor_id, action=action[:60],
                           target_type=target_type[:60],
                           target_id=None if target_id is None else str(target_id)[:80],
                           before=_normal(before), after=_normal(after), note=note,
                           prev_hash=last.hash if last else GENESIS)
        entry.hash = entry_hash(entry)
        entry.mac = anchor.mac("audit", entry.hash)
        return entry

    entry = sequence.allocate(session, AuditEntry.__tablename__, 0, build)
    anchor.note_head(session, entry.seq, entry.hash)
    return entry


@dataclass
class Verdict:
    ok: bool
    entries: int
    head: str
    bad_seq: int | None = None
    bad_id: int | None = None
    reason: str = ""
    signed: int = 0
    checkpoint: dict | None = None

    def __str__(self) -> str:
        if not self.ok:
            where = f" at entry #{self.bad_seq} (id {self.bad_id})" if self.bad_seq else ""
            return f"audit log TAMPERED{where}: {self.reason}"
        out = f"audit log intact: {self.entries} entries, head {self.head}"
        if self.entries:
            out += f"; {self.signed} signed with the key kept outside the database"
        if self.checkpoint:
            out += (f"; checkpoint #{self.checkpoint['seq']} {self.checkpoint['hash']} "
                    f"({self.checkpoint['at']}) matches")
        return out


def verify(session: Session, checkpoint: dict | None = None) -> Verdict:
    """Walk the chain from the first entry; stop at the first entry that does not check out.
    Each entry's MAC must match under the key (entries written before MACs existed may lack
    one, but none may follow a signed entry), and the chain must reach the signed checkpoint
    (CHECKPOINT, else the one in the data directory): so a rewrite by anyone without the key,
    and the removal of the last entries, are found."""
    cp = checkpoint if checkpoint is not None else anchor.read_checkpoint(session)
    if cp is not None and not anchor.head_ok(cp):
        return Verdict(False, 0, GENESIS, reason="the checkpoint's signature does not match "
                       "(altered, or written with another key)")
    prev, expected_seq, count, signed, reached = GENESIS, 1, 0, 0, cp is None
    for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq, AuditEntry.id)):
        count += 1
        reason = ""
        if e.seq != expected_seq:
            reason = (f"sequence jumps from {expected_seq - 1} to {e.seq} (entries removed)"
                      if e.seq > expected_seq else f"sequence number {e.seq} repeated")
        elif e.prev_hash != prev:
            reason = "does not link to the previous entry (an entry before it was removed or "\
                     "replaced)"
        elif entry_hash(e) != e.hash:
            reason = "its content no longer matches its hash (edited after it was written)"
        elif e.mac is None and signed:
            reason = "unsigned entry after signed ones (written or rewritten without the key)"
        elif e.mac is not None and not anchor.mac_ok("audit", e.hash, e.mac):
            reason = "its signature does not match (rewritten by someone without the key)"
        elif cp is not None and e.seq == int(cp["seq"]):
            if e.hash != cp["hash"]:
                reason = "differs from the signed checkpoint (the log was rewritten)"
            reached = True
        if reason:
            return Verdict(False, count, prev, e.seq, e.id, reason, signed, cp)
        signed += e.mac is not None
        prev, expected_seq = e.hash, expected_seq + 1
    if not reached:
        return Verdict(False, count, prev, reason=f"the log ends at entry #{expected_seq - 1} "
                       f"but the signed checkpoint is at #{cp['seq']} (entries removed from "
                       f"the end)", signed=signed, checkpoint=cp)
    return Verdict(True, count, prev, signed=signed, checkpoint=cp)


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted
                                            or session.is_modified(obj)):
            raise PermissionError("the audit log is append-only")
