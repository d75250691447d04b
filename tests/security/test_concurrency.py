"""Reads that log themselves (custody access, export audit entries) from parallel clients on a
real server never collide: every request answers 200, on SQLite and on PostgreSQL, and both
chains stay intact with one entry per request."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forewarn.evidence import custody
from forewarn.evidence.models import CustodyEvent
from forewarn.evidence.sources import register_text
from forewarn.evidence.storage import BlobStore
from forewarn.security import SYSTEM, set_principal
from forewarn.security import audit as audit_log
from forewarn.security.models import AuditEntry
from tests.accounts import bearer_tokens
from tests.live import serve

CLIENTS, EACH = 8, 5


def _hammer(base: str, headers: dict, path: str) -> list[int]:
    def one(_):
        with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
            return [c.get(path).status_code for _ in range(EACH)]

    with ThreadPoolExecutor(CLIENTS) as pool:
        return [code for codes in pool.map(one, range(CLIENTS)) for code in codes]


def test_parallel_logged_reads_never_collide(module_engine, app_for):
    app = app_for(module_engine)
    store = BlobStore.for_settings(app.state.settings)
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        headers = bearer_tokens(s, ["admin"])["admin"]
        source = register_text(s, store, "parallel readers", title="concurrency probe",
                               actor="test", sensitivity="internal").source
        s.commit()
        sid = source.id
        audit_before = s.scalar(select(func.count()).select_from(AuditEntry))
    with serve(app) as base:
        content = _hammer(base, headers, f"/api/evidence/sources/{sid}/content")
        exports = _hammer(base, headers, "/api/assessments/export?format=json")
    assert content == [200] * CLIENTS * EACH
    assert exports == [200] * CLIENTS * EACH
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        accesses = s.scalar(select(func.count()).select_from(CustodyEvent).where(
            CustodyEvent.source_id == sid, CustodyEvent.action == "access"))
        assert accesses == CLIENTS * EACH
        report = custody.verify(s, store)
        assert report.ok, [str(p) for p in report.problems]
        verdict = audit_log.verify(s)
        assert verdict.ok, str(verdict)
        added = s.scalar(select(func.count()).select_from(AuditEntry)) - audit_before
        assert added >= CLIENTS * EACH
