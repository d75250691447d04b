"""What makes the hash chains tamper-evident against someone who can write to the database:
a key and a checkpoint kept outside it.

- Each audit entry and custody event carries `mac` = HMAC-SHA256 of its hash under a subkey of
  the application's secret (FOREWARN_SECRET_KEY or `<data dir>/secret.key`, never in the
  database). Re-hashing a rewritten chain with the app's own function leaves the MACs wrong.
- After every commit that appended to the audit log, the signed head (seq, hash, HMAC) is
  written to `<data dir>/audit/checkpoint-<database>.json` (one per database URL, since
  several databases may share a data directory). Deleting the last entries (truncation) leaves
  the database behind its checkpoint. `forewarn audit checkpoint` prints it, so an external
  witness (another machine, a notary, an e-mail) can keep a copy to verify against later.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from forewarn.security import crypto

CHECKPOINT_DIR = "audit"


def mac(chain: str, value: str) -> str:
    """The keyed MAC of VALUE (an entry's hash) for CHAIN ('audit' or 'custody')."""
    return hmac.new(crypto.derive(f"chain-mac:{chain}"), value.encode(),
                    hashlib.sha256).hexdigest()


def mac_ok(chain: str, value: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(mac(chain, value), given)


def database_id(session: Session) -> str:
    url = session.get_bind().url.render_as_string(hide_password=True)
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def checkpoint_path(database: str) -> Path:
    return Path(crypto._settings().data_dir) / CHECKPOINT_DIR / f"checkpoint-{database}.json"


def signed_head(seq: int, head: str) -> dict:
    return {"seq": seq, "hash": head, "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "mac": mac("checkpoint", f"{seq}:{head}")}


def head_ok(cp: dict) -> bool:
    try:
        return mac_ok("checkpoint", f"{int(cp['seq'])}:{cp['hash']}", cp.get("mac"))
    except (KeyError, TypeError, ValueError):
        return False


def read_checkpoint(session: Session) -> dict | None:
    """The signed checkpoint of SESSION's database in the data directory, if any."""
    path = checkpoint_path(database_id(session))
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_checkpoint(database: str, seq: int, head: str) -> None:
    """Advance DATABASE's checkpoint to (SEQ, HEAD) unless it is already further (several
    workers commit in any order: a file lock and the seq comparison keep the newest)."""
    path = checkpoint_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = None
        try:
            current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        except (OSError, ValueError):
            pass
        if current and head_ok(current) and int(current["seq"]) >= seq:
            return
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(signed_head(seq, head), indent=1), encoding="utf-8")
        os.replace(tmp, path)


def note_head(session: Session, seq: int, head: str) -> None:
    """Remember the audit head this transaction wrote; the checkpoint follows its commit."""
    session.info["audit_head"] = (database_id(session), seq, head)


@event.listens_for(Session, "after_commit")
def _checkpoint_after_commit(session: Session) -> None:
    head = session.info.pop("audit_head", None)
    if head is not None:
        try:
            write_checkpoint(*head)
        except OSError:  # a read-only data dir must not fail the request that committed
            pass


@event.listens_for(Session, "after_rollback")
def _forget_head(session: Session) -> None:
    session.info.pop("audit_head", None)
