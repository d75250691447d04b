"""The custody log resists someone with database access but without the key: the database
refuses edits (append-only triggers) and a chain re-hashed with the app's own function no
longer verifies (keyed MACs)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from forewarn.evidence import custody, sources
from forewarn.evidence.models import CustodyEvent, Source
from forewarn.evidence.storage import BlobStore
from forewarn.security import SYSTEM, set_principal
from tests.evidence.conftest import custody_deletable


def test_rehashed_custody_chain_is_detected(module_engine, test_key):
    blobs = BlobStore.for_settings(test_key)
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        src = sources.register_text(s, blobs, "witness statement 7", title="Statement 7",
                                    actor="ana").source
        for who in ("ana", "bob", "cy"):
            sources.read_bytes(s, blobs, src, who)
        s.commit()
        assert custody.check_chain(src, custody.events(s, src.id)) is None
        for tamper in (update(CustodyEvent).values(actor="x"),
                       text("DELETE FROM evidence_custody")):
            with pytest.raises(DBAPIError, match="append-only"):
                s.execute(tamper)
            s.rollback()
        # Hide that bob opened it: rewrite his event and re-hash everything after it.
        with custody_deletable(s.connection()):
            log = custody.events(s, src.id)
            prev = log[1].hash
            for e in log[2:]:
                e.actor = "ana" if e.seq == 3 else e.actor
                e.prev_hash = prev
                e.hash = prev = custody.event_hash(e)
                s.execute(update(CustodyEvent).where(CustodyEvent.id == e.id).values(
                    actor=e.actor, prev_hash=e.prev_hash, hash=e.hash))
            s.execute(update(Source).where(Source.id == src.id).values(custody_head=prev))
            s.expunge_all()
        s.commit()
        fresh = s.scalar(select(Source).where(Source.id == src.id))
        problem = custody.check_chain(fresh, custody.events(s, src.id))
    assert problem is not None and "signature does not match" in problem, problem
