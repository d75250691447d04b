"""Numbers no database can hold (ids above 2^63-1) are a 404 or a 422, never a 500, on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from forewarn.security import SYSTEM, set_principal
from tests.accounts import bearer_tokens

HUGE = str(2**63)
HUGER = "9" * 30


@pytest.fixture(scope="module")
def admin(module_engine):
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        out = bearer_tokens(s, ["admin"])["admin"]
        s.commit()
    return out


@pytest.mark.parametrize("path", [
    f"/api/evidence/sources/{HUGE}", f"/api/evidence/sources/{HUGER}/content",
    f"/evidence/incidents/{HUGE}", f"/evidence/incidents/{HUGE}.json",
    f"/situations/{HUGE}.md", f"/api/evidence/incidents/{HUGE}/proposals",
    f"/reports/{HUGE}",
])
def test_huge_ids_in_paths_are_not_found(module_engine, app_for, admin, path):
    with TestClient(app_for(module_engine), base_url="https://testserver",
                    raise_server_exceptions=False) as c:
        r = c.get(path, headers=admin)
    assert r.status_code == 404, (path, r.status_code, r.text[:200])


def test_huge_numbers_in_queries_and_bodies_are_refused_not_crashes(module_engine, app_for,
                                                                    admin):
    with TestClient(app_for(module_engine), base_url="https://testserver",
                    raise_server_exceptions=False) as c:
        q = c.get(f"/api/evidence/incidents?offset={HUGE}", headers=admin)
        b = c.post("/api/evidence/incidents/1/findings", headers=admin, json={
            "text": "x", "citations": [{"source_id": int(HUGE)}]})
    assert q.status_code in (200, 422), q.text[:200]
    assert b.status_code in (404, 422), b.text[:200]
