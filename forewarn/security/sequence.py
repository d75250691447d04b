"""Appending to a hash chain (the audit log, a source's custody log) without collisions.

Each entry's seq and prev_hash come from the chain's last entry, so two transactions that read
the same last entry would both claim the next seq and one would fail (a 500 under parallel
reads that log their access). `lock_chain` takes the chain's write lock inside the caller's
transaction before the last entry is read: PostgreSQL through a transaction-scoped advisory
lock per chain, SQLite by starting the write transaction at once (pysqlite runs plain SELECTs
outside any transaction until the first write, and SQLite has one writer at a time). The lock
is released when the caller commits or rolls back. `allocate` adds the retry on a unique
conflict that remains possible if some writer bypassed the lock.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

RETRIES = 5


def _lock_id(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def lock_chain(session: Session, table: str, chain: int = 0) -> None:
    """Hold TABLE's chain CHAIN (e.g. one source's custody) for this transaction."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                        {"a": _lock_id(table), "b": int(chain) & 0x7FFFFFFF})
    elif dialect == "sqlite":
        # A write that touches no row: SQLite's write lock now (waiting up to the busy
        # timeout), so the SELECT that follows sees the latest committed entry. Row triggers
        # (append-only) do not fire since no row matches.
        session.execute(text(f"DELETE FROM {table} WHERE 1 = 0"))


def allocate(session: Session, table: str, chain: int, build: Callable[[], object]):
    """Lock the chain, then add the entry BUILD makes (it reads the last entry itself) and
    flush; on a unique conflict retry in a savepoint (PostgreSQL) a few times."""
    lock_chain(session, table, chain)
    if session.get_bind().dialect.name != "postgresql":
        entry = build()
        session.add(entry)
        session.flush()
        return entry
    for attempt in range(RETRIES):
        try:
            with session.begin_nested():
                entry = build()
                session.add(entry)
            return entry
        except (IntegrityError, OperationalError):
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")
